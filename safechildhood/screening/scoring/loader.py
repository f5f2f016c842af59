"""Read and validate instrument files (TOML). A mistake is an ``InstrumentFileError`` naming the
file and the field, raised when the file is loaded, never later while scoring."""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import (
    LANGUAGES,
    LEVELS,
    RISK_CATEGORIES,
    TRANSLATION_STATUSES,
    Band,
    Flag,
    Instrument,
    Item,
    Option,
    OptionSet,
    Scale,
    TriageRule,
)

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "instruments"
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
FORMAT = 1


class InstrumentFileError(ValueError):
    def __init__(self, source: str, where: str, message: str):
        self.source, self.where, self.message = source, where, message
        super().__init__(f"{source}: {where}: {message}")


class _Reader:
    """Typed access to one table of the file, reporting the path of each field it reads."""

    def __init__(self, source: str, data: Any, where: str = ""):
        self.source, self.where = source, where
        if not isinstance(data, dict):
            self.fail("", "must be a table")
        self.data = data

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, message: str):
        raise InstrumentFileError(self.source, self.path(key) if key else self.where or "(top)",
                                  message)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                self.fail(key, "is required")
            return default
        value = self.data[key]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(key, f"must be {names}, not {type(value).__name__}")
        return value

    def ident(self, key: str, pattern: re.Pattern = ID_RE) -> str:
        value = self.get(key, str)
        if not pattern.match(value):
            self.fail(key, f"{value!r} is not a valid identifier")
        return value

    def text(self, key: str, required: bool = True) -> dict[str, str]:
        value = self.get(key, dict, default=... if required else {})
        sub = _Reader(self.source, value, self.path(key))
        for lang in value:
            if lang not in LANGUAGES:
                sub.fail(lang, f"unknown language (use {', '.join(LANGUAGES)})")
            if not isinstance(value[lang], str) or not value[lang].strip():
                sub.fail(lang, "must be a non-empty string")
        if required:
            for lang in LANGUAGES:
                if lang not in value:
                    sub.fail(lang, "is required")
        return {k: v.strip() for k, v in value.items()}

    def table(self, key: str, default: Any = ...) -> _Reader:
        return _Reader(self.source, self.get(key, dict, default), self.path(key))

    def tables(self, key: str) -> list[_Reader]:
        rows = self.get(key, list, default=[])
        return [_Reader(self.source, row, f"{self.path(key)}[{n}]") for n, row in enumerate(rows)]

    def unknown_keys(self, allowed: Iterable[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.fail(key, "is not a known field")


def _translation(r: _Reader, key: str, required: bool) -> dict[str, str]:
    value = r.get(key, dict, default=... if required else {})
    for lang, status in value.items():
        if lang not in LANGUAGES:
            r.fail(f"{key}.{lang}", "unknown language")
        if status not in TRANSLATION_STATUSES:
            r.fail(f"{key}.{lang}", f"must be one of {', '.join(TRANSLATION_STATUSES)}")
    if required and set(value) != set(LANGUAGES):
        r.fail(key, f"must give a status for each of {', '.join(LANGUAGES)}")
    return dict(value)


def _option_set(r: _Reader, set_id: str, with_texts: bool) -> OptionSet:
    r.unknown_keys({"options", "translation"})
    options = []
    for o in r.tables("options"):
        o.unknown_keys({"code", "value", "label"})
        code = o.get("code", str)
        if not code or len(code) > 20:
            o.fail("code", "must be 1 to 20 characters")
        options.append(Option(code=code, value=o.get("value", int),
                              label=o.text("label", required=with_texts)))
    if len(options) < 2:
        r.fail("options", "needs at least two options")
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        r.fail("options", "option codes must be unique")
    return OptionSet(id=set_id, options=tuple(options),
                     translation=_translation(r, "translation", required=False))


def _check_condition(r: _Reader, key: str, cond: Any, inst: dict[str, Any]) -> None:
    """Conditions refer only to items, scales and flags defined (flags: defined earlier)."""
    where = r.path(key)
    if not isinstance(cond, dict) or not cond:
        raise InstrumentFileError(r.source, where, "must be a condition table")
    sub = _Reader(r.source, cond, where)
    if "any" in cond or "all" in cond:
        op = "any" if "any" in cond else "all"
        sub.unknown_keys({op})
        parts = sub.get(op, list)
        if not parts:
            sub.fail(op, "needs at least one condition")
        for n, part in enumerate(parts):
            _check_condition(sub, f"{op}[{n}]", part, inst)
    elif "not" in cond:
        sub.unknown_keys({"not"})
        _check_condition(sub, "not", cond["not"], inst)
    elif "item" in cond:
        sub.unknown_keys({"item", "in", "min", "max"})
        item_id = sub.get("item", str)
        if item_id not in inst["items"]:
            sub.fail("item", f"unknown item {item_id!r}")
        if not any(k in cond for k in ("in", "min", "max")):
            sub.fail("item", "needs 'in', 'min' or 'max'")
        if "in" in cond:
            codes = sub.get("in", list)
            known = inst["items"][item_id]
            for code in codes:
                if known is not None and code not in known:
                    sub.fail("in", f"{code!r} is not an answer code of {item_id!r}")
        for bound in ("min", "max"):
            if bound in cond:
                sub.get(bound, int)
    elif "scale" in cond:
        sub.unknown_keys({"scale", "min", "max"})
        if sub.get("scale", str) not in inst["scales"]:
            sub.fail("scale", f"unknown scale {cond['scale']!r}")
        if "min" not in cond and "max" not in cond:
            sub.fail("scale", "needs 'min' or 'max'")
        for bound in ("min", "max"):
            if bound in cond:
                sub.get(bound, int)
    elif "band" in cond:
        sub.unknown_keys({"band", "in"})
        scale_id = sub.get("band", str)
        if scale_id not in inst["scales"]:
            sub.fail("band", f"unknown scale {scale_id!r}")
        for code in sub.get("in", list):
            if code not in inst["scales"][scale_id]:
                sub.fail("in", f"{code!r} is not a band of {scale_id!r}")
    elif "flag" in cond:
        sub.unknown_keys({"flag"})
        if sub.get("flag", str) not in inst["flags"]:
            sub.fail("flag", f"unknown flag {cond['flag']!r} (flags may use only earlier flags)")
    else:
        raise InstrumentFileError(r.source, where, "must use item, scale, band, flag, any, all "
                                                   "or not")


TOP_KEYS = {
    "format", "code", "version", "texts", "age_min", "age_max", "loinc", "name", "short_name",
    "instructions", "citation", "licence", "translation", "translation_note", "option_sets",
    "items", "scales", "flags", "triage",
}


def parse_instrument(data: dict[str, Any], source: str, local: bool = False) -> Instrument:
    r = _Reader(source, data)
    r.unknown_keys(TOP_KEYS)
    if r.get("format", int) != FORMAT:
        r.fail("format", f"must be {FORMAT}")
    code = r.ident("code", CODE_RE)
    version = r.get("version", str)
    texts = r.get("texts", str)
    if texts not in ("included", "operator"):
        r.fail("texts", "must be 'included' or 'operator'")
    with_texts = texts == "included"
    age_min, age_max = r.get("age_min", int), r.get("age_max", int)
    if not 5 <= age_min <= age_max <= 19:
        r.fail("age_max", "ages must satisfy 5 <= age_min <= age_max <= 19")

    option_sets = {}
    sets_table = r.table("option_sets", default={})
    for set_id in sets_table.data:
        if not ID_RE.match(set_id):
            sets_table.fail(set_id, "is not a valid identifier")
        option_sets[set_id] = _option_set(sets_table.table(set_id), set_id, with_texts)

    known: dict[str, Any] = {"items": {}, "scales": {}, "flags": set()}
    items = []
    rows = r.tables("items")
    if not rows:
        r.fail("items", "needs at least one item")
    for row in rows:
        row.unknown_keys({"id", "options", "kind", "min", "max", "text", "topic", "loinc",
                          "reverse", "optional", "show_if", "section", "critical"})
        item_id = row.ident("id")
        if item_id in known["items"]:
            row.fail("id", f"duplicate item id {item_id!r}")
        kind = row.get("kind", str, default="choice")
        option_set = None
        if kind == "choice":
            set_id = row.get("options", str)
            if set_id not in option_sets:
                row.fail("options", f"unknown option set {set_id!r}")
            option_set = option_sets[set_id]
            known["items"][item_id] = {o.code for o in option_set.options}
        elif kind == "number":
            lo, hi = row.get("min", int), row.get("max", int)
            if lo > hi:
                row.fail("max", "must not be below min")
            known["items"][item_id] = None
        else:
            row.fail("kind", "must be 'choice' or 'number'")
        show_if = row.get("show_if", dict, default=None)
        if show_if is not None:
            # skip logic may only look back at items asked before this one
            _check_condition(row, "show_if", show_if, {**known, "items": {
                k: v for k, v in known["items"].items() if k != item_id}})
        reverse = row.get("reverse", bool, default=False)
        if reverse and option_set is None:
            row.fail("reverse", "only choice items can be reverse-scored")
        items.append(Item(
            id=item_id, text=row.text("text", required=with_texts), option_set=option_set,
            kind=kind, number_min=row.data.get("min", 0), number_max=row.data.get("max", 0),
            reverse=reverse, optional=row.get("optional", bool, default=False),
            critical=row.get("critical", bool, default=False), show_if=show_if,
            section=row.get("section", str, default=""), topic=row.get("topic", str, default=""),
            loinc=row.get("loinc", str, default=""),
        ))

    scales = []
    for row in r.tables("scales"):
        row.unknown_keys({"id", "label", "items", "method", "count_codes", "bands"})
        scale_id = row.ident("id")
        if scale_id in known["scales"]:
            row.fail("id", f"duplicate scale id {scale_id!r}")
        members = row.get("items", list)
        if not members:
            row.fail("items", "needs at least one item")
        for member in members:
            if member not in known["items"]:
                row.fail("items", f"unknown item {member!r}")
        method = row.get("method", str, default="sum")
        if method not in ("sum", "count"):
            row.fail("method", "must be 'sum' or 'count'")
        count_codes = tuple(row.get("count_codes", list, default=[]))
        if method == "count" and not count_codes:
            row.fail("count_codes", "is required for method 'count'")
        bands = []
        for band_row in row.tables("bands"):
            band_row.unknown_keys({"code", "max", "label"})
            bands.append(Band(code=band_row.ident("code"), max=band_row.get("max", int),
                              label=band_row.text("label")))
        if any(a.max >= b.max for a, b in itertools.pairwise(bands)):
            row.fail("bands", "must be in ascending order of max")
        scale = Scale(id=scale_id, label=row.text("label"), items=tuple(members), method=method,
                      count_codes=count_codes, bands=tuple(bands))
        if bands:
            highest = _scale_max(scale, {i.id: i for i in items})
            if bands[-1].max < highest:
                row.fail("bands", f"the last band must reach the highest possible total "
                                  f"({highest})")
        known["scales"][scale_id] = {b.code for b in bands}
        scales.append(scale)

    flags = []
    for row in r.tables("flags"):
        row.unknown_keys({"id", "label", "critical", "acute", "when"})
        flag_id = row.ident("id")
        if flag_id in known["flags"]:
            row.fail("id", f"duplicate flag id {flag_id!r}")
        _check_condition(row, "when", row.get("when", dict), known)
        critical = row.get("critical", bool, default=False)
        acute = row.get("acute", bool, default=False)
        if acute and not critical:
            row.fail("acute", "only a critical flag can be acute")
        flags.append(Flag(id=flag_id, label=row.text("label"), when=row.data["when"],
                          critical=critical, acute=acute))
        known["flags"].add(flag_id)

    triage = []
    for row in r.tables("triage"):
        row.unknown_keys({"category", "level", "when"})
        category, level = row.get("category", str), row.get("level", str)
        if category not in RISK_CATEGORIES:
            row.fail("category", f"must be one of {', '.join(RISK_CATEGORIES)}")
        if level not in LEVELS:
            row.fail("level", f"must be one of {', '.join(LEVELS)}")
        _check_condition(row, "when", row.get("when", dict), known)
        triage.append(TriageRule(category=category, level=level, when=row.data["when"]))

    return Instrument(
        code=code, version=version, name=r.text("name"),
        short_name=r.text("short_name", required=False) or r.text("name"),
        instructions=r.text("instructions", required=False), age_min=age_min, age_max=age_max,
        texts=texts, citation=r.get("citation", str), licence=r.get("licence", str),
        translation=_translation(r, "translation", required=True),
        translation_note=r.get("translation_note", str, default=""),
        loinc=r.get("loinc", str, default=""), option_sets=option_sets, items=tuple(items),
        scales=tuple(scales), flags=tuple(flags), triage=tuple(triage), source=source,
        local=local,
    )


def _scale_max(scale: Scale, items: dict[str, Item]) -> int:
    total = 0
    for item_id in scale.items:
        item = items[item_id]
        if scale.method == "count":
            total += 1
        elif item.option_set is not None:
            total += item.option_set.max_value
        else:
            total += item.number_max
    return total


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentFileError(path.name, "(syntax)", str(exc)) from None
    except UnicodeDecodeError:
        raise InstrumentFileError(path.name, "(encoding)", "must be UTF-8") from None


def load_instrument_file(path: Path, local: bool = False) -> Instrument:
    return parse_instrument(_read_toml(path), path.name, local=local)


def apply_texts(instrument: Instrument, data: dict[str, Any], source: str) -> Instrument:
    """Fill an operator-text instrument with the texts the operator supplied."""
    from dataclasses import replace

    r = _Reader(source, data)
    r.unknown_keys({"format", "texts_for", "version", "items", "option_sets"})
    if r.get("version", str) != instrument.version:
        r.fail("version", f"texts are for version {data['version']!r}, the definition is "
                          f"{instrument.version!r}")
    items_table = r.table("items", default={})
    new_items = []
    for item in instrument.items:
        if item.id in items_table.data:
            t = items_table.table(item.id)
            t.unknown_keys({"text"})
            item = replace(item, text=t.text("text"))
        new_items.append(item)
    for item_id in items_table.data:
        if instrument.item(item_id) is None:
            items_table.fail(item_id, "is not an item of this instrument")
    sets_table = r.table("option_sets", default={})
    new_sets = dict(instrument.option_sets)
    for set_id in sets_table.data:
        if set_id not in new_sets:
            sets_table.fail(set_id, "is not an option set of this instrument")
        labels = sets_table.table(set_id).table("labels")
        options = []
        for option in new_sets[set_id].options:
            if option.code in labels.data:
                option = replace(option, label=labels.text(option.code))
            options.append(option)
        new_sets[set_id] = replace(new_sets[set_id], options=tuple(options))
    new_items = [replace(i, option_set=new_sets[i.option_set.id]) if i.option_set else i
                 for i in new_items]
    return replace(instrument, items=tuple(new_items), option_sets=new_sets,
                   source=f"{instrument.source} + {source}")


def load_directory(builtin: Path = BUILTIN_DIR, local: Path | None = None) -> dict[str, Instrument]:
    """All instruments: the built-in files, then the centre's own, then operator texts."""
    found: dict[str, Instrument] = {}
    sources = [(p, False) for p in sorted(builtin.glob("*.toml"))]
    texts: list[Path] = []
    if local is not None and local.is_dir():
        for p in sorted(local.glob("*.toml")):
            if p.name.endswith(".texts.toml"):
                texts.append(p)
            else:
                sources.append((p, True))
    for path, is_local in sources:
        instrument = load_instrument_file(path, local=is_local)
        if instrument.code in found:
            raise InstrumentFileError(path.name, "code",
                                      f"{instrument.code!r} is already defined in "
                                      f"{found[instrument.code].source}")
        found[instrument.code] = instrument
    for path in texts:
        data = _read_toml(path)
        target = _Reader(path.name, data).get("texts_for", str)
        if target not in found:
            raise InstrumentFileError(path.name, "texts_for", f"unknown instrument {target!r}")
        found[target] = apply_texts(found[target], data, path.name)
    return found
