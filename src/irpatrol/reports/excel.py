"""The defect ledger as an Excel workbook (openpyxl), with Chinese or English headers."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from irpatrol.reports.content import LedgerRow
from irpatrol.reports.csv import neutralise_formula
from irpatrol.reports.labels import label
from irpatrol.reports.ledger import table

GRADE_FILLS = {"critical": "F8B4B4", "serious": "FCD9A8", "general": "FFF3B0"}
"""Background of the grade cell per grade (RGB hex)."""
GRADE_COLUMN = 8
"""1-based column of the grade in :data:`irpatrol.reports.ledger.HEADERS`."""


def ledger_xlsx(rows: list[LedgerRow], lang: str = "en", *, demo: bool = False) -> bytes:
    """An .xlsx workbook with one sheet listing ``rows``; headers in ``lang`` (``en``/``zh``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = label("sheet_ledger", lang)[:31]
    headers, body = table(rows, lang)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, values in zip(rows, body, strict=True):
        ws.append([_cell(v) for v in values])
        fill = GRADE_FILLS.get(row.grade)
        if fill:
            ws.cell(row=ws.max_row, column=GRADE_COLUMN).fill = PatternFill("solid", fgColor=fill)
    for col, header in enumerate(headers, start=1):
        texts = [header, *(str(values[col - 1]) for values in body[:2000] if values[col - 1] is not None)]
        width = max(max(_text_width(line) for text in texts for line in text.split("\n")), 6) + 2
        ws.column_dimensions[get_column_letter(col)].width = min(width, 60)
        if width > 60:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if body and isinstance(body[0][col - 1], datetime):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd hh:mm"
            ws.column_dimensions[get_column_letter(col)].width = 18
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    if demo:
        ws.oddFooter.center.text = label("demo_banner", lang)
        wb.properties.description = label("demo_banner", lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text_width(text: str) -> int:
    """Columns ``text`` takes in a worksheet: two for a CJK (wide) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: object) -> object:
    """``value`` as a worksheet accepts it: text without the control characters XML forbids
    (a description typed with one would otherwise make the whole workbook fail)."""
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)) if isinstance(value, str) else value
