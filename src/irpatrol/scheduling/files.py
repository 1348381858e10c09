"""File adapters of the scheduling core: county and plan JSON, weather CSV/JSON.

Thin: read or write the file, hand dicts to :mod:`irpatrol.scheduling.core.codec`. Errors name the
file (and the row for CSV).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from irpatrol.errors import InputError
from irpatrol.scheduling.core.codec import (
    county_from_dict,
    county_to_dict,
    plan_from_dict,
    plan_to_dict,
    weather_from_dict,
)
from irpatrol.scheduling.core.model import County, Plan, Weather


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not readable JSON: {exc}", source=str(path)) from None


def _dump_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_county(path: Path) -> County:
    return county_from_dict(_load_json(path), source=str(path))


def write_county(path: Path, county: County) -> None:
    _dump_json(path, county_to_dict(county))


def read_plan(path: Path) -> Plan:
    return plan_from_dict(_load_json(path), source=str(path))


def write_plan(path: Path, plan: Plan) -> None:
    _dump_json(path, plan_to_dict(plan))


def read_weather(path: Path) -> list[Weather]:
    """A forecast file: CSV with the header ``day,area,rain,wind_m_s`` (day ISO 8601, rain yes/no,
    wind in m/s) and the optional columns ``fog`` (yes/no) and ``humidity_pct`` (%), or a JSON list
    of objects with the same keys."""
    if path.suffix.lower() == ".json":
        rows = _load_json(path)
        if not isinstance(rows, list):
            raise InputError("a weather JSON file must hold a list of {day, area, rain, wind_m_s}",
                             source=str(path))
        return [_row(r, f"{path}: item {i}") for i, r in enumerate(rows)]
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = {"day", "area"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"missing column(s) {', '.join(sorted(missing))}", source=str(path))
            return [_row(r, f"{path}: row {i + 2}") for i, r in enumerate(reader)]
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a readable CSV: {exc}", source=str(path)) from None


def _row(r: Any, where: str) -> Weather:
    try:
        w = weather_from_dict(r)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"bad weather entry: {type(exc).__name__}: {exc}", source=where) from None
    if w.wind_m_s < 0:
        raise InputError(f"negative wind {w.wind_m_s} m/s", source=where)
    return w
