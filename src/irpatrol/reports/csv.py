"""The defect ledger as CSV (UTF-8 with a byte-order mark, so Excel shows the Chinese right)."""

from __future__ import annotations

import csv
import io

from irpatrol.reports.content import LedgerRow
from irpatrol.reports.ledger import table


def ledger_csv(rows: list[LedgerRow], lang: str = "en") -> bytes:
    """The ledger ``rows`` as CSV bytes: a header row in ``lang``, dates as ISO 8601 in the
    configured zone (``IRPATROL_TIMEZONE``)."""
    headers, body = table(rows, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for values in body:
        writer.writerow([_cell(v) for v in values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Text starting with one of these is read as a formula by spreadsheet programs (OWASP, "CSV
Injection": =, +, -, @, tab, carriage return; line feed and the full-width forms Excel also
accepts are added)."""


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with ``'`` so it stays text (OWASP
    CSV injection advice); anything else unchanged. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else neutralise_formula(value)
