"""Strict reading of row-based TOML data files (checklists, violation types): every row is a table
whose fields must be exactly the ones allowed, so a misspelt field is refused with its file, row
and field named instead of being silently ignored (pure; reads only the file it is given)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from irpatrol.errors import InputError


class DataFileError(InputError):
    """A data file (checklist, violation types) with a bad row or field; the message names the file,
    the row (1-based, with its code when it has one) and the field."""


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML document at ``path``; DataFileError naming the file when unreadable or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror}", source=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"not valid TOML: {exc}", source=str(path)) from None


def check_fields(
    row: Mapping[str, Any],
    *,
    required: Mapping[str, type | tuple[type, ...]],
    optional: Mapping[str, type | tuple[type, ...]],
    where: str,
    source: str,
) -> None:
    """Refuse ``row`` when a field is unknown, missing or of the wrong type. ``where`` names the row
    (e.g. ``item 3 (pole-verticality)``)."""
    allowed = {**required, **optional}
    for key in row:
        if key not in allowed:
            raise DataFileError(
                f"{where}: unknown field {key!r}; allowed fields: {', '.join(sorted(allowed))}", source=source
            )
    for key in required:
        if key not in row:
            raise DataFileError(f"{where}: missing field {key!r}", source=source)
    for key, value in row.items():
        kind = allowed[key]
        if (
            isinstance(value, bool)
            and kind is not bool
            and bool not in (kind if isinstance(kind, tuple) else ())
        ):
            raise DataFileError(f"{where}: field {key!r} has the wrong type", source=source)
        if not isinstance(value, kind):
            raise DataFileError(
                f"{where}: field {key!r} has the wrong type ({type(value).__name__})", source=source
            )
        if isinstance(value, str) and not value.strip() and key in required:
            raise DataFileError(f"{where}: field {key!r} is empty", source=source)


def row_name(index: int, row: Mapping[str, Any]) -> str:
    """``item 3 (code)``: how an error names the ``index``-th row (0-based) of a file."""
    code = row.get("code")
    return f"row {index + 1}" + (f" ({code})" if isinstance(code, str) and code else "")
