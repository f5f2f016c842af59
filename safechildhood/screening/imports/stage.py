"""Checked rows, scored once and made ready to be written: every row that fits is scored with
the same rules as a paper form, and its columns and follow-up prepared, a batch at a time (memory
holds a few batches, whatever the size of the file)."""

from __future__ import annotations

import json
from typing import NamedTuple

from safechildhood.screening.imports.check import Checked
from safechildhood.screening.services.responses import (
    alert_flags,
    proposal_evidence,
    proposed_triage,
    scored_fields,
)


class Staged(NamedTuple):
    """A checked row with everything the apply writes: the response's columns (the JSON ones
    already as text) and its follow-up (proposals; a crisis alert when ``alert`` is set)."""

    row: int
    assignment_id: int
    pupil_id: int
    instrument: str
    version: str
    draft_id: int | None
    assigned: tuple[str, ...]  # the assignment's questionnaires, as checked
    answers: str  # JSON
    scores: str  # JSON
    total: int | None
    band: str
    completeness: str
    critical: bool
    level: str
    proposals: tuple[tuple[str, str, str], ...]  # (category, level, evidence JSON)
    alert: tuple[tuple[str, ...], bool] | None  # (critical flags, acute)


def staged(checked: list[Checked]) -> list[Staged]:
    """Score checked rows with the same ``scored_fields`` and follow-up rules as a paper form."""
    out = []
    dumps = json.dumps
    for row in checked:
        instrument = row.instrument
        result, fields = scored_fields(instrument, row.answers, cleaned=True)
        evidence = None
        proposals = []
        for category, level in proposed_triage(result):
            if evidence is None:
                evidence = dumps(proposal_evidence(instrument.code, instrument.version,
                                                   fields["total"], fields["band"], result))
            proposals.append((category, level, evidence))
        out.append(Staged(
            row.row, row.assignment_id, row.pupil_id, instrument.code, instrument.version,
            row.draft_id, row.assigned, dumps(row.answers), dumps(fields["scores"]),
            fields["total"], fields["band"], fields["completeness"], fields["critical"],
            fields["level"],
            tuple(proposals),
            (tuple(alert_flags(result)), result.acute) if result.critical else None))
    return out
