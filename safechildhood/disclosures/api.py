"""Police reports API: the same reports, scopes and audit as the pages, for integrations (a
police unit's own register first).

* /api/police-reports/ — the reports in the caller's scope (the inspector: those sent to their
  unit; the school and the centre: theirs; the prosecutor's analyst: the region's, without the
  child's name), filtered by ``show``
* /api/police-reports/{id}/ — one report with its dated and attributed steps (audited)

Narratives never leave through the API; the police's own material (the reason for a refusal)
only to the unit's inspector and the prosecutor, as on the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from safechildhood.disclosures import selectors
from safechildhood.disclosures.forms import ReportFilterForm
from safechildhood.disclosures.models import PoliceReport
from safechildhood.ui.api import ActorAPIView, NamedRefOutput, error_responses


class PupilRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField()


class ReportStepOutput(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField(help_text=_("Name of the person who took the step."))

    def get_by(self, step) -> str | None:
        return step.by.get_full_name() if step.by_id else None


class PoliceReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    status_changed_at = serializers.DateTimeField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    required = serializers.BooleanField(help_text=_("Whether the law requires the report."))
    district = NamedRefOutput()
    school = NamedRefOutput()
    unit = NamedRefOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(help_text=_("When the report must be sent by."))
    sent_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    erdr_number = serializers.CharField(help_text=_("ERDR registration number, once "
                                                    "registered."))
    pupil = serializers.SerializerMethodField(
        help_text=_("The child: for the school, the centre and the unit's inspector; null for "
                    "the prosecutor's analyst."))

    def get_pupil(self, report) -> dict | None:
        if not self.context.get("names"):
            return None
        return PupilRefOutput(report.pupil).data


class PoliceReportDetailOutput(PoliceReportOutput):
    steps = ReportStepOutput(many=True, source="steps_list")
    refusal_reason = serializers.SerializerMethodField(
        help_text=_("For the unit's inspector and the prosecutor only; null for others."))

    def get_refusal_reason(self, report) -> str | None:
        if not self.context.get("police_material"):
            return None
        return report.refusal_reason or ""


SHOW_PARAMETER = OpenApiParameter(
    name="show", type=str, required=False,
    enum=[value for value, _label in ReportFilterForm.base_fields["show"].choices],
    description=_("all (default), attention (waiting for the caller), pending (to be sent), "
                  "open (with the police), final (verdict or refusal)."))


@extend_schema(tags=["police reports"])
class PoliceReportListAPI(ActorAPIView):
    @extend_schema(
        operation_id="police_reports_list",
        summary=_("Police reports in the caller's scope"),
        description=_("The juvenile inspector gets the reports sent to their unit only; the "
                      "school and the centre their own; the prosecutor's analyst every report "
                      "of the region without the child. Reports to be sent first, by "
                      "deadline."),
        parameters=[SHOW_PARAMETER],
        responses={200: PoliceReportOutput(many=True), **error_responses()},
    )
    def get(self, request):
        show = ReportFilterForm(request.query_params).show_value()
        reports = selectors.report_list(actor=self.actor, show=show)
        page = self.paginate_queryset(reports)
        data = PoliceReportOutput(page, many=True,
                                  context={"names": selectors.sees_names(self.actor)}).data
        return self.get_paginated_response(data)


@extend_schema(tags=["police reports"])
class PoliceReportDetailAPI(ActorAPIView):
    @extend_schema(
        operation_id="police_reports_retrieve",
        summary=_("One police report"),
        description=_("The report with every step, dated and attributed. Every read is "
                      "written to the audit log. A report outside the caller's scope is a "
                      "404, like one that does not exist."),
        responses={200: PoliceReportDetailOutput, **error_responses(404)},
    )
    def get(self, request, pk: int):
        report: PoliceReport = selectors.report_get(actor=self.actor, pk=pk)
        report.steps_list = selectors.report_steps(actor=self.actor, report=report)
        context = {"names": selectors.sees_names(self.actor),
                   "police_material": selectors.sees_police_material(self.actor, report)}
        return Response(PoliceReportDetailOutput(report, context=context).data)
