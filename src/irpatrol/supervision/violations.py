"""Violation types and safety measures as data (``violation_types.toml``; pure, reads only its own
package data or the one file it is given). An unknown or missing field is refused with the file,
row and field named (:class:`irpatrol.acceptance.tomlrows.DataFileError`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from irpatrol.acceptance.tomlrows import DataFileError, check_fields, read_toml, row_name

TYPES_FILE = Path(__file__).parent / "violation_types.toml"


@dataclass(frozen=True, slots=True)
class Measure:
    """A safety measure a work ticket may require; ``per_pole`` when it is set at named poles."""

    code: str
    name_en: str
    name_zh: str
    per_pole: bool = False

    def name(self, lang: str) -> str:
        """The measure's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True, slots=True)
class ViolationType:
    """A kind of violation; ``measure`` the safety measure it breaks, if any."""

    code: str
    name_en: str
    name_zh: str
    measure: str = ""

    def name(self, lang: str) -> str:
        """The type's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Measures and violation types of one version of the data file."""

    version: str
    measures: tuple[Measure, ...]
    types: tuple[ViolationType, ...]

    def measure(self, code: str) -> Measure:
        """The measure ``code``; DataFileError naming the known ones otherwise."""
        for m in self.measures:
            if m.code == code:
                return m
        raise DataFileError(
            f"unknown safety measure {code!r}; one of {', '.join(m.code for m in self.measures)}"
        )

    def type(self, code: str) -> ViolationType:
        """The violation type ``code``; DataFileError naming the known ones otherwise."""
        for v in self.types:
            if v.code == code:
                return v
        raise DataFileError(
            f"unknown violation type {code!r}; one of {', '.join(v.code for v in self.types)}"
        )


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue at ``path`` (default: the packaged one)."""
    if path is None:
        return _packaged()
    p = Path(path)
    return parse_catalogue(read_toml(p), source=str(p))


@cache
def _packaged() -> Catalogue:
    return parse_catalogue(read_toml(TYPES_FILE), source=str(TYPES_FILE))


def parse_catalogue(doc: dict[str, object], *, source: str = "violation types") -> Catalogue:
    """A Catalogue from a parsed TOML document; DataFileError on a bad field."""
    check_fields(
        doc,
        required={"version": str, "measure": list, "violation": list},
        optional={},
        where="header",
        source=source,
    )
    measures: list[Measure] = []
    measure_rows: list[Any] = list(doc["measure"])  # type: ignore[call-overload]
    for i, row in enumerate(measure_rows):
        where = "measure " + row_name(i, row)
        check_fields(
            row,
            required={"code": str, "name_en": str, "name_zh": str},
            optional={"per_pole": bool},
            where=where,
            source=source,
        )
        measures.append(Measure(**row))
    codes = {m.code for m in measures}
    types: list[ViolationType] = []
    violation_rows: list[Any] = list(doc["violation"])  # type: ignore[call-overload]
    for i, row in enumerate(violation_rows):
        where = "violation " + row_name(i, row)
        check_fields(
            row,
            required={"code": str, "name_en": str, "name_zh": str},
            optional={"measure": str},
            where=where,
            source=source,
        )
        if row.get("measure") and row["measure"] not in codes:
            raise DataFileError(
                f"{where}: field 'measure' names unknown measure {row['measure']!r}", source=source
            )
        types.append(ViolationType(**row))
    if len({t.code for t in types}) != len(types) or len(codes) != len(measures):
        raise DataFileError("a code is used twice", source=source)
    return Catalogue(version=str(doc["version"]), measures=tuple(measures), types=tuple(types))
