"""The pupil's side: open a questionnaire with the one-time code, answer page by page (saved as
the pupil goes), finish. A pupil sees only their own questionnaire; a finished code is spent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.screening.models import Assignment, Campaign, Response
from safechildhood.screening.scoring import (
    AnswerError,
    Instrument,
    Item,
    clean_answers,
    is_shown,
)
from safechildhood.screening.services.codes import code_hash, code_looks_valid
from safechildhood.screening.services.instruments import instrument_get
from safechildhood.screening.services.responses import (
    _complete_if_done,
    answer_error,
    response_finish,
)

PAGE_SIZE = 5  # questions per page: light pages on a phone, little lost if the line drops


class CodeRefused(DomainError):
    """The same message for every refused code, so a guess learns nothing."""


def _refused() -> CodeRefused:
    return CodeRefused(_("This code does not open a questionnaire. Check it with your school "
                         "psychologist."), code="code_refused", field="code")


def assignment_open(*, code: str) -> Assignment:
    """The assignment a code opens, if the campaign is running and the code not yet spent."""
    if not code_looks_valid(code):
        raise _refused()
    assignment = (Assignment.objects.select_related("campaign")
                  .filter(code_hash=code_hash(code)).first())
    if assignment is None:
        raise _refused()
    campaign = assignment.campaign
    today = timezone.localdate()
    if campaign.status != Campaign.Status.OPEN or not (
            campaign.starts_on <= today <= campaign.ends_on):
        raise DomainError(_("This questionnaire is not open now."), code="campaign_closed",
                          field="code")
    if assignment.status == Assignment.Status.COMPLETED:
        raise DomainError(_("This code has already been used: the questionnaire is finished. "
                            "Thank you!"), code="code_spent", field="code")
    if assignment.status not in (Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS):
        raise _refused()
    return assignment


@dataclass(frozen=True)
class Page:
    instrument: Instrument
    items: list[Item]
    answers: dict[str, str]
    position: int  # how many questions of this instrument come before this page
    questions: int  # questions of this instrument as far as they are known now
    step: int  # instrument position, 1-based
    steps: int


def _instruments(assignment: Assignment) -> list[Instrument]:
    versions = {i["code"]: i["version"] for i in assignment.campaign.instruments}
    return [instrument_get(code, versions[code]) for code in assignment.instruments]


def _page_items(instrument: Instrument, answers: dict[str, str], position: int) -> tuple[
        list[Item], int]:
    """The next page from ``position`` on, and the number of questions known to be asked.

    Skip logic looks only at earlier questions, so the questions before ``position`` never
    change. A question whose showing depends on an answer on this same page starts the next
    page (the page works without script)."""
    shown = [(i, is_shown(instrument, i, answers)) for i in instrument.items]
    asked = [i for i, state in shown if state is not False]
    page: list[Item] = []
    for item in asked[position:]:
        state = dict((i.id, s) for i, s in shown)[item.id]
        if page and (state is None or len(page) == PAGE_SIZE):
            break
        page.append(item)
    return page, len(asked)


def page_current(*, assignment: Assignment) -> Page | None:
    """The page to show now, or None when every questionnaire is submitted."""
    drafts = {r.instrument: r for r in assignment.responses.all()}
    instruments = _instruments(assignment)
    for step, instrument in enumerate(instruments, start=1):
        draft = drafts.get(instrument.code)
        if draft is not None and draft.status == Response.Status.SUBMITTED:
            continue
        answers = dict(draft.answers) if draft else {}
        position = draft.position if draft else 0
        items, questions = _page_items(instrument, answers, position)
        return Page(instrument, items, answers, position, questions, step, len(instruments))
    return None


def page_save(*, assignment: Assignment, instrument_code: str, position: int,
              answers: dict[str, Any], language: str) -> Response:
    """Store the answers of the page that starts at ``position`` and move past it; the last
    page submits the questionnaire. Sending the same page twice (a double click, a resent form
    after a dropped connection) counts once."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related(
            "campaign", "school").get(pk=assignment.pk)
        if assignment.status not in (Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS):
            raise DomainError(_("This questionnaire is finished."), code="code_spent")
        instrument = next((i for i in _instruments(assignment) if i.code == instrument_code),
                          None)
        if instrument is None:
            raise DomainError(_("This questionnaire is not assigned to you."),
                              code="not_assigned")
        response, _created = Response.objects.select_for_update().get_or_create(
            assignment=assignment, instrument=instrument.code,
            defaults={"pupil_id": assignment.pupil_id, "campaign": assignment.campaign,
                      "school_id": assignment.school_id, "version": instrument.version,
                      "source": Response.Source.ONLINE, "language": language})
        if response.status == Response.Status.SUBMITTED or position != response.position:
            return response  # this page was already saved
        items, _questions = _page_items(instrument, response.answers, position)
        page_ids = {i.id for i in items}
        try:
            cleaned = clean_answers(instrument, {k: v for k, v in answers.items()
                                                 if k in page_ids})
        except AnswerError as error:
            raise answer_error(error) from None
        merged = {k: v for k, v in response.answers.items() if k not in page_ids}
        merged.update(cleaned)
        response.answers = merged
        response.position = position + len(items)
        response.language = language
        response.save(update_fields=["answers", "position", "language"])
        if assignment.status == Assignment.Status.PENDING:
            assignment.status = Assignment.Status.IN_PROGRESS
            assignment.started_at = timezone.now()
            assignment.language = language
            assignment.save(update_fields=["status", "started_at", "language"])
            audit_record(actor=None, action="screening.assignment.started", target=assignment,
                         data={"assignment_id": assignment.pk})
        _next, questions = _page_items(instrument, merged, response.position)
        if response.position >= questions:
            response.pupil = assignment.pupil
            response_finish(response=response, instrument=instrument, actor=None)
            _complete_if_done(assignment)
    return response
