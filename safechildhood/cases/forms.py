"""Forms of the triage queue and the case pages: parsing and validation, with errors in the
user's language. The rules of the programme (who may, which move is allowed) are the services'."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safechildhood.accounts.models import User
from safechildhood.cases import counting
from safechildhood.cases import selectors_triage as triage
from safechildhood.cases.models import Category, Level, RiskCase
from safechildhood.cases.services.lifecycle import (
    MAX_PLAN_ACTIONS,
    REVIEW_DAYS_MAX,
    REVIEW_DAYS_MIN,
)
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.periods import ReportPeriod
from safechildhood.screening.forms import DateInput
from safechildhood.screening.models import TriageProposal

MINE, ANYONE = "mine", "all"


def _with_blank(choices, label) -> list:
    return [("", label), *choices]


class DistrictChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return obj.name


# --- triage ------------------------------------------------------------------------------------


class TriageFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        (triage.SHOW_PROPOSED, _("awaiting decision")),
        (triage.SHOW_DECLINED, _("declined")),
        (triage.SHOW_ACCEPTED, _("accepted")),
    ])
    district = DistrictChoice(label=_("District"), required=False, queryset=District.objects.none(),
                              empty_label=_("all districts"))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=_with_blank(Category.choices, _("all categories")))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_with_blank(
        [*TriageProposal.Source.choices, (triage.SOURCE_ALERT, _("crisis alert"))],
        _("all sources")))

    def __init__(self, *args, districts: QuerySet[District], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"show": data.get("show") or triage.SHOW_PROPOSED,
                "district": data.get("district"),
                "category": data.get("category") or "",
                "source": data.get("source") or ""}


class SpecialistChoice(forms.ModelChoiceField):
    """A specialist with their open caseload, so that the head can spread the work."""

    def label_from_instance(self, obj: User) -> str:
        count = getattr(obj, "open_cases", None)
        if count is None:
            return str(obj)
        return _("%(name)s (open cases: %(count)d)") % {"name": obj, "count": count}


class AcceptForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Risk categories"), choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one risk category.")})
    level = forms.ChoiceField(label=_("Level"), choices=_with_blank(Level.choices,
                                                                    _("choose the level")))
    reason = forms.CharField(label=_("Why the child enters the risk group"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    specialist = SpecialistChoice(
        label=_("Assign to a specialist now"), required=False, queryset=User.objects.none(),
        empty_label=_("later (the case waits for a specialist)"))

    def __init__(self, *args, specialists: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why the proposal is declined"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             error_messages={"required": _("Write why the proposal is "
                                                           "declined.")})


# --- the case list -----------------------------------------------------------------------------


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.name} ({obj.district.name})"


class CaseFilterForm(forms.Form):
    """The case list's filter. A value that does not parse is left out (and said so), never an
    error page. ``period`` (``2025``, ``2025-q1``, ``2025-03``) with ``counted`` shows the cases a
    period counts (cases/counting.py), as the statistics' figures link to them."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_blank(
        RiskCase.Status.choices, _("open cases")))
    district = DistrictChoice(label=_("District"), required=False, queryset=District.objects.none(),
                              empty_label=_("all districts"))
    school = SchoolChoice(label=_("School"), required=False, queryset=School.objects.none(),
                          empty_label=_("all schools"))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=_with_blank(Category.choices, _("all categories")))
    owner = forms.ChoiceField(label=_("Specialist"), required=False)
    period = forms.CharField(label=_("Period"), required=False, max_length=7,
                             help_text=_("A year (2025), a quarter (2025-q1) or a month "
                                         "(2025-03)."),
                             widget=forms.TextInput(attrs={"placeholder": "2025-q1", "size": 8}))
    counted = forms.ChoiceField(label=_("Cases of the period"), required=False,
                                choices=counting.CASE_COUNTED)

    def __init__(self, *args, districts: QuerySet[District], owners: QuerySet[User],
                 default_mine: bool, schools: QuerySet[School] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_mine = default_mine
        self.owners = {str(u.pk): u for u in owners}
        self.fields["district"].queryset = districts
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()
        choices = [(MINE, _("my cases")), (ANYONE, _("everyone's"))] if default_mine else [
            (ANYONE, _("everyone's"))]
        self.fields["owner"].choices = choices + [(pk, str(u)) for pk, u in self.owners.items()]
        self.fields["owner"].initial = MINE if default_mine else ANYONE
        if ReportPeriod.parse(self.data.get("period")) is not None:
            # a period's cases are of any status now (a case that left is closed)
            self.fields["status"].choices = _with_blank(RiskCase.Status.choices,
                                                        _("any status"))

    def clean_period(self) -> ReportPeriod | None:
        code = self.cleaned_data.get("period") or ""
        if not code.strip():
            return None
        period = ReportPeriod.parse(code)
        if period is None:
            raise forms.ValidationError(
                _("Write the period as a year (2025), a quarter (2025-q1) or a month (2025-03)."),
                code="bad_period")
        return period

    def _data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()  # the fields that parse are kept, the others left out
        return self.cleaned_data

    def filters(self) -> dict:
        data = self._data()
        owner = data.get("owner") or (MINE if self.default_mine else ANYONE)
        return {"status": data.get("status") or "", "district": data.get("district"),
                "school": data.get("school"), "category": data.get("category") or "",
                "period": data.get("period"),
                "counted": data.get("counted") or counting.IN_GROUP,
                "mine": owner == MINE,
                "owner": self.owners.get(owner)}

    def active(self) -> list[str]:
        """What the list shows, in words: one phrase per filter in force."""
        f = self.filters()
        phrases = []
        if f["period"] is not None:
            phrases.append(_("%(which)s: %(period)s") % {
                "which": dict(counting.CASE_COUNTED)[f["counted"]], "period": f["period"].label})
        if f["status"]:
            phrases.append(_("status: %(status)s") % {
                "status": RiskCase.Status(f["status"]).label})
        elif f["period"] is None:
            phrases.append(str(_("open cases")))
        if f["school"] is not None:
            phrases.append(_("school: %(name)s") % {"name": f["school"].name})
        if f["district"] is not None:
            phrases.append(_("district: %(name)s") % {"name": f["district"].name})
        if f["category"]:
            phrases.append(_("category: %(name)s") % {"name": Category(f["category"]).label})
        if f["mine"]:
            phrases.append(str(_("my cases")))
        elif f["owner"] is not None:
            phrases.append(_("specialist: %(name)s") % {"name": f["owner"]})
        return [str(p) for p in phrases]


# --- the case's life ---------------------------------------------------------------------------


class AssignForm(forms.Form):
    specialist = SpecialistChoice(label=_("Specialist"), queryset=User.objects.none(),
                                  empty_label=_("choose a specialist"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, specialists: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists


class PlanForm(forms.Form):
    """Goals and up to five planned actions, each with its due date."""

    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}),
                            max_length=4000)
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=REVIEW_DAYS_MIN, max_value=REVIEW_DAYS_MAX,
        initial=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_PLAN_ACTIONS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=_("Planned action %(number)d") % {"number": n}, required=False,
                max_length=1000)
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("Due date of action %(number)d") % {"number": n}, required=False,
                widget=DateInput())

    def action_rows(self) -> list[tuple]:
        return [(self[f"action_{n}"], self[f"due_{n}"]) for n in range(1, MAX_PLAN_ACTIONS + 1)]

    def clean(self):
        data = super().clean()
        actions = []
        for n in range(1, MAX_PLAN_ACTIONS + 1):
            text, due = (data.get(f"action_{n}") or "").strip(), data.get(f"due_{n}")
            if text and not due:
                self.add_error(f"due_{n}", _("Give the due date of this action."))
            elif due and not text:
                self.add_error(f"action_{n}", _("Describe the action due on this date."))
            elif text:
                actions.append((text, due))
        if not actions and not self.errors:
            self.add_error("action_1", _("Add at least one planned action with its due date."))
        data["actions"] = actions
        return data


