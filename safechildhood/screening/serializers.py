"""Input and output shapes of the instruments API. The instrument files are the data; these
serializers only describe them (for the schema) and turn the frozen data classes into plain
dictionaries. Scoring is the scoring core's, never the API's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safechildhood.screening.scoring import LANGUAGES, Instrument, Item, Result

# --- output: an instrument -------------------------------------------------------------------


class TextOutput(serializers.Serializer):
    """A text in the three languages; null where the file has none (an instrument whose texts
    the operator supplies)."""

    kk = serializers.CharField(allow_null=True, default=None)
    ru = serializers.CharField(allow_null=True, default=None)
    en = serializers.CharField(allow_null=True, default=None)


class TranslationStatusOutput(serializers.Serializer):
    kk = serializers.CharField(allow_null=True, default=None,
                               help_text=_("original, official (a published translation) or "
                                           "working (the programme's own, not validated)."))
    ru = serializers.CharField(allow_null=True, default=None)
    en = serializers.CharField(allow_null=True, default=None)


class OptionOutput(serializers.Serializer):
    code = serializers.CharField(help_text=_("What is stored and sent as the answer."))
    value = serializers.IntegerField(help_text=_("The value the code scores."))
    label = TextOutput()


class ItemOutput(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["choice", "number"])
    text = TextOutput()
    options = OptionOutput(many=True, help_text=_("Empty for a number item."))
    min = serializers.IntegerField(allow_null=True, help_text=_("Number items only."))
    max = serializers.IntegerField(allow_null=True, help_text=_("Number items only."))
    reverse = serializers.BooleanField()
    optional = serializers.BooleanField()
    critical = serializers.BooleanField(
        help_text=_("Never imputed: left unanswered, the response needs a follow-up."))
    show_if = serializers.JSONField(
        allow_null=True, help_text=_("Skip logic: the item is asked only when this condition "
                                     "holds (see the instrument file format)."))
    section = serializers.CharField()
    topic = serializers.CharField()
    loinc = serializers.CharField()


class BandOutput(serializers.Serializer):
    code = serializers.CharField()
    max = serializers.IntegerField(help_text=_("Highest total of the band (inclusive)."))
    label = TextOutput()


class ScaleOutput(serializers.Serializer):
    id = serializers.CharField()
    label = TextOutput()
    items = serializers.ListField(child=serializers.CharField())
    method = serializers.ChoiceField(choices=["sum", "count"])
    count_codes = serializers.ListField(child=serializers.CharField())
    bands = BandOutput(many=True)


class FlagOutput(serializers.Serializer):
    id = serializers.CharField()
    label = TextOutput()
    critical = serializers.BooleanField(help_text=_("Raises a crisis alert."))
    acute = serializers.BooleanField(help_text=_("The alert has the short deadline."))
    when = serializers.JSONField()


class TriageRuleOutput(serializers.Serializer):
    category = serializers.CharField()
    level = serializers.CharField()
    when = serializers.JSONField()


class InstrumentOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()
    name = TextOutput()
    short_name = TextOutput()
    instructions = TextOutput()
    age_min = serializers.IntegerField()
    age_max = serializers.IntegerField()
    citation = serializers.CharField()
    licence = serializers.CharField()
    translation = TranslationStatusOutput()
    translation_note = serializers.CharField()
    loinc = serializers.CharField()
    local = serializers.BooleanField(help_text=_("The centre's own instrument."))
    texts = serializers.ChoiceField(
        choices=["included", "operator"],
        help_text=_("operator: the item texts may not be shipped and are supplied by the "
                    "operator of the installation."))
    has_texts = serializers.BooleanField(
        help_text=_("Every item and answer has its text in all three languages: the "
                    "instrument can be answered."))
    missing_texts = serializers.ListField(
        child=serializers.CharField(), help_text=_("Items still without their texts."))
    items = ItemOutput(many=True)
    scales = ScaleOutput(many=True)
    flags = FlagOutput(many=True)
    triage = TriageRuleOutput(many=True)


def _text(text: dict[str, str]) -> dict[str, str | None]:
    return {lang: text.get(lang) or None for lang in LANGUAGES}


def _item(item: Item) -> dict[str, Any]:
    choice = item.option_set is not None
    return {
        "id": item.id, "kind": item.kind, "text": _text(item.text),
        "options": [{"code": o.code, "value": o.value, "label": _text(o.label)}
                    for o in item.option_set.options] if choice else [],
        "min": None if choice else item.number_min,
        "max": None if choice else item.number_max,
        "reverse": item.reverse, "optional": item.optional, "critical": item.critical,
        "show_if": item.show_if, "section": item.section, "topic": item.topic,
        "loinc": item.loinc,
    }


def instrument_data(instrument: Instrument) -> dict[str, Any]:
    """An instrument as ``InstrumentOutput`` shows it."""
    return {
        "code": instrument.code, "version": instrument.version,
        "name": _text(instrument.name), "short_name": _text(instrument.short_name),
        "instructions": _text(instrument.instructions),
        "age_min": instrument.age_min, "age_max": instrument.age_max,
        "citation": instrument.citation, "licence": instrument.licence,
        "translation": {lang: instrument.translation.get(lang) for lang in LANGUAGES},
        "translation_note": instrument.translation_note, "loinc": instrument.loinc,
        "local": instrument.local, "texts": instrument.texts,
        "has_texts": instrument.has_texts, "missing_texts": list(instrument.missing_texts),
        "items": [_item(i) for i in instrument.items],
        "scales": [{"id": s.id, "label": _text(s.label), "items": list(s.items),
                    "method": s.method, "count_codes": list(s.count_codes),
                    "bands": [{"code": b.code, "max": b.max, "label": _text(b.label)}
                              for b in s.bands]} for s in instrument.scales],
        "flags": [{"id": f.id, "label": _text(f.label), "critical": f.critical,
                   "acute": f.acute, "when": f.when} for f in instrument.flags],
        "triage": [{"category": t.category, "level": t.level, "when": t.when}
                   for t in instrument.triage],
    }


# --- scoring ---------------------------------------------------------------------------------


class ScoreInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True, max_length=40),
        allow_empty=True,
        help_text=_("Item id to answer code (for a number item, the number). A blank or null "
                    "answer, like a missing one, is \"not answered\": nothing is imputed."))


class ScaleResultOutput(serializers.Serializer):
    id = serializers.CharField()
    total = serializers.IntegerField(allow_null=True,
                                     help_text=_("Null while an item of the scale is "
                                                 "unanswered."))
    complete = serializers.BooleanField()
    band = serializers.CharField(allow_null=True)
    answered = serializers.IntegerField()
    expected = serializers.IntegerField()


class FlagResultOutput(serializers.Serializer):
    id = serializers.CharField()
    state = serializers.BooleanField(
        allow_null=True, help_text=_("true: raised; false: not raised; null: unknown, because "
                                     "an item it depends on is unanswered."))
    critical = serializers.BooleanField()
    acute = serializers.BooleanField()


class TriageResultOutput(serializers.Serializer):
    category = serializers.CharField()
    level = serializers.CharField()


class CompletenessOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["complete", "partial", "incomplete_follow_up"],
        help_text=_("partial: some questions unanswered; incomplete_follow_up: a critical "
                    "question or flag could not be decided, so the pupil must be followed "
                    "up."))
    answered = serializers.IntegerField()
    expected = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())
    follow_up = serializers.ListField(child=serializers.CharField())
    ignored = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Answers to items that skip logic did not ask; they are not scored."))


class ScoreOutput(serializers.Serializer):
    instrument = serializers.CharField()
    version = serializers.CharField()
    total = serializers.IntegerField(allow_null=True,
                                     help_text=_("The first scale's total, if any."))
    band = serializers.CharField(allow_null=True, help_text=_("The first scale's band."))
    scales = ScaleResultOutput(many=True)
    flags = FlagResultOutput(many=True)
    critical = serializers.BooleanField(help_text=_("A critical flag is raised: the stored "
                                                    "response would raise a crisis alert."))
    acute = serializers.BooleanField()
    triage = TriageResultOutput(many=True)
    level = serializers.CharField(allow_null=True, help_text=_("The highest triage level."))
    completeness = CompletenessOutput()


def score_data(instrument: Instrument, result: Result) -> dict[str, Any]:
    """A result as ``ScoreOutput`` shows it."""
    main = result.scales.get(instrument.scales[0].id) if instrument.scales else None
    return {
        "instrument": result.instrument, "version": result.version,
        "total": main.total if main else None, "band": main.band if main else None,
        "scales": [{"id": scale_id, "total": s.total, "complete": s.complete, "band": s.band,
                    "answered": s.answered, "expected": s.expected}
                   for scale_id, s in result.scales.items()],
        "flags": [{"id": flag_id, "state": f.state, "critical": f.critical, "acute": f.acute}
                  for flag_id, f in result.flags.items()],
        "critical": result.critical, "acute": result.acute,
        "triage": [{"category": t.category, "level": t.level} for t in result.triage],
        "level": result.top_level,
        "completeness": {"status": result.status, "answered": result.answered,
                         "expected": result.expected, "missing": list(result.missing),
                         "follow_up": list(result.follow_up), "ignored": list(result.ignored)},
    }
