"""Read and validate rule files: the shipped ones (package data) and a user's own (a path).

The format is TOML (stdlib ``tomllib``); ``standards/dlt664-2016.toml`` is the worked example::

    [ruleset]          name, title, standard, edition, version, source (+ title_zh, note)
    [[grades]]         ascending severity, the first is "no defect": id, en, zh
                       (+ clause, confidence, advice_en/zh, voltage_advice_en/zh, equivalent,
                       label_en/zh); what a registry does with it: severity (0–3, see
                       rules.SEVERITY_LEVELS; default: the grade's position, at most 3),
                       defect (default: severity ≥ 1), deadline_h (hours; default: the tier
                       of the severity), reinspect (default: severity ≥ 2)
    [[guards]]         id, kind (withhold | low-rise | low-load | qualify), clause, edition, source,
                       confidence, advice_en, advice_zh; withhold, qualify: flags = [...];
                       low-rise: value (K), grade;
                       low-load: value (fraction of rated current)
    [load_correction]  exponent (1.6–2.0), min_load_fraction, clause, source, confidence (+ note)
    [wind_correction]  optional: speeds_m_s = [...], factors = [...], clause, source, confidence (+ note)
    [[rows]]           id, table, clause, edition, source, confidence (V|S|M|L),
                       heating (current | voltage | any), device_class, devices = [kinds or "*"],
                       criteria = [{ grade, quantity, op (> | >=), value (+ confidence) }, ...]
                       (+ device_class_zh, part, pattern, fault, follow_up, material, note)

Unknown fields are errors (a typo must not silently drop a threshold), and a worse grade must need a
stricter threshold on the same quantity. Every problem is a :class:`~irpatrol.errors.RuleSetError`
naming the file, the row (number and id) and the field, e.g.
``my.toml: rows[3] (id 'h1-x'): criteria[1]: field 'op': must be one of '>', '>='; got '<'``.
"""

from __future__ import annotations

import functools
import itertools
import math
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from irpatrol.conditions import FLAG_TEXT
from irpatrol.diagnosis.catalogue import KINDS
from irpatrol.diagnosis.rules import (
    CONFIDENCE,
    OPERATORS,
    QUANTITIES,
    SEVERITY_LEVELS,
    UNRATED,
    Criterion,
    Grade,
    Guard,
    LoadCorrection,
    RuleRow,
    RuleSet,
    WindCorrection,
)
from irpatrol.errors import RuleSetError

GUARD_KINDS = ("withhold", "low-rise", "low-load", "qualify")
LOAD_EXPONENT_RANGE = (1.6, 2.0)
"""Allowed exponent n of the load correction: "between 1.6 to 2.0" (Infraspection Institute,
"Using Tmax Corrected Formula", standards.md §1.8)."""


_SEARCH_PATH: list[Path] = []


def set_search_path(folders: Iterable[str | Path]) -> None:
    """Rule files found by name besides the shipped ones: ``<folder>/<name>.toml`` for each folder,
    in order (the shipped names come first). The edges set it from ``Settings.standards_dirs``."""
    _SEARCH_PATH[:] = [Path(f) for f in folders]


def search_path() -> tuple[Path, ...]:
    """The folders :func:`set_search_path` gave."""
    return tuple(_SEARCH_PATH)


def list_standards() -> list[str]:
    """Names of the known rule sets, sorted: the shipped ones (``standards/*.toml`` package files)
    and the ``*.toml`` files of the search path."""
    names = set(_shipped_names())
    for extra in _SEARCH_PATH:
        if extra.is_dir():
            names.update(p.stem for p in extra.glob("*.toml"))
    return sorted(names)


def load_ruleset(name_or_path: str | Path) -> RuleSet:
    """A rule set by name (``dlt664-2016``: shipped, else ``<name>.toml`` in a search-path folder,
    :func:`set_search_path`) or a user's rule file by path (``.toml``).

    Raises RuleSetError for an unknown name, an unreadable file or any invalid row or field.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(name_or_path)
        try:
            data = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleSetError(f"cannot read rule file: {exc.strerror or exc}", source=str(path)) from None
        return parse_ruleset(data, source=str(path))
    return _shipped(text)


@functools.cache
def _shipped_names() -> tuple[str, ...]:
    folder = resources.files("irpatrol.diagnosis").joinpath("standards")
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))


def _shipped(name: str) -> RuleSet:
    if name in _shipped_names():
        return _package_ruleset(name)
    for extra in _SEARCH_PATH:
        path = extra / f"{name}.toml"
        if path.is_file():
            stat = path.stat()
            return _file_ruleset(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    shipped_names = _shipped_names()
    extra_names = sorted(set(list_standards()) - set(shipped_names))
    more = f"; on the search path: {', '.join(extra_names)}" if extra_names else ""
    raise RuleSetError(f"unknown standard {name!r}; shipped: {', '.join(shipped_names)}{more} "
                       "(or give a .toml path)")


@functools.cache
def _package_ruleset(name: str) -> RuleSet:
    data = resources.files("irpatrol.diagnosis").joinpath("standards", f"{name}.toml").read_text("utf-8")
    return parse_ruleset(data, source=f"{name}.toml")


@functools.lru_cache(maxsize=32)
def _file_ruleset(path: str, mtime_ns: int, size: int) -> RuleSet:
    """A search-path rule file, read again when it changes (``mtime_ns``, ``size``)."""
    ruleset = parse_ruleset(Path(path).read_text(encoding="utf-8"), source=path)
    if ruleset.name != Path(path).stem:
        raise RuleSetError(f"[ruleset] name {ruleset.name!r} differs from the file name", source=path)
    return ruleset


def parse_ruleset(text: str, *, source: str = "<rules>") -> RuleSet:
    """Parse and validate the TOML text of a rule file (``source`` names it in errors)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"not valid TOML: {exc}", source=source) from None
    return ruleset_from_mapping(doc, source=source)


