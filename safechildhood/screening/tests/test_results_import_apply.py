"""The results import reads and checks a file once and writes the scored rows a batch at a time
while the next batch is checked: what changed between a row's check and its writing still
rejects the whole file, a bad row rolls back the batches already written, questionnaires spread
over batches still complete an assignment, and the alerts of a file are audited one by one on an
unbroken chain."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from safechildhood.audit.models import AuditEvent
from safechildhood.audit.services import audit_verify
from safechildhood.screening.imports import apply, check, service
from safechildhood.screening.models import (
    Assignment,
    CrisisAlert,
    JobStatus,
    Response,
    TriageProposal,
)
from safechildhood.screening.tests.test_results_import import (  # noqa: F401 - fixtures
    CALM_ASQ,
    CALM_PHQ,
    _no_second_factor,
    csv_file,
    row,
    snapshot,
    upload,
    w,
)

pytestmark = pytest.mark.django_db


def between_check_and_apply(monkeypatch, change) -> None:
    """Run ``change()`` once the first rows have been checked, before they are written."""
    staged = service.staged
    done = []

    def changed_then_staged(rows):
        if not done:
            done.append(change())
        return staged(rows)

    monkeypatch.setattr(service, "staged", changed_then_staged)


def test_the_file_is_read_and_checked_once(w, upload, monkeypatch):  # noqa: F811
    reads = []
    read_table = check.read_table
    monkeypatch.setattr(check, "read_table", lambda *a: reads.append(1) or read_table(*a))
    result = upload(csv_file([row(w["b_code"], **CALM_PHQ), row(w["d_code"], **CALM_PHQ)]))
    assert result.status == JobStatus.DONE and result.created_count == 2
    assert len(reads) == 1


def test_a_questionnaire_started_online_meanwhile_rejects_the_file(w, upload,  # noqa: F811
                                                                    monkeypatch):
    def pupil_starts_online():
        Response.objects.create(pupil=w["b"].pupil, campaign=w["campaign"], assignment=w["b"],
                                school=w["school"], instrument="phq-a", version="1.0",
                                source=Response.Source.ONLINE, answers={"phq_a_1": "0"})

    between_check_and_apply(monkeypatch, pupil_starts_online)
    result = upload(csv_file([row(w["d_code"], **{**CALM_PHQ, "phq_a_9": "3"}),
                              row(w["b_code"], **CALM_PHQ)]))
    assert result.status == JobStatus.FAILED
    assert [e["code"] for e in result.errors] == ["changed_meanwhile"]
    assert Response.objects.filter(source=Response.Source.IMPORT).count() == 0
    assert not CrisisAlert.objects.exists() and not TriageProposal.objects.exists()
    w["d"].refresh_from_db()
    assert w["d"].status == Assignment.Status.PENDING


def test_a_draft_finished_online_meanwhile_rejects_the_file(w, upload, monkeypatch):  # noqa: F811
    draft = Response.objects.create(pupil=w["b"].pupil, campaign=w["campaign"],
                                    assignment=w["b"], school=w["school"], instrument="asq",
                                    version="1.0", source=Response.Source.ONLINE,
                                    answers={"asq_1": "no"})
    between_check_and_apply(monkeypatch, lambda: Response.objects.filter(pk=draft.pk).update(
        status=Response.Status.SUBMITTED))
    result = upload(csv_file([row(w["b_code"], instrument="asq", **CALM_ASQ)]))
    assert [e["code"] for e in result.errors] == ["changed_meanwhile"]
    draft.refresh_from_db()
    assert (draft.source, draft.answers) == ("online", {"asq_1": "no"})


def test_a_refusal_recorded_meanwhile_rejects_the_file(w, upload, monkeypatch):  # noqa: F811
    before = snapshot()
    between_check_and_apply(monkeypatch, lambda: Assignment.objects.filter(
        pk=w["d"].pk).update(status=Assignment.Status.REFUSED))
    result = upload(csv_file([row(w["b_code"], **CALM_PHQ), row(w["d_code"], **CALM_PHQ)]))
    assert [e["code"] for e in result.errors] == ["changed_meanwhile"]
    assert snapshot()[:3] == before[:3]
    # (here the refusal shares the import's connection and is rolled back with it; in use it
    # is another person's committed change, and stays)
    assert Assignment.objects.get(pk=w["d"].pk).status != Assignment.Status.COMPLETED


def test_a_bad_row_after_batches_already_written_rolls_them_back(w, upload,  # noqa: F811
                                                                  monkeypatch):
    monkeypatch.setattr(check, "BATCH_SIZE", 1)
    written = []
    write = service.BulkWriter.write
    monkeypatch.setattr(service.BulkWriter, "write",
                        lambda self, batch: written.append(len(batch)) or write(self, batch))
    before, last_event = snapshot(), AuditEvent.objects.order_by("id").last()
    result = upload(csv_file([row(w["b_code"], **{**CALM_PHQ, "phq_a_9": "3"}),
                              row(w["d_code"], **CALM_PHQ),
                              row("ACDEFHJK", **CALM_PHQ)]))
    assert written == [1, 1]  # the good rows were written before the bad one was read
    assert result.status == JobStatus.FAILED
    assert [(e["row"], e["code"]) for e in result.errors] == [(4, "code_unknown")]
    assert snapshot() == before
    assert list(AuditEvent.objects.filter(id__gt=last_event.id if last_event else 0)
                .order_by("id").values_list("action", flat=True)) == [
        "screening.import.uploaded", "screening.import.rejected"]  # no alert was raised


def test_the_thread_switch_interval_is_short_while_writing_and_restored_after(
        w, upload, monkeypatch):  # noqa: F811
    monkeypatch.setattr(check, "BATCH_SIZE", 1)
    seen = []
    write = service.BulkWriter.write
    monkeypatch.setattr(service.BulkWriter, "write", lambda self, batch: seen.append(
        sys.getswitchinterval()) or write(self, batch))
    before = sys.getswitchinterval()
    result = upload(csv_file([row(w["b_code"], **CALM_PHQ), row(w["d_code"], **CALM_PHQ)]))
    assert result.status == JobStatus.DONE
    assert seen == [min(before, apply.SWITCH_INTERVAL)] * 2
    assert sys.getswitchinterval() == before


def test_questionnaires_in_different_batches_complete_the_assignment(w, upload,  # noqa: F811
                                                                      monkeypatch):
    monkeypatch.setattr(check, "BATCH_SIZE", 1)
    b_first = upload(csv_file([row(w["b_code"], **CALM_PHQ), row(w["d_code"], **CALM_PHQ),
                               row(w["b_code"], instrument="asq", **CALM_ASQ)]))
    assert b_first.status == JobStatus.DONE and b_first.created_count == 3
    w["b"].refresh_from_db()
    w["d"].refresh_from_db()
    assert w["d"].status == Assignment.Status.COMPLETED  # PHQ-A was its only questionnaire
    assert w["b"].status == Assignment.Status.PENDING  # CRAFFT still to come
    last = upload(csv_file([row(w["b_code"], instrument="crafft", crafft_a1="0")]))
    assert last.status == JobStatus.DONE, last.errors
    w["b"].refresh_from_db()
    assert w["b"].status == Assignment.Status.COMPLETED and w["b"].completed_at


def test_each_alert_of_a_file_is_audited_on_an_unbroken_chain(w, upload,  # noqa: F811
                                                               monkeypatch):
    monkeypatch.setattr(check, "BATCH_SIZE", 2)
    critical = {**CALM_PHQ, "phq_a_9": "2"}
    result = upload(csv_file([row(w["a_code"], **critical), row(w["b_code"], **CALM_PHQ),
                              row(w["d_code"], **critical)]))
    assert result.status == JobStatus.DONE
    alerts = {a.pk: a for a in CrisisAlert.objects.all()}
    assert len(alerts) == 2
    raised = AuditEvent.objects.filter(action="screening.alert.raised").order_by("pk")
    assert sorted(e.data["alert_id"] for e in raised) == sorted(alerts)
    for event in raised:
        alert = alerts[event.data["alert_id"]]
        data = dict(event.data)
        assert dt.datetime.fromisoformat(data.pop("deadline")) == alert.deadline
        assert data == {"alert_id": alert.pk, "response_id": alert.response_id,
                        "acute": alert.acute, "flags": alert.flags, "on_duty": alert.on_duty_id}
        assert (event.target_id, event.school_id) == (str(alert.pk), w["school"].pk)
        assert event.actor_id == w["psy"].user.pk
    checked, broken = audit_verify()
    assert broken is None and checked == AuditEvent.objects.count()
