"""What a results export holds: its columns, its rows and its codebook (``exports`` writes them to
a file in the background).

Who gets which rows:

* pseudonymised (centre head and centre specialists): every submitted response of the campaign
  in the requester's area (the head's region, a specialist's districts: the assignments the
  policy lets them count), with a stable pseudonym (a keyed hash of the pupil's id) instead of
  the name; the same child has the same pseudonym in every export;
* identified (centre head only): names and IINs, for the children the policy lets the requester
  see identified (alerted or proposed for the risk group) among those rows.

Rows are read with one query, a batch at a time (a server-side cursor on PostgreSQL), as plain
tuples (``values_list``), and each becomes a list of cells with as little Python work as can be:
names of schools and districts, the pseudonym key and the column layout of every questionnaire
are worked out once per export, not once per row. Every text cell that a spreadsheet would take
for a formula (= + - @ at its start) gets a leading apostrophe (``safe_cell``). Each response is
one row: fixed columns, then one column per question of the campaign's questionnaires with the
answer code; the codebook gives every question's text in Kazakh, Russian and English and every
code's label.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from safechildhood.access.policy import Actor, scope
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.screening.models import Assignment, Campaign, Response, ResponseExport
from safechildhood.screening.scoring import LANGUAGES, Instrument
from safechildhood.screening.services.instruments import instrument_get

BATCH_SIZE = 2000  # responses read at a time
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # the same, as single characters
CSV_DELIMITER = ","

# The fixed columns, by variant, and what each means (for the codebook).
IDENTITY_COLUMNS = {
    ResponseExport.Variant.PSEUDONYMISED: ("pseudonym",),
    ResponseExport.Variant.IDENTIFIED: ("pupil", "iin"),
}
COLUMN_MEANINGS: dict[str, Any] = {
    "response_id": _("Number of the response in the system"),
    "pseudonym": _("The pupil's pseudonym: the same in every export, never the name"),
    "pupil": _("The pupil's full name"),
    "iin": _("The pupil's IIN"),
    "school": _("School"),
    "district": _("District"),
    "grade": _("Grade when screened"),
    "class_letter": _("Class letter when screened"),
    "instrument": _("Questionnaire (code)"),
    "version": _("Version of the questionnaire"),
    "submitted_at": _("Submitted (Almaty time)"),
    "source": _("How the answers came in"),
    "completeness": _("Completeness"),
    "total": _("Total of the questionnaire's first scale"),
    "band": _("Band of that total"),
    "flags": _("Flags raised, separated by spaces"),
}
CODEBOOK_HEADER = ["variable", "instrument", "version", "kind",
                   *(f"text_{lang}" for lang in LANGUAGES), "code", "value",
                   *(f"label_{lang}" for lang in LANGUAGES)]


def _pseudonym_key() -> bytes:
    return hashlib.sha256(("export-pseudonym:" + settings.SECRET_KEY).encode()).digest()


def pseudonym(pupil_id: int) -> str:
    """A stable pseudonym: HMAC-SHA256 of the pupil's id under a key derived from SECRET_KEY.
    It cannot be turned back into the pupil without the key."""
    return hmac.digest(_pseudonym_key(), str(pupil_id).encode(), "sha256").hex()[:16]


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula starts with an apostrophe instead."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- what an export holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    instrument: Instrument
    item_id: str
    column: str


def campaign_questions(campaign: Campaign) -> list[Question]:
    """One column per question of the campaign's questionnaires, in their order. An item id
    that two questionnaires share is prefixed with the questionnaire's code."""
    instruments = [instrument_get(i["code"], i["version"]) for i in campaign.instruments]
    counts: dict[str, int] = {}
    for instrument in instruments:
        for item_id in instrument.item_ids:
            counts[item_id] = counts.get(item_id, 0) + 1
    return [Question(inst, item_id, item_id if counts[item_id] == 1 else
                     f"{inst.code}.{item_id}")
            for inst in instruments for item_id in inst.item_ids]


def export_columns(variant: str, questions: list[Question]) -> list[str]:
    return ["response_id", *IDENTITY_COLUMNS[variant], "school", "district", "grade",
            "class_letter", "instrument", "version", "submitted_at", "source", "completeness",
            "total", "band", "flags", *(q.column for q in questions)]


def export_queryset(*, actor: Actor, campaign: Campaign, variant: str) -> QuerySet[Response]:
    """The submitted responses an export by ``actor`` holds (see the module docstring)."""
    assignments = scope(actor, Assignment.objects.filter(campaign=campaign)).values("pk")
    responses = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED,
                                        assignment__in=assignments)
    if variant == ResponseExport.Variant.IDENTIFIED:
        responses = scope(actor, responses)
    return responses


_READ = ("pk", "pupil_id", "school_id", "assignment__district_id", "assignment__grade",
         "assignment__class_letter", "instrument", "version", "submitted_at", "source",
         "completeness", "total", "band", "scores__flags", "answers")
_READ_IDENTIFIED = ("pupil__last_name", "pupil__first_name", "pupil__middle_name", "pupil__iin")


def _answer_layouts(questions: list[Question]) -> dict[str, tuple[list, tuple, list]]:
    """For each questionnaire: the empty cells before its columns, the item id of each column
    from its first to its last (``None`` for another questionnaire's column in between), and
    the empty cells after them: a response fills only its own questionnaire's columns."""
    positions: dict[str, list[int]] = {}
    for position, q in enumerate(questions):
        positions.setdefault(q.instrument.code, []).append(position)
    layouts = {}
    for code, places in positions.items():
        first, last = places[0], places[-1]
        items = tuple(questions[p].item_id if questions[p].instrument.code == code else None
                      for p in range(first, last + 1))
        layouts[code] = ([None] * first, items, [None] * (len(questions) - last - 1))
    return layouts