def ruleset_from_mapping(doc: Mapping[str, Any], *, source: str = "<rules>") -> RuleSet:
    """Validate an already parsed rule document (the dict tomllib gives) into a RuleSet."""
    top = _Table(doc, "", source)
    top.allow("ruleset", "grades", "rows", "guards", "load_correction", "wind_correction")
    meta = top.table("ruleset")
    meta.allow("name", "title", "title_zh", "standard", "edition", "version", "source", "note")
    grades = tuple(_grade(t, i) for i, t in enumerate(top.tables("grades")))
    grade_ids = [g.id for g in grades]
    _unique(grade_ids, "grades", source)
    if len(grades) < 2:
        raise RuleSetError("field 'grades': needs the no-defect grade and at least one more", source=source)
    _check_scale(grades, source)
    rows = tuple(_row(t, grade_ids) for t in top.tables("rows"))
    _unique([r.id for r in rows], "rows", source)
    guards = tuple(_guard(t, grade_ids) for t in top.tables("guards"))
    _unique([g.id for g in guards], "guards", source)
    for kind in ("low-rise", "low-load"):
        if sum(g.kind == kind for g in guards) > 1:
            raise RuleSetError(f"field 'guards': more than one guard of kind {kind!r}", source=source)
    return RuleSet(
        name=meta.text("name"), title=meta.text("title"), title_zh=meta.text("title_zh", ""),
        standard=meta.text("standard"), edition=meta.text("edition"), version=meta.text("version"),
        source=meta.text("source"), note=meta.text("note", ""),
        grades=grades, rows=rows, guards=guards,
        load_correction=_load_correction(top.table("load_correction")),
        wind_correction=_wind_correction(top.table("wind_correction")) if "wind_correction" in doc else None,
        origin=source,
    )


def _grade(t: _Table, level: int) -> Grade:
    t.allow("id", "en", "zh", "clause", "confidence", "advice_en", "advice_zh", "voltage_advice_en",
            "voltage_advice_zh", "equivalent", "severity", "defect", "deadline_h", "reinspect",
            "label_en", "label_zh")
    severity = t.integer("severity", default=min(level, max(SEVERITY_LEVELS)))
    if severity not in SEVERITY_LEVELS:
        t.fail("severity", f"must be one of {', '.join(map(str, SEVERITY_LEVELS))}; got {severity}")
    deadline_h = t.number("deadline_h") if "deadline_h" in t.data else None
    if deadline_h is not None and deadline_h <= 0:
        t.fail("deadline_h", f"must be a positive number of hours; got {deadline_h:g}")
    if t.text("id") == UNRATED.id:
        t.fail("id", f"{UNRATED.id!r} is reserved for readings the criteria could not judge")
    return Grade(
        id=t.text("id"), level=level, en=t.text("en"), zh=t.text("zh"), clause=t.text("clause", ""),
        confidence=t.confidence(required=False), advice_en=t.text("advice_en", ""),
        advice_zh=t.text("advice_zh", ""), voltage_advice_en=t.text("voltage_advice_en", ""),
        voltage_advice_zh=t.text("voltage_advice_zh", ""), equivalent=t.text("equivalent", ""),
        severity=severity, defect=t.flag("defect", default=severity >= 1), deadline_h=deadline_h,
        reinspect=t.flag("reinspect", default=severity >= 2),
        label_en=t.text("label_en", ""), label_zh=t.text("label_zh", ""),
    )


