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


def _cell(value: object) -> object:
    if value is None:
        return ""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else value