def export_rows(responses: QuerySet[Response], *, variant: str, questions: list[Question],
                names: dict[str, dict[int, str]], for_xlsx: bool,
                on_batch: Callable[[int], None] | None = None,
                batch_size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    """The data rows in order of id, read ``batch_size`` at a time, every cell safe; ``on_batch``
    is told how many have been read after each batch."""
    identified = variant == ResponseExport.Variant.IDENTIFIED
    fields = (*_READ, *_READ_IDENTIFIED) if identified else _READ
    layouts = _answer_layouts(questions)
    nothing = ([None] * len(questions), (), [])
    schools = {pk: safe_cell(name) for pk, name in names["school"].items()}
    districts = {pk: safe_cell(name) for pk, name in names["district"].items()}
    key = _pseudonym_key()
    digest = hmac.digest
    zone = timezone.get_current_timezone()
    formula_first = _FORMULA_FIRST
    done = 0
    # One query, read batch_size rows at a time (a server-side cursor on PostgreSQL).
    for values in responses.order_by("pk").values_list(*fields).iterator(chunk_size=batch_size):
        (pk, pupil_id, school_id, district_id, grade, class_letter, instrument, version,
         submitted, source, completeness, total, band, flags, answers) = values[:15]
        if identified:
            last, first, middle, iin = values[15:]
            who = [safe_cell(" ".join(p for p in (last, first, middle) if p)),
                   safe_cell(iin or "")]
        else:
            who = [digest(key, str(pupil_id).encode(), "sha256").hex()[:16]]
        if submitted is None:
            when = ""
        else:
            submitted = submitted.astimezone(zone)
            when = (submitted.replace(tzinfo=None) if for_xlsx else
                    submitted.strftime("%Y-%m-%d %H:%M:%S"))
        before, items, after = layouts.get(instrument, nothing)
        get = (answers or {}).get
        yield [pk, *who, schools.get(school_id, ""), districts.get(district_id, ""), grade,
               safe_cell(class_letter), safe_cell(instrument), safe_cell(version), when,
               safe_cell(source), safe_cell(completeness), total, safe_cell(band),
               safe_cell(" ".join(k for k, f in flags.items() if f.get("state") is True)
                         if flags else ""),
               *before,
               # the answer codes: safe_cell only for what is not plain safe text
               *[v if v.__class__ is str and v[:1] not in formula_first else safe_cell(v)
                 for v in map(get, items)],
               *after]
        done += 1
        if on_batch is not None and done % batch_size == 0:
            on_batch(done)
    if on_batch is not None and done % batch_size:
        on_batch(done)


def codebook_rows(campaign: Campaign, variant: str) -> Iterator[list[Any]]:
    """The codebook in long form, every cell safe: one row per fixed column, per question and
    per answer code of each question, and the codes of bands, flags, sources and completeness."""
    for row in _codebook_rows(campaign, variant):
        yield [safe_cell(v) for v in row]


def _codebook_rows(campaign: Campaign, variant: str) -> Iterator[list[Any]]:
    blank = [""] * len(LANGUAGES)
    for column in export_columns(variant, []):
        meanings = []
        for lang in LANGUAGES:
            with translation.override(lang):
                meanings.append(str(COLUMN_MEANINGS[column]))
        yield [column, "", "", "", *meanings, "", "", *blank]
    for code, label in Response.Source.choices:
        yield ["source", "", "", "", *_all_languages(label), code, "", *blank]
    for q in campaign_questions(campaign):
        inst = q.instrument
        item = inst.item(q.item_id)
        texts = [item.text.get(lang, "") for lang in LANGUAGES]
        if item.option_set is None:
            yield [q.column, inst.code, inst.version, "number", *texts, "",
                   f"{item.number_min}..{item.number_max}", *blank]
            continue
        for option in item.option_set.options:
            yield [q.column, inst.code, inst.version, "choice", *texts, option.code,
                   option.value, *(option.label.get(lang, "") for lang in LANGUAGES)]
    for inst in {q.instrument.code: q.instrument for q in campaign_questions(campaign)}.values():
        for scale in inst.scales[:1]:
            for band in scale.bands:
                yield ["band", inst.code, inst.version, "", *blank, band.code, band.max,
                       *(band.label.get(lang, "") for lang in LANGUAGES)]
        for flag in inst.flags:
            yield ["flags", inst.code, inst.version, "", *blank, flag.id, "",
                   *(flag.label.get(lang, "") for lang in LANGUAGES)]


def _all_languages(text) -> list[str]:
    out = []
    for lang in LANGUAGES:
        with translation.override(lang):
            out.append(str(text))
    return out


def export_names(campaign: Campaign, language: str) -> dict[str, dict[int, str]]:
    """School and district names of the campaign's region, in ``language``."""
    with translation.override(language):
        return {
            "school": {s.pk: s.name for s in School.objects.filter(
                district__region_id=campaign.region_id).only("name_kk", "name_ru", "name_en")},
            "district": {d.pk: d.name for d in District.objects.filter(
                region_id=campaign.region_id).only("name_kk", "name_ru", "name_en")},
        }


def codebook_csv_lines(campaign: Campaign, variant: str) -> Iterator[str]:
    """The codebook as CSV text, line by line (for the separate download of a CSV export)."""

    class _Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    yield "\ufeff" + writer.writerow(CODEBOOK_HEADER)
    for row in codebook_rows(campaign, variant):
        yield writer.writerow(row)
