"""The instrument registry: built-in files plus the centre's own, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safechildhood.errors import NotFound
from safechildhood.screening.scoring import BUILTIN_DIR, Instrument, load_directory


@lru_cache(maxsize=4)
def _load(local: Path | None) -> dict[str, Instrument]:
    return load_directory(BUILTIN_DIR, local)


def instrument_registry() -> dict[str, Instrument]:
    return _load(settings.SC_INSTRUMENTS_DIR)


def instrument_reload() -> dict[str, Instrument]:
    _load.cache_clear()
    return instrument_registry()


def instrument_get(code: str, version: str | None = None) -> Instrument:
    instrument = instrument_registry().get(code)
    if instrument is None or (version is not None and instrument.version != version):
        raise NotFound(_("No such instrument."), code="unknown_instrument")
    return instrument


def instrument_list() -> list[Instrument]:
    return sorted(instrument_registry().values(), key=lambda i: i.code)
