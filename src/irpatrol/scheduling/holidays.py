"""Holidays as date ranges: ``--holiday`` values (``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD``) and
holiday calendar files (JSON ``irpatrol.holidays/1``: ``ranges`` of ``{name, from, to, status}``
and, optional, ``workdays`` of ``{day, name, status}``: the make-up working days, 调休上班).

The bundled calendar ``cn`` (``data/holidays_cn.json``) lists China's public holidays and make-up
working days: 2026 from the State Council General Office notice of 4 November 2025, 2027 assumed
until its notice is published (see the file's ``notes``). Users edit a copy and pass it as a file.
How the planner treats a make-up day: :func:`irpatrol.scheduling.core.model.works_on`.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from irpatrol.errors import InputError, ParameterError

SCHEMA = "irpatrol.holidays/1"
BUNDLED = {"cn": "holidays_cn.json"}
"""Calendars shipped with irpatrol, by name."""


def days_of(first: date, last: date, source: str) -> list[date]:
    """Every day from ``first`` to ``last`` inclusive."""
    if last < first:
        raise ParameterError(f"holiday range {first}..{last} ends before it starts", source=source)
    if (last - first).days > 366:
        raise ParameterError(f"holiday range {first}..{last} is longer than a year", source=source)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def parse_range(text: str, option: str = "--holiday") -> list[date]:
    """The days of ``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD`` (``option`` names it in errors)."""
    a, sep, b = text.strip().partition("..")
    try:
        first = date.fromisoformat(a.strip())
        last = date.fromisoformat(b.strip()) if sep else first
    except ValueError:
        raise ParameterError(f"{option} {text!r} is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD") from None
    return days_of(first, last, option)


def calendar(name_or_path: str) -> dict[str, Any]:
    """A holiday calendar document: a bundled name (``cn``) or a JSON file path."""
    if name_or_path in BUNDLED:
        text = resources.files("irpatrol.scheduling.data").joinpath(BUNDLED[name_or_path]).read_text("utf-8")
        source = f"bundled calendar {name_or_path}"
    else:
        path = Path(name_or_path)
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"not readable: {exc.strerror or exc}", source=source) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc}", source=source) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("ranges"), list):
        raise InputError(f"not an {SCHEMA} document with a list of ranges", source=source)
    return {**doc, "source": source}


def calendar_days(name_or_path: str) -> tuple[frozenset[date], list[dict[str, str]]]:
    """The days off of a calendar and its ranges (name, from, to, status)."""
    doc = calendar(name_or_path)
    out: set[date] = set()
    ranges = []
    for i, r in enumerate(doc["ranges"]):
        where = f"{doc['source']}: range {i}"
        try:
            first, last = date.fromisoformat(str(r["from"])), date.fromisoformat(str(r["to"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"needs from/to dates (YYYY-MM-DD): {exc}", source=where) from None
        out.update(days_of(first, last, where))
        ranges.append({"name": str(r.get("name", "")), "from": first.isoformat(), "to": last.isoformat(),
                       "status": str(r.get("status", ""))})
    return frozenset(out), ranges


def calendar_workdays(name_or_path: str) -> tuple[frozenset[date], list[dict[str, str]]]:
    """The make-up working days (调休上班) of a calendar and their entries (day, name, status);
    a calendar without ``workdays`` has none. A make-up day that is also a day off is refused."""
    doc = calendar(name_or_path)
    entries = doc.get("workdays", [])
    if not isinstance(entries, list):
        raise InputError("workdays must be a list of {day, name, status}", source=doc["source"])
    off = calendar_days(name_or_path)[0]
    out: set[date] = set()
    rows = []
    for i, w in enumerate(entries):
        where = f"{doc['source']}: workday {i}"
        try:
            day = date.fromisoformat(str(w["day"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"needs a day (YYYY-MM-DD): {exc}", source=where) from None
        if day in off:
            raise InputError(f"{day} is both a day off and a make-up working day", source=where)
        out.add(day)
        rows.append({"day": day.isoformat(), "name": str(w.get("name", "")),
                     "status": str(w.get("status", ""))})
    return frozenset(out), rows
