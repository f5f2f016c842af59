"""Reads of official reports: the region's reports, scoped by the policy (both statistics
roles of a region see all of its reports: their content is the same whoever asked)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Action, Actor, require, scope
from safechildhood.errors import NotFound
from safechildhood.statistics.models import Report

CONTENT_FIELDS = ("xlsx_content", "pdf_content")


def report_list(*, actor: Actor) -> QuerySet[Report]:
    """The reports of the actor's region, newest first, without their files."""
    require(actor, Action.REPORT_GENERATE)
    return (scope(actor, Report.objects.all()).defer(*CONTENT_FIELDS)
            .select_related("requested_by").order_by("-requested_at", "-id"))


def report_get(*, actor: Actor, pk: int) -> Report:
    """A report of the actor's region; any other is not found."""
    require(actor, Action.REPORT_GENERATE)
    found = report_list(actor=actor).select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."), code="not_found")
    return found
