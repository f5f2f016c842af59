"""The instruments the system knows: what each measures, for which ages, in which languages and
with what status of translation, under what licence, and plainly which ones still lack the item
texts the operator must supply."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from safechildhood.access.policy import Action, require
from safechildhood.screening.services.instruments import instrument_get, instrument_list


def _row(instrument, language: str) -> dict:
    return {
        "instrument": instrument,
        "name": instrument.localized(instrument.name, language),
        "translation": [(lang, instrument.translation.get(lang, "")) for lang in ("kk", "ru",
                                                                                  "en")],
    }


@login_required
@require_GET
def instrument_index(request):
    require(request.actor, Action.INSTRUMENT_VIEW)
    language = get_language()
    rows = [_row(i, language) for i in instrument_list()]
    return render(request, "screening/instrument_list.html", {"rows": rows})


@login_required
@require_GET
def instrument_detail(request, code: str):
    require(request.actor, Action.INSTRUMENT_VIEW)
    instrument = instrument_get(code)
    language = get_language()
    items = [{
        "item": item,
        "text": instrument.localized(item.text, language) if item.text else "",
        "options": [(o.code, o.value, instrument.localized(o.label, language) if o.label else "")
                    for o in item.option_set.options] if item.option_set else [],
    } for item in instrument.items]
    scales = [{"scale": s, "label": instrument.localized(s.label, language),
               "bands": [(b.code, b.max, instrument.localized(b.label, language))
                         for b in s.bands]} for s in instrument.scales]
    flags = [{"flag": f, "label": instrument.localized(f.label, language)}
             for f in instrument.flags]
    return render(request, "screening/instrument_detail.html", {
        **_row(instrument, language), "items": items, "scales": scales, "flags": flags})


urlpatterns = [
    path("instruments/", instrument_index, name="instrument-list"),
    path("instruments/<slug:code>/", instrument_detail, name="instrument-detail"),
]
