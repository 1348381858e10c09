"""Acceptance checklists as data: one TOML file per kind of work in ``checklists/`` (pure; reads
only its own package data or the one file it is given).

A checklist file::

    kind = "new-pole-line"          # the kind of work (file name without .toml)
    version = "2026.1"              # checklists are versioned; a project keeps the version it used
    name_en = "New 10 kV pole line"
    name_zh = "新建 10 kV 架空线路"
    source = "GB 50173-2014 …"      # where the items come from (see docs/acceptance.md)

    [[item]]
    code = "pole-verticality"       # unique in the file
    scope = "pole"                  # pole: checked at each of the project's poles; project: once
    method = "visible"              # visible photo | infrared shot under load | measurement
    what_en = "…"  what_zh = "…"    # what to check
    criterion_en = "…"  criterion_zh = "…"   # when it passes
    evidence_en = "…"  evidence_zh = "…"     # the evidence it needs
    source = "GB 50173-2014 §6.…"   # optional: the clause

An unknown, missing or mistyped field is refused with the file, row and field named
(:class:`irpatrol.acceptance.tomlrows.DataFileError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from irpatrol.acceptance.tomlrows import DataFileError, check_fields, read_toml, row_name

CHECKLIST_DIR = Path(__file__).parent / "checklists"
METHODS = ("visible", "infrared", "measurement")
"""How an item is checked: a visible photo, an infrared shot under load, a measurement."""
SCOPES = ("pole", "project")
"""Where an item is checked: at every pole of the project, or once for the project."""

_HEAD_REQUIRED = {"kind": str, "version": str, "name_en": str, "name_zh": str, "item": list}
_HEAD_OPTIONAL = {"source": str}
_ITEM_REQUIRED = {
    "code": str,
    "scope": str,
    "method": str,
    "what_en": str,
    "what_zh": str,
    "criterion_en": str,
    "criterion_zh": str,
    "evidence_en": str,
    "evidence_zh": str,
}
_ITEM_OPTIONAL = {"source": str}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to check (see module doc for the fields)."""

    code: str
    scope: str
    method: str
    what_en: str
    what_zh: str
    criterion_en: str
    criterion_zh: str
    evidence_en: str
    evidence_zh: str
    source: str = ""

    def what(self, lang: str) -> str:
        """What to check, in ``lang`` (en/zh)."""
        return self.what_zh if lang == "zh" else self.what_en

    def criterion(self, lang: str) -> str:
        """When the item passes, in ``lang``."""
        return self.criterion_zh if lang == "zh" else self.criterion_en

    def evidence(self, lang: str) -> str:
        """The evidence the item needs, in ``lang``."""
        return self.evidence_zh if lang == "zh" else self.evidence_en


@dataclass(frozen=True, slots=True)
class Checklist:
    """A versioned checklist for one kind of work."""

    kind: str
    version: str
    name_en: str
    name_zh: str
    items: tuple[ChecklistItem, ...]
    source: str = ""

    def name(self, lang: str) -> str:
        """The checklist's name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en

    def item(self, code: str) -> ChecklistItem:
        """The item with ``code``; DataFileError when the checklist has none."""
        for it in self.items:
            if it.code == code:
                return it
        raise DataFileError(f"checklist {self.kind} {self.version} has no item {code!r}")

    @property
    def needs_infrared(self) -> bool:
        """True when an item is checked with an infrared shot under load."""
        return any(it.method == "infrared" for it in self.items)


def kinds() -> list[str]:
    """The kinds of work with a packaged checklist, sorted."""
    return sorted(p.stem for p in CHECKLIST_DIR.glob("*.toml"))


def load_checklist(kind_or_path: str | Path) -> Checklist:
    """The packaged checklist of a kind of work (``new-pole-line`` …) or the checklist file at a
    path; DataFileError (naming file, row and field) for a bad file, InputError for an unknown kind."""
    path = Path(kind_or_path)
    if not (path.suffix == ".toml" or path.exists()):
        path = CHECKLIST_DIR / f"{kind_or_path}.toml"
        if not path.exists():
            raise DataFileError(
                f"no checklist for kind of work {kind_or_path!r}; one of {', '.join(kinds())}"
            )
    return parse_checklist(read_toml(path), source=str(path))


def parse_checklist(doc: dict[str, object], *, source: str = "checklist") -> Checklist:
    """A Checklist from a parsed TOML document (see module doc); DataFileError on a bad field."""
    check_fields(doc, required=_HEAD_REQUIRED, optional=_HEAD_OPTIONAL, where="header", source=source)
    rows = doc["item"]
    assert isinstance(rows, list)
    if not rows:
        raise DataFileError("a checklist needs at least one [[item]]", source=source)
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = row_name(i, row) if isinstance(row, dict) else f"row {i + 1}"
        if not isinstance(row, dict):
            raise DataFileError(f"{where}: expected a table", source=source)
        check_fields(row, required=_ITEM_REQUIRED, optional=_ITEM_OPTIONAL, where=where, source=source)
        if row["scope"] not in SCOPES:
            raise DataFileError(
                f"{where}: field 'scope' is {row['scope']!r}; one of {', '.join(SCOPES)}", source=source
            )
        if row["method"] not in METHODS:
            raise DataFileError(
                f"{where}: field 'method' is {row['method']!r}; one of {', '.join(METHODS)}", source=source
            )
        if row["code"] in seen:
            raise DataFileError(f"{where}: field 'code' repeats {row['code']!r}", source=source)
        seen.add(row["code"])
        items.append(ChecklistItem(**row))
    return Checklist(
        kind=str(doc["kind"]),
        version=str(doc["version"]),
        name_en=str(doc["name_en"]),
        name_zh=str(doc["name_zh"]),
        items=tuple(items),
        source=str(doc.get("source", "")),
    )
