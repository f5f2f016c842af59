"""Where the rows of an indicator table are: the region's districts, a district's schools, or
one school (``area_scope``), with what the viewer is entitled to in each, how a query is
narrowed to the area and grouped by row, and the address of the records a count links to.
Shared by indicators_cases.py and indicators_work.py.

A page that computes several tables of one area (the dashboard) reads the area's districts or
schools once: inside ``shared_places()`` every ``area_scope`` of the same area reuses the rows
read by the first (what the viewer is entitled to is still decided per table)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote_plus

from django.db.models import F, QuerySet
from django.urls import reverse

from safechildhood.access.policy import Action, Actor, can
from safechildhood.directory.models import School
from safechildhood.geography.models import District
from safechildhood.statistics.tables import Area

Entitled = Callable[..., bool]
DISTRICT, SCHOOL = "district", "school"


@dataclass(frozen=True)
class Scope:
    """The area looked at and its rows: ``level`` of the rows, the rows as ``Area``s, whether the
    viewer is entitled to the whole (the total), and the ids that place the area."""

    level: str
    areas: list[Area]
    entitled_total: bool
    region_id: int
    district_id: int | None
    school_id: int | None

    def filter(self, qs: QuerySet, district_path: str = "district_id",
               school_path: str = "school_id") -> QuerySet:
        """``qs`` narrowed to the area looked at."""
        if self.school_id is not None:
            return qs.filter(**{school_path: self.school_id})
        if self.district_id is not None:
            return qs.filter(**{district_path: self.district_id})
        return qs.filter(**{f"{district_path.removesuffix('_id')}__region_id": self.region_id})

    def group(self, district_path: str = "district_id", school_path: str = "school_id") -> str:
        """The field the rows are grouped by."""
        return district_path if self.level == DISTRICT else school_path

    def entitled(self, key: int | None) -> bool:
        """Whether the viewer sees every record counted in a row (None: the total)."""
        if key is None:
            return self.entitled_total
        return self._entitled_rows.get(key, False)

    @cached_property
    def _entitled_rows(self) -> dict[int, bool]:
        rows: dict[int, bool] = {}
        for a in self.areas:
            rows[a.key] = rows.get(a.key, False) or a.entitled
        return rows

    def links(self, target: Callable[[str], tuple[str, dict] | None]
              ) -> Callable[[int | None, str], str | None]:
        """``link`` for ``area_table``: ``target(measure)`` names the list of the records a
        column counts and its filters (None: no list), the row adds its area. Rows whose
        records the viewer is not entitled to all see get no link (the list, which applies the
        viewer's scope again, would show only some of them)."""

        paths: dict[str, str] = {}  # list name -> its path, reversed once per table

        def link(key: int | None, measure: str) -> str | None:
            found = target(measure) if self.entitled(key) else None
            if found is None:
                return None
            name, params = found
            if name not in paths:
                paths[name] = reverse(name)
            return _address(paths[name], {**self.area_params(key), **params})

        return link

    def linker(self, viewer: Actor | None, action: Action, name: str,
               params: Callable[[str], dict]) -> Callable[[int | None, str], str | None] | None:
        """``link`` for ``area_table``: the list ``name`` filtered to the row's area and to
        ``params(measure)``, where the viewer may open the list (``action``) and sees every
        record the row counts (otherwise the list would show only some of them)."""
        if not can(viewer, action):
            return None
        return self.links(lambda measure: (name, params(measure)))

    def area_params(self, key: int | None) -> dict[str, int]:
        """The list filter of a row (``key``) or of the total (None)."""
        if key is None:
            if self.school_id is not None:
                return {"district": self.district_id, "school": self.school_id}
            if self.district_id is not None:
                return {"district": self.district_id}
            return {}
        if self.level == DISTRICT:
            return {"district": key}
        return {"district": self.district_id, "school": key}


_PLACES: ContextVar[dict | None] = ContextVar("statistics_area_places", default=None)


@contextmanager
def shared_places() -> Iterator[None]:
    """Within this block, the districts or schools of an area are read once (see the module's
    note); for one page's tables, not longer (a renamed school shows on the next page)."""
    token = _PLACES.set({})
    try:
        yield
    finally:
        _PLACES.reset(token)


def region_districts(region_id: int) -> list[District]:
    """The region's districts in the order of the rows (kind, then Russian name)."""
    return _places(("districts", region_id), lambda: list(
        District.objects.filter(region_id=region_id).order_by("kind", "name_ru")))


def _places(key: tuple, read: Callable[[], list]) -> list:
    shared = _PLACES.get()
    if shared is None:
        return read()
    if key not in shared:
        shared[key] = read()
    return shared[key]


def area_scope(*, region_id: int, viewer: Actor | None, entitled: Entitled,
               district_id: int | None = None, school_id: int | None = None) -> Scope:
    """The rows of a table: the region's districts, a district's schools, or one school."""
    if school_id is not None:
        schools = _places(("school", region_id, school_id), lambda: list(
            School.objects.filter(pk=school_id, district__region_id=region_id)[:1]))
        district_id = schools[0].district_id if schools else district_id
    elif district_id is not None:
        schools = _places(("schools", region_id, district_id), lambda: list(
            School.objects.filter(district_id=district_id, district__region_id=region_id)
            .order_by("name_ru")))
    if school_id is not None or district_id is not None:
        areas = [Area(key=s.pk, name=s.name, entitled=entitled(
            viewer, region_id=region_id, district_id=district_id, school_id=s.pk))
            for s in schools]
        return Scope(level=SCHOOL, areas=areas, region_id=region_id, district_id=district_id,
                     school_id=school_id,
                     entitled_total=entitled(viewer, region_id=region_id,
                                             district_id=district_id, school_id=school_id))
    areas = [Area(key=d.pk, name=d.name,
                  entitled=entitled(viewer, region_id=region_id, district_id=d.pk))
             for d in region_districts(region_id)]
    return Scope(level=DISTRICT, areas=areas, region_id=region_id, district_id=None,
                 school_id=None, entitled_total=entitled(viewer, region_id=region_id))


def grouped(qs: QuerySet, group: str, **counts) -> dict[int, dict[str, int]]:
    return {row.pop("area"): row
            for row in qs.values(area=F(group)).annotate(**counts).order_by()}


def records_address(name: str, params: dict) -> str:
    return _address(reverse(name), params)


def query_string(params: dict) -> str:
    """``urlencode(params)`` without the empty values, each pair encoded once per process
    (a page has a thousand links made of the same few pairs)."""
    return "&".join(_pair_once(k, v) for k, v in params.items() if v not in (None, ""))


def _pair_once(key: str, value: object) -> str:
    try:
        return _pair(key, value)
    except TypeError:  # not hashable: encoded each time
        return _pair.__wrapped__(key, value)


def _address(path: str, params: dict) -> str:
    query = query_string(params)
    return f"{path}?{query}" if query else path


@lru_cache(maxsize=8192, typed=True)
def _pair(key: str, value: object) -> str:
    return f"{quote_plus(str(key))}={quote_plus(str(value))}"