def _check_scale(grades: tuple[Grade, ...], source: str) -> None:
    """The first grade is "no defect"; severity never falls; a defect has a deadline tier (≥ 1)."""
    if grades[0].defect or grades[0].severity != 0:
        raise RuleSetError(f"grades[1] (id {grades[0].id!r}): the first grade is \"no defect\": "
                           "severity 0, defect = false", source=source)
    for i, (a, b) in enumerate(itertools.pairwise(grades), start=2):
        if b.severity < a.severity:
            raise RuleSetError(f"grades[{i}] (id {b.id!r}): field 'severity': lower than the grade "
                               f"before ({a.severity}); grades ascend", source=source)
    for i, g in enumerate(grades, start=1):
        if g.defect and g.severity == 0:
            raise RuleSetError(f"grades[{i}] (id {g.id!r}): field 'severity': a defect grade needs "
                               "severity 1–3 (its deadline tier)", source=source)


def _row(t: _Table, grade_ids: list[str]) -> RuleRow:
    t.allow("id", "table", "clause", "edition", "source", "confidence", "heating", "device_class",
            "device_class_zh", "part", "pattern", "fault", "follow_up", "devices", "material", "note",
            "criteria")
    confidence = t.confidence()
    heating = t.choice("heating", ("current", "voltage", "any"))
    devices = t.str_list("devices", default=[])
    for i, d in enumerate(devices):
        if d != "*" and d not in KINDS:
            t.fail(f"devices[{i}]", f"unknown device kind {d!r}; valid kinds: *, {', '.join(KINDS)}")
    criteria: list[Criterion] = []
    for i, c in enumerate(t.tables("criteria", required=False)):
        c.allow("grade", "quantity", "op", "value", "confidence")
        grade = c.choice("grade", tuple(grade_ids[1:]))
        criteria.append(Criterion(
            grade=grade, quantity=c.choice("quantity", tuple(QUANTITIES)),
            op=c.choice("op", tuple(OPERATORS)),
            value=c.number("value"), confidence=c.confidence(required=False) or confidence,
        ))
        _check_order(t, criteria, i + 1, grade_ids)
    return RuleRow(
        id=t.text("id"), table=t.text("table"), clause=t.text("clause"), edition=t.text("edition"),
        source=t.text("source"), confidence=confidence, heating=heating, device_class=t.text("device_class"),
        device_class_zh=t.text("device_class_zh", ""), part=t.text("part", ""), pattern=t.text("pattern", ""),
        fault=t.text("fault", ""), follow_up=t.text("follow_up", ""), devices=tuple(devices),
        material=t.text("material", ""), note=t.text("note", ""), criteria=tuple(criteria),
    )


def _check_order(t: _Table, criteria: list[Criterion], i: int, grade_ids: list[str]) -> None:
    """A worse grade on the same quantity must need a stricter threshold (catches swapped cells)."""
    new = criteria[-1]
    for old in criteria[:-1]:
        if old.quantity != new.quantity:
            continue
        if old.grade == new.grade:
            t.fail(f"criteria[{i}]", f"a second {new.grade!r} threshold on {new.quantity}")
        worse = grade_ids.index(new.grade) > grade_ids.index(old.grade)
        if (new.value <= old.value) if worse else (new.value >= old.value):
            t.fail(f"criteria[{i}].value", f"{new.grade} needs {new.quantity} beyond the {old.grade} "
                   f"threshold ({old.value:g}); got {new.value:g}")


def _guard(t: _Table, grade_ids: list[str]) -> Guard:
    t.allow("id", "kind", "clause", "edition", "source", "confidence", "advice_en", "advice_zh", "flags",
            "value", "grade")
    kind = t.choice("kind", GUARD_KINDS)
    flags = t.str_list("flags", default=[])
    for i, f in enumerate(flags):
        if f not in FLAG_TEXT:
            t.fail(f"flags[{i}]", f"unknown flag {f!r}; valid flags: {', '.join(FLAG_TEXT)}")
    if kind in ("withhold", "qualify") and not flags:
        t.fail("flags", f"a {kind} guard needs at least one flag")
    value = t.number("value") if kind in ("low-rise", "low-load") else None
    if kind == "low-load" and value is not None and not 0 < value <= 1:
        t.fail("value", f"a load fraction must be in (0, 1]; got {value:g}")
    grade = t.choice("grade", tuple(grade_ids), default="") if kind == "low-rise" else ""
    return Guard(
        id=t.text("id"), kind=kind, clause=t.text("clause"), edition=t.text("edition"),
        source=t.text("source"),
        confidence=t.confidence(), advice_en=t.text("advice_en"), advice_zh=t.text("advice_zh"),
        flags=tuple(flags), value=value, grade=grade,
    )


