"""The audit trail page: who did what, when, to which record, within the reader's scope."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, require
from safechildhood.audit import selectors
from safechildhood.audit.labels import action_choices, labelled, target_type_choices


class EventFilterForm(forms.Form):
    """The trail's filters. All optional; dates are whole days in local time."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    login = forms.CharField(label=_("Staff login"), required=False, max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "off",
                                                          "spellcheck": "false"}))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"},
                                                       format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    object_type = forms.ChoiceField(label=_("Record type"), required=False)
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=40,
                                widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                              "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]
        self.fields["object_type"].choices = [("", _("Any record")), *target_type_choices()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error("object_type", _("Choose the type of the record as well."))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "username": data.get("login") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "target_type": data.get("object_type") or "",
            "target_id": data.get("object_id") or "",
        }


def _event_id(value: str | None) -> int | None:
    if value and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def _page_url(request, **param) -> str:
    query = request.GET.copy()
    for key in ("before", "after", "page"):
        query.pop(key, None)
    for key, value in param.items():
        query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


@login_required
@require_GET
def event_list(request):
    """Filters and one page of events, newest first. Reading the trail is not audited."""
    require(request.actor, Action.AUDIT_VIEW)
    form = EventFilterForm(request.GET or None)
    page, filters = None, {}
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        events = selectors.event_list(actor=request.actor, **filters)
        page = selectors.event_page(events, before=_event_id(request.GET.get("before")),
                                    after=_event_id(request.GET.get("after")))
    paged = bool(request.GET.get("before") or request.GET.get("after"))
    context = {
        "form": form,
        "page": page,
        "rows": labelled(page.events) if page is not None else [],
        "newer_url": _page_url(request, after=page.newer_than) if page and page.newer_than
        else None,
        "older_url": _page_url(request, before=page.older_than) if page and page.older_than
        else None,
        "newest_url": _page_url(request) if paged else None,
        "filtered": any(filters.values()),
    }
    template = "audit/_event_results.html" if request.htmx else "audit/event_list.html"
    return render(request, template, context)
