"""Checked rows, scored once and kept until the apply: the check pass scores every row that fits
and writes it, ready to be stored, to a temporary file on disk a batch at a time. The apply pass
reads the batches back instead of reading and checking the upload again, and memory holds one
batch, whatever the size of the file.

The file is the import's own (created unlinked, in the system's temporary directory) and lives
as long as the job: a job that is interrupted starts again from the check, as before."""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, NamedTuple

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


class Spool:
    """Batches of staged rows in a temporary file: written in order, read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close()
            prefix="sc-results-import-")
        self.rows = 0

    def write(self, batch: list[Staged]) -> None:
        if batch:
            pickle.dump([tuple(s) for s in batch], self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.rows += len(batch)

    def batches(self) -> Iterator[list[Staged]]:
        self._file.seek(0)
        while True:
            try:
                batch = pickle.load(self._file)  # noqa: S301 - our own file, written above
            except EOFError:
                return
            yield [Staged._make(s) for s in batch]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