class DecisionForm(forms.Form):
    """The head's decision on a plan or a closure."""

    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (APPROVE, _("approve")), (RETURN, _("return with a comment"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change: the comment goes back to "
                                        "the specialist."))
        return data


class ReviewForm(forms.Form):
    level = forms.ChoiceField(label=_("Level now"), choices=_with_blank(Level.choices,
                                                                        _("choose the level")))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000)
    next_review_on = forms.DateField(
        label=_("Next review"), required=False, widget=DateInput(),
        help_text=_("Empty: after the case's review interval."))


class ClosureForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Proposal"), widget=forms.RadioSelect, choices=[
        (RiskCase.Status.MONITORING, _("move to monitoring")),
        (RiskCase.Status.CLOSED, pgettext_lazy("case", "close the case"))])
    reason = forms.ChoiceField(label=_("Reason for closing"), required=False,
                               choices=_with_blank(RiskCase.CloseReason.choices,
                                                   _("choose the reason")))
    note = forms.CharField(label=_("Summary of the work and where the child is now"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def clean(self):
        data = super().clean()
        if data.get("to_status") == RiskCase.Status.CLOSED and not data.get("reason"):
            self.add_error("reason", _("Choose the reason for closing the case."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is reopened"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    specialist = SpecialistChoice(
        label=_("Specialist"), required=False, queryset=User.objects.none(),
        empty_label=_("the same specialist if they still work the district, else nobody yet"))

    def __init__(self, *args, specialists: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists
