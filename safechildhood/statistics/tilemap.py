"""A tile map of a region's districts: one square per district, placed on a small grid roughly
where the district lies, coloured by one measure in a few buckets.

A real map would need boundary files and a script; a tile grid draws in plain HTML, stays
readable on a phone and gives every district the same room (a city of 400,000 and a steppe
district of 30,000 weigh the same on the dashboard). Zhambyl region's districts have their
places (north up, west left, after the region's map); a district not placed here (another
region, a district added later) goes to an alphabetical grid below them.

Values come already suppressed (``HIDDEN`` is drawn hatched and labelled "<5", never
coloured by its true size); this module only places and colours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from safechildhood.statistics.indicators import HIDDEN, Hidden

# (stems of the district's name in any language, row, column, its name on a tile in kk/ru/en):
# north at row 0, west at column 0. The tiles' names are the places' own (data, not interface
# text): "Байзак" on a Russian page, not "Байзакский", so that they fit a phone's tile.
ZHAMBYL_PLACES: tuple[tuple[tuple[str, ...], int, int, tuple[str, str, str]], ...] = (
    (("сарысу", "sarysu"), 0, 1, ("Сарысу", "Сарысу", "Sarysu")),
    (("мойынқұм", "мойынкум", "moiynkum"), 0, 3, ("Мойынқұм", "Мойынкум", "Moiynkum")),
    (("талас", "talas"), 1, 1, ("Талас", "Талас", "Talas")),
    (("байзақ", "байзак", "baizak"), 1, 2, ("Байзақ", "Байзак", "Baizak")),
    (("шу ", "шуский", "shu "), 1, 4, ("Шу", "Шу", "Shu")),
    (("жуалы", "zhualy"), 2, 0, ("Жуалы", "Жуалы", "Zhualy")),
    (("жамбыл", "zhambyl"), 2, 1, ("Жамбыл", "Жамбыл", "Zhambyl")),
    (("тараз", "taraz"), 2, 2, ("Тараз", "Тараз", "Taraz")),
    (("рысқұлов", "рыскулов", "ryskulov"), 2, 3, ("Рысқұлов", "Рыскулов", "Ryskulov")),
    (("меркі", "меркен", "merke"), 2, 4, ("Меркі", "Мерке", "Merke")),
    (("қордай", "кордай", "korday"), 2, 5, ("Қордай", "Кордай", "Korday")),
)
LANGUAGES = ("kk", "ru", "en")
ZHAMBYL_REGION = ("жамбыл", "zhambyl")
FALLBACK_COLUMNS = 4

# Sequential blues: bucket 0 is zero, 1-4 rising. Dark text on the light ones, white on the dark
# ones; each pair has a contrast of at least 4.5:1 (WCAG AA).
BUCKETS = 4
_SHORT_WORDS = re.compile(r"\b(district|city|ауданы|қаласы|район|город)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Tile:
    key: int
    name: str  # the district's short name ("Baizak" for "Baizak district")
    full_name: str
    row: int  # 1-based, for the CSS grid
    column: int
    value: int | Hidden | None
    text: str  # the value as shown
    bucket: int | None  # 0-4; None for hidden or missing
    link: str
    current: bool = False


    @property
    def css(self) -> str:
        return css_class(self.value, self.bucket)


@dataclass(frozen=True)
class LegendEntry:
    css: str  # "b0" to "b4", "hidden" or "missing"
    label: str


def css_class(value: int | Hidden | None, bucket: int | None) -> str:
    if value is HIDDEN:
        return "hidden"
    if bucket is None:
        return "missing"
    return f"b{bucket}"


@dataclass(frozen=True)
class TileMap:
    tiles: list[Tile]
    rows: int
    columns: int
    legend: list[LegendEntry]
    placed: bool  # positions follow the region's geography (not an alphabetical grid)


def short_name(name: str) -> str:
    """The district's name without "district", "ауданы", "район", "city", "қаласы", "город"."""
    shorter = " ".join(_SHORT_WORDS.sub(" ", name).split())
    return shorter or name


def _place(name: str) -> tuple[int, int] | None:
    text = f" {name.lower()} "
    for stems, row, column, _labels in ZHAMBYL_PLACES:
        if any(stem in text for stem in stems):
            return row, column
    return None


def tile_name(names: Sequence[str], name: str, language: str) -> str:
    """A district's name on its tile: a Zhambyl district's own short name in the page's
    language, else its name without "district", "ауданы", "район"."""
    for stems, _row, _column, labels in ZHAMBYL_PLACES:
        if any(stem in f" {n.lower()} " for n in names if n for stem in stems):
            return labels[LANGUAGES.index(language)] if language in LANGUAGES else labels[1]
    return short_name(name)


def positions(region_names: Sequence[str], districts: Sequence[tuple[int, Sequence[str]]]
              ) -> tuple[dict[int, tuple[int, int]], bool]:
    """Grid positions (row, column), 0-based, of ``districts`` given as (id, its names in the
    three languages). Zhambyl region's known districts where they lie, with empty rows and
    columns left out; the rest alphabetically on a grid below. The flag says whether any
    district was placed by geography."""
    placed: dict[int, tuple[int, int]] = {}
    zhambyl = any(stem in n.lower() for n in region_names for stem in ZHAMBYL_REGION)
    rest = []
    for key, names in districts:
        spot = None
        if zhambyl:
            spot = next((p for p in (_place(n) for n in names if n) if p is not None), None)
        if spot is None or spot in placed.values():
            rest.append((key, names))
        else:
            placed[key] = spot
    rows = sorted({r for r, _c in placed.values()})
    columns = sorted({c for _r, c in placed.values()})
    placed = {k: (rows.index(r), columns.index(c)) for k, (r, c) in placed.items()}
    first_free = len(rows)
    width = max(len(columns), FALLBACK_COLUMNS)
    rest.sort(key=lambda item: next((n for n in item[1] if n), "").lower())
    for index, (key, _names) in enumerate(rest):
        placed[key] = (first_free + index // width, index % width)
    return placed, bool(rows)


def bucket_of(value: int | Hidden | None, *, top: int, percent: bool) -> int | None:
    """Which of the colour buckets a value falls in: 0 for zero, 1-4 by quarter of the scale
    (0-100 for a percentage, the largest shown value for a count)."""
    if value is None or value is HIDDEN or not isinstance(value, int):
        return None
    if value <= 0:
        return 0
    scale = 100 if percent else max(top, 1)
    return min(BUCKETS, max(1, math.ceil(BUCKETS * value / scale)))


def legend(*, top: int, percent: bool, hidden_label: str, missing_label: str, unit: str = ""
           ) -> list[LegendEntry]:
    """The buckets' ranges ("1–12", "13–25", ...; "1–25 %", ...) and the hatched "<5"."""
    scale = 100 if percent else max(top, 1)
    entries = [LegendEntry("b0", f"0{unit}")]
    low = 1
    for bucket in range(1, BUCKETS + 1):
        high = scale if bucket == BUCKETS else math.floor(scale * bucket / BUCKETS)
        if high < low:
            continue
        entries.append(LegendEntry(f"b{bucket}", f"{low}{unit}" if high == low
                                   else f"{low}–{high}{unit}"))
        low = high + 1
    entries.append(LegendEntry("hidden", hidden_label))
    entries.append(LegendEntry("missing", missing_label))
    return entries


def tile_map(*, region_names: Sequence[str],
             districts: Sequence[tuple[int, Sequence[str], str]],
             values: dict[int, int | Hidden | None], texts: dict[int, str],
             links: dict[int, str], percent: bool, current: int | None = None,
             hidden_label: str = "<5", missing_label: str = "—", unit: str = "",
             language: str = "ru") -> TileMap:
    """The tiles of ``districts`` (id, names in three languages, name in the page's language)
    coloured by ``values`` (shown as ``texts``), each linking to ``links[id]``."""
    spots, placed = positions(region_names, [(k, names) for k, names, _name in districts])
    numbers = [v for v in values.values() if isinstance(v, int) and v is not HIDDEN]
    top = max([*numbers, 0])
    tiles = []
    for key, names, name in districts:
        row, column = spots[key]
        value = values.get(key)
        label = tile_name(names, name, language) if placed else short_name(name)
        tiles.append(Tile(key=key, name=label, full_name=name, row=row + 1,
                          column=column + 1, value=value, text=texts.get(key, missing_label),
                          bucket=bucket_of(value, top=top, percent=percent),
                          link=links.get(key, ""), current=key == current))
    tiles.sort(key=lambda t: (t.row, t.column))
    return TileMap(
        tiles=tiles, rows=max([t.row for t in tiles] or [0]),
        columns=max([t.column for t in tiles] or [0]),
        legend=legend(top=top, percent=percent, hidden_label=hidden_label,
                      missing_label=missing_label, unit=unit),
        placed=placed)