def _load_correction(t: _Table) -> LoadCorrection:
    t.allow("exponent", "min_load_fraction", "source", "clause", "confidence", "note")
    n = t.number("exponent")
    lo, hi = LOAD_EXPONENT_RANGE
    if not lo <= n <= hi:
        t.fail("exponent", f"must be between {lo:g} and {hi:g} (Infraspection Institute); got {n:g}")
    fraction = t.number("min_load_fraction")
    if not 0 < fraction <= 1:
        t.fail("min_load_fraction", f"must be in (0, 1]; got {fraction:g}")
    return LoadCorrection(exponent=n, min_load_fraction=fraction, source=t.text("source"),
                          clause=t.text("clause"), confidence=t.confidence(), note=t.text("note", ""))


def _wind_correction(t: _Table) -> WindCorrection:
    t.allow("speeds_m_s", "factors", "source", "clause", "confidence", "note")
    speeds, factors = t.numbers("speeds_m_s"), t.numbers("factors")
    if len(speeds) < 2 or len(speeds) != len(factors):
        t.fail("factors", f"needs one factor per speed, at least two; got {len(speeds)} and {len(factors)}")
    if any(b <= a for a, b in itertools.pairwise(speeds)) or speeds[0] < 0:
        t.fail("speeds_m_s", "must be ≥ 0 and strictly ascending")
    if any(b < a for a, b in itertools.pairwise(factors)) or factors[0] < 1:
        t.fail("factors", "must be ≥ 1 and never decrease with wind speed")
    return WindCorrection(speeds_m_s=tuple(speeds), factors=tuple(factors), source=t.text("source"),
                          clause=t.text("clause"), confidence=t.confidence(), note=t.text("note", ""))


def _unique(ids: list[str], what: str, source: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise RuleSetError(f"{what}[{i + 1}]: duplicate id {x!r}", source=source)
        seen.add(x)


class _Table:
    """One TOML table with typed, error-naming accessors. ``where`` is e.g. "rows[3] (id 'h1-x')"."""

    def __init__(self, data: Mapping[str, Any], where: str, source: str) -> None:
        self.data, self.where, self.source = data, where, source

    def fail(self, field_name: str, problem: str) -> None:
        prefix = f"{self.where}: " if self.where else ""
        raise RuleSetError(f"{prefix}field {field_name!r}: {problem}", source=self.source)

    def allow(self, *names: str) -> None:
        for key in self.data:
            if key not in names:
                self.fail(key, f"unknown field; allowed: {', '.join(names)}")

    def _get(self, name: str, default: Any) -> Any:
        if name in self.data:
            return self.data[name]
        if default is _REQUIRED:
            self.fail(name, "missing")
        return default

    def text(self, name: str, default: Any = None) -> str:
        v = self._get(name, _REQUIRED if default is None else default)
        if not isinstance(v, str) or (default is None and not v.strip()):
            self.fail(name, f"must be a {'non-empty ' if default is None else ''}string; got {v!r}")
        return str(v)

    def number(self, name: str) -> float:
        v = self._get(name, _REQUIRED)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            self.fail(name, f"must be a finite number; got {v!r}")
        return float(v)

    def integer(self, name: str, default: int) -> int:
        v = self._get(name, default)
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(name, f"must be an integer; got {v!r}")
        return int(v)

    def flag(self, name: str, default: bool) -> bool:
        v = self._get(name, default)
        if not isinstance(v, bool):
            self.fail(name, f"must be true or false; got {v!r}")
        return bool(v)

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        v = self._get(name, _REQUIRED if default is None else default)
        if v == default and default is not None:
            return default
        if v not in allowed:
            self.fail(name, f"must be one of {', '.join(repr(a) for a in allowed)}; got {v!r}")
        return str(v)

    def confidence(self, required: bool = True) -> str:
        if not required and "confidence" not in self.data:
            return ""
        return self.choice("confidence", tuple(CONFIDENCE))

    def numbers(self, name: str) -> list[float]:
        v = self._get(name, _REQUIRED)
        ok = isinstance(v, list) and all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in v)
        if not ok:
            self.fail(name, f"must be a list of finite numbers; got {v!r}")
        return [float(x) for x in v]

    def str_list(self, name: str, default: list[str]) -> list[str]:
        v = self._get(name, default)
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.fail(name, f"must be a list of strings; got {v!r}")
        return list(v)

    def table(self, name: str) -> _Table:
        v = self._get(name, _REQUIRED)
        if not isinstance(v, dict):
            self.fail(name, "must be a table")
        return _Table(v, name, self.source)

    def tables(self, name: str, required: bool = True) -> list[_Table]:
        v = self._get(name, _REQUIRED if required else [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.fail(name, "must be an array of tables ([[" + name + "]])")
        out = []
        for i, x in enumerate(v):
            ident = f" (id {x['id']!r})" if isinstance(x.get("id"), str) else ""
            where = f"{self.where}: " if self.where else ""
            out.append(_Table(x, f"{where}{name}[{i + 1}]{ident}", self.source))
        return out


_REQUIRED: Any = object()
