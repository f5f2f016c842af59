"""Input and output shapes of the pupils and rosters API. Inputs are parsed here; every rule
(the IIN, who may change what, duplicates) is the services' and the policy's."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from safechildhood.people.forms import PupilForm, PupilSearchForm, TransferForm
from safechildhood.people.imports.problems import column_label, problem_message
from safechildhood.people.models import Consent, Enrollment, Guardian, Pupil, RosterImport, Sex
from safechildhood.ui.api import NamedRefOutput

MAX_GRADE = 12
# The list's status filter, as on the pupil list page.
PUPIL_LIST_STATUSES = tuple(choice for choice, _label in PupilSearchForm.STATUS_CHOICES)


def cleaned_by(form: forms.Form) -> dict:
    """Validate with the pupil pages' own form, so the API applies the same rules with the same
    messages and codes; its errors become a DRF validation error."""
    if form.is_valid():
        return form.cleaned_data
    raise serializers.ValidationError({
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): [
            ErrorDetail(str(message), code=error.code or "invalid")
            for error in errors for message in error.messages
        ]
        for name, errors in form.errors.as_data().items()
    })


# --- pupils: input -------------------------------------------------------------------------------


class PupilListFilterInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text=_("Last or first name, the beginning of an IIN, or a "
                                          "date of birth (14.03.2011)."))
    grade = serializers.IntegerField(required=False, min_value=0, max_value=MAX_GRADE)
    class_letter = serializers.CharField(required=False, allow_blank=True, max_length=5)
    status = serializers.ChoiceField(
        choices=PUPIL_LIST_STATUSES,
        required=False, default="active",
        help_text=_("active: enrolled (the default); left: left school; all: both."))

    def selector_filters(self) -> dict:
        data = self.validated_data
        return {"query": data.get("q", ""), "grade": data.get("grade"),
                "class_letter": data.get("class_letter", ""),
                "status": None if data["status"] == "all" else data["status"]}


class PupilInput(serializers.Serializer):
    """A pupil's facts, checked by the same rules as the pupil form: names in letters, an age
    that fits a pupil, and an IIN whose check digit, date of birth and sex agree."""

    last_name = serializers.CharField(max_length=100)
    first_name = serializers.CharField(max_length=100)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                        default="")
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    grade = serializers.IntegerField(min_value=0, max_value=MAX_GRADE,
                                     help_text=_("0 is the pre-school class."))
    class_letter = serializers.CharField(max_length=5, required=False, allow_blank=True,
                                         default="")
    iin = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                allow_null=True, default=None,
                                help_text=_("12 digits; may be left out."))

    def validate(self, attrs: dict) -> dict:
        pupil: Pupil | None = self.context.get("pupil")
        current = {} if pupil is None else {
            name: getattr(pupil, name) for name in PupilForm.base_fields}
        data = {**current, **attrs}
        data["iin"] = data.get("iin") or ""
        return cleaned_by(PupilForm(data=data))


class PupilTransferInput(serializers.Serializer):
    to_school = serializers.IntegerField(help_text=_("An open school of the caller's region "
                                                     "(GET /api/schools/)."))
    grade = serializers.IntegerField(min_value=0, max_value=MAX_GRADE)
    class_letter = serializers.CharField(max_length=5, required=False, allow_blank=True,
                                         default="")
    on_date = serializers.DateField(required=False,
                                    help_text=_("Date of transfer; today if left out."))

    def validate(self, attrs: dict) -> dict:
        data = {**attrs, "on_date": attrs.get("on_date") or timezone.localdate()}
        return cleaned_by(TransferForm(data=data, schools=self.context["schools"],
                                       pupil=self.context["pupil"]))


# --- pupils: output ------------------------------------------------------------------------------


class PupilOutput(serializers.ModelSerializer):
    full_name = serializers.CharField()
    sex_label = serializers.CharField(source="get_sex_display")
    class_name = serializers.CharField(help_text=_("Grade and letter, e.g. 7А."))
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Pupil
        fields = ["id", "iin", "last_name", "first_name", "middle_name", "full_name",
                  "birth_date", "sex", "sex_label", "school", "grade", "class_letter",
                  "class_name", "status", "status_label", "updated_at"]
        read_only_fields = fields


class PupilListOutput(PupilOutput):
    latest_consent = serializers.ChoiceField(
        choices=Consent.Decision.choices, allow_null=True, read_only=True,
        help_text=_("The latest recorded decision on screening, if any."))

    class Meta(PupilOutput.Meta):
        fields = [*PupilOutput.Meta.fields, "latest_consent"]
        read_only_fields = fields


class EnrollmentOutput(serializers.ModelSerializer):
    school = NamedRefOutput()

    class Meta:
        model = Enrollment
        fields = ["school", "grade", "class_letter", "started_on", "ended_on"]
        read_only_fields = fields


class GuardianOutput(serializers.ModelSerializer):
    relation_label = serializers.CharField(source="get_relation_display")

    class Meta:
        model = Guardian
        fields = ["id", "relation", "relation_label", "full_name", "phone"]
        read_only_fields = fields


class ConsentOutput(serializers.ModelSerializer):
    """A consent record without its note (free text, kept encrypted and shown on the site)."""

    decision_label = serializers.CharField(source="get_decision_display")

    class Meta:
        model = Consent
        fields = ["id", "decision", "decision_label", "decided_on", "guardian", "recorded_at"]
        read_only_fields = fields


class PupilDetailOutput(PupilOutput):
    school = NamedRefOutput()
    district = NamedRefOutput(source="school.district")
    settlement = NamedRefOutput(source="school.settlement")
    enrollments = EnrollmentOutput(many=True)
    guardians = GuardianOutput(many=True)
    consents = ConsentOutput(many=True)

    class Meta(PupilOutput.Meta):
        fields = [*PupilOutput.Meta.fields, "district", "settlement", "enrollments",
                  "guardians", "consents"]
        read_only_fields = fields

# --- rosters -------------------------------------------------------------------------------------


class RosterUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("The school's roster: an Excel workbook (.xlsx) or a CSV file, with the "
                    "columns of the template (Kazakh, Russian or English column names)."),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["file"].help_text = f"{fields['file'].help_text} " + str(
            _("At most %(size)s.") % {"size": filesizeformat(settings.ROSTER_MAX_BYTES)})
        return fields


class RosterAcceptedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RosterImport.Status.choices)
    status_url = serializers.URLField(help_text=_("Poll this address for progress and the "
                                                  "result."))


class RosterProblemOutput(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True,
                                   help_text=_("Row number as the spreadsheet shows it; null "
                                               "for a problem with the whole file."))
    column = serializers.CharField(allow_null=True,
                                   help_text=_("Field the column holds (last_name, iin ...)."))
    column_label = serializers.CharField(allow_blank=True)
    code = serializers.CharField(help_text=_("Stable machine-readable reason."))
    message = serializers.CharField(help_text=_("The problem, in the caller's language."))


def roster_problems(errors) -> list[dict]:
    return [
        {"row": e.get("row"), "column": e.get("column"),
         "column_label": column_label(e["column"]) if e.get("column") else "",
         "code": e.get("code", ""), "message": problem_message(e)}
        for e in errors or []
    ]


class RosterImportOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    finished = serializers.SerializerMethodField()
    percent = serializers.IntegerField(help_text=_("Rows checked, in per cent."))
    unchanged_count = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = RosterImport
        fields = ["id", "school", "file_name", "status", "status_label", "finished", "percent",
                  "total_rows", "processed_rows", "created_count", "updated_count",
                  "unchanged_count", "uploaded_by", "created_at", "finished_at"]
        read_only_fields = fields

    def get_finished(self, obj: RosterImport) -> bool:
        return obj.status in (RosterImport.Status.DONE, RosterImport.Status.FAILED)

    def get_unchanged_count(self, obj: RosterImport) -> int:
        if obj.status != RosterImport.Status.DONE:
            return 0
        return max(0, obj.total_rows - obj.created_count - obj.updated_count)


class RosterImportDetailOutput(RosterImportOutput):
    errors = serializers.SerializerMethodField(
        help_text=_("Why the file was rejected: every problem found, in row order."))

    class Meta(RosterImportOutput.Meta):
        fields = [*RosterImportOutput.Meta.fields, "errors"]
        read_only_fields = fields

    @extend_schema_field(RosterProblemOutput(many=True))
    def get_errors(self, obj: RosterImport) -> list[dict]:
        return roster_problems(obj.errors)
