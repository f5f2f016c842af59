"""The pupil's side: open a questionnaire with the one-time code, answer page by page (saved as
the pupil goes), finish. A pupil sees only their own questionnaire; a finished code is spent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from safechildhood.audit.services import audit_record
from safechildhood.errors import DomainError
from safechildhood.people.models import Pupil
from safechildhood.screening.models import Assignment, Campaign, Response
from safechildhood.screening.scoring import (
    AnswerError,
    Instrument,
    Item,
    clean_answers,
    is_shown,
)
from safechildhood.screening.services.codes import code_hash, code_looks_valid, code_tag
from safechildhood.screening.services.instruments import instrument_get
from safechildhood.screening.services.responses import answer_error, response_finish

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
    assignment = (Assignment.objects.select_related("campaign").defer("code_sealed")
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
    state = {i.id: True if i.show_if is None else is_shown(instrument, i, answers)
             for i in instrument.items}
    asked = [i for i in instrument.items if state[i.id] is not False]
    page: list[Item] = []
    for item in asked[position:]:
        if page and (state[item.id] is None or len(page) == PAGE_SIZE):
            break
        page.append(item)
    return page, len(asked)


_PAGE_FIELDS = ("id", "instrument", "status", "answers", "position")
_SAVE_FIELDS = (*_PAGE_FIELDS, "assignment_id", "pupil_id", "campaign_id", "school_id",
                "version", "source", "language")


def _drafts(assignment: Assignment, fields=_PAGE_FIELDS) -> dict[str, Response]:
    """The assignment's responses by instrument, with only the columns needed (building the
    query costs more than running it: every column counts on the pupil's path)."""
    return {r.instrument: r for r in Response.objects.filter(assignment_id=assignment.pk)
            .order_by().only(*fields)}


def _current(assignment: Assignment, drafts: dict[str, Response]) -> Page | None:
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


def assignment_for_ticket(*, assignment_id: int, tag: str) -> Assignment | None:
    """The assignment a pupil's ticket names (views/answering.py keeps it in a signed cookie),
    if the ticket was made for its current code: a new code (a lost slip) voids old tickets."""
    try:
        assignment = (Assignment.objects.select_related("campaign")
                      .only("id", "status", "code_hash", "instruments", "campaign__instruments")
                      .get(pk=assignment_id))
    except Assignment.DoesNotExist:
        return None
    if not constant_time_compare(code_tag(assignment.code_hash), tag):
        return None
    return assignment


def page_current(*, assignment: Assignment) -> Page | None:
    """The page to show now, or None when every questionnaire is submitted."""
    return _current(assignment, _drafts(assignment))


# what answering a page reads of the assignment: its campaign's instrument versions, and where
# it is (the audit trail and the crisis alert file events by region, district and school)
_LOCKED_FIELDS = ("id", "status", "code_hash", "instruments", "pupil_id", "campaign_id",
                  "school_id", "language", "started_at", "completed_at", "campaign__id",
                  "campaign__instruments", "school__id", "school__district_id",
                  "school__district__id", "school__district__region_id")


class Outcome(StrEnum):
    SAVED = "saved"  # the page is stored; another page follows
    FINISHED = "finished"  # every questionnaire of the assignment is submitted
    STALE = "stale"  # not the current page (sent twice, another tab): nothing stored
    CLOSED = "closed"  # no such assignment for this ticket, or it is not to be answered


def page_submit(*, assignment_id: int, tag: str, instrument_code: str, position: str,
                answers: dict[str, Any], language: str) -> Outcome:
    """Store the answers of the page the pupil was shown (``instrument_code`` at ``position``)
    and move past it; the last page submits the questionnaire, scores it and raises any crisis
    alert in the same transaction. Sending the same page twice (a double click, a resent form
    after a dropped connection) counts once: the second copy is stale. Answers that are not
    possible raise ``DomainError`` and store nothing.

    One lock on the assignment row (only that row: the campaign and school are read, not
    locked, so pupils of one campaign never wait for each other)."""
    with transaction.atomic():
        try:
            assignment = (Assignment.objects.select_for_update(of=("self",))
                          .select_related("campaign", "school__district").only(*_LOCKED_FIELDS)
                          .get(pk=assignment_id))
        except Assignment.DoesNotExist:
            return Outcome.CLOSED
        if not constant_time_compare(code_tag(assignment.code_hash), tag):
            return Outcome.CLOSED
        if assignment.status == Assignment.Status.COMPLETED:
            return Outcome.FINISHED
        if assignment.status not in (Assignment.Status.PENDING, Assignment.Status.IN_PROGRESS):
            return Outcome.CLOSED
        drafts = _drafts(assignment, _SAVE_FIELDS)
        current = _current(assignment, drafts)
        if current is None:
            return Outcome.FINISHED
        if instrument_code != current.instrument.code or position != str(current.position):
            return Outcome.STALE
        instrument = current.instrument
        page_ids = {i.id for i in current.items}
        try:
            cleaned = clean_answers(instrument, {k: v for k, v in answers.items()
                                                 if k in page_ids})
        except AnswerError as error:
            raise answer_error(error) from None
        merged = {k: v for k, v in current.answers.items() if k not in page_ids}
        merged.update(cleaned)
        response = drafts.get(instrument.code)
        if response is None:
            response = Response(
                assignment=assignment, instrument=instrument.code, pupil_id=assignment.pupil_id,
                campaign=assignment.campaign, version=instrument.version,
                source=Response.Source.ONLINE)
        response.school = assignment.school  # loaded with its district: the audit needs both
        response.answers = merged
        response.position = current.position + len(current.items)
        response.language = language
        _next, questions = _page_items(instrument, merged, response.position)
        finishing = response.position >= questions
        if not finishing:  # else response_finish below stores it with its scores
            if response.pk is None:
                response.save(force_insert=True)
            else:
                response.save(update_fields=["answers", "position", "language"])
        if assignment.status == Assignment.Status.PENDING:
            assignment.status = Assignment.Status.IN_PROGRESS
            assignment.started_at = timezone.now()
            assignment.language = language
            assignment.save(update_fields=["status", "started_at", "language"])
            audit_record(actor=None, action="screening.assignment.started", target=assignment,
                         data={"assignment_id": assignment.pk})
        if not finishing:
            return Outcome.SAVED
        # scoring and the follow-up need only the pupil's id: no need to read the pupil
        response.pupil = Pupil(pk=assignment.pupil_id)
        response_finish(response=response, instrument=instrument, actor=None)
        submitted = {code for code, r in drafts.items() if r.status == Response.Status.SUBMITTED}
        if not set(assignment.instruments) <= submitted | {instrument.code}:
            return Outcome.SAVED
        assignment.status = Assignment.Status.COMPLETED
        assignment.completed_at = timezone.now()
        assignment.save(update_fields=["status", "completed_at"])
    return Outcome.FINISHED
