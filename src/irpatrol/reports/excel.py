"""The defect ledger as an Excel workbook (openpyxl), with Chinese or English headers."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from irpatrol.reports.content import LedgerRow
from irpatrol.reports.csv import neutralise_formula
from irpatrol.reports.labels import label
from irpatrol.reports.ledger import naive, table
from irpatrol.reports.scope import ScopeReport

GRADE_FILLS = {"critical": "F8B4B4", "serious": "FCD9A8", "general": "FFF3B0"}
"""Background of the grade cell per grade (RGB hex)."""
GRADE_COLUMN = 8
"""1-based column of the grade in :data:`irpatrol.reports.ledger.HEADERS`."""
MAX_WIDTH = 60
"""Widest column (characters; a CJK character counts two); longer text wraps."""


def ledger_xlsx(rows: list[LedgerRow], lang: str = "en", *, demo: bool = False) -> bytes:
    """An .xlsx workbook with one sheet listing ``rows``; headers in ``lang`` (``en``/``zh``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = label("sheet_ledger", lang)[:31]
    _ledger_sheet(ws, rows, lang)
    return _save(wb, lang, demo)


def scope_xlsx(report: ScopeReport, rows: list[LedgerRow], lang: str = "en") -> bytes:
    """A feeder or period report as a workbook: the defects of the report (``rows``, in report
    order, with the ledger's columns: the report's readings, the why, who did each workflow step
    when) and a second sheet with the poles' last inspections (feeder) or the patrols (period)."""
    wb = Workbook()
    ws = wb.active
    ws.title = label("sheet_ledger", lang)[:31]
    _ledger_sheet(ws, rows, lang)
    if report.kind == "feeder":
        sheet = wb.create_sheet(label("sheet_poles", lang)[:31])
        headers = [label(k, lang) for k in ("pole", "last_inspected", "patrol", "pole_open_defects")]
        body: list[list[object]] = [
            [p.pole, naive(p.last_inspected) if p.last_inspected else label("pole_never_inspected", lang),
             p.patrol_id, p.open_defects] for p in report.poles]
    else:
        sheet = wb.create_sheet(label("sheet_patrols", lang)[:31])
        headers = [label(k, lang) for k in ("patrol", "date", "crew", "feeder", "km_flown", "defects")]
        body = [[p.patrol_id, p.date, p.crew or "", p.feeders, round(p.km_flown, 2), p.defects]
                for p in report.patrols]
    _fill(sheet, headers, body)
    return _save(wb, lang, report.demo)


def _ledger_sheet(ws: Worksheet, rows: list[LedgerRow], lang: str) -> None:
    headers, body = table(rows, lang)
    _fill(ws, headers, body)
    for i, row in enumerate(rows, start=2):
        fill = GRADE_FILLS.get(row.grade)
        if fill:
            ws.cell(row=i, column=GRADE_COLUMN).fill = PatternFill("solid", fgColor=fill)


def _fill(ws: Worksheet, headers: list[str], body: list[list[object]]) -> None:
    """Headers in bold, the rows, and columns as wide as their content (up to :data:`MAX_WIDTH`
    characters, wider text wrapped; multi-line cells wrapped and top-aligned)."""
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in body:
        ws.append([_cell(v) for v in values])
    sample = body[:2000]
    for col, header in enumerate(headers, start=1):
        values = [v[col - 1] for v in sample if v[col - 1] is not None]
        if any(isinstance(v, datetime) for v in values):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd hh:mm"
            ws.column_dimensions[get_column_letter(col)].width = max(18, _longest_word(header) + 2)
            continue
        if any(isinstance(v, date) for v in values):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd"
            values = [v.isoformat() if isinstance(v, date) else v for v in values]
        texts = [str(v) for v in values]
        content = max((_text_width(line) for text in texts for line in text.split("\n")), default=0)
        # a header wraps onto two lines rather than widening a narrow column, but never splits a word
        heading = max(_longest_word(header), (_text_width(header) + 1) // 2)
        width = max(content, heading, 6) + 2
        ws.column_dimensions[get_column_letter(col)].width = min(width, MAX_WIDTH)
        if width > MAX_WIDTH or any("\n" in t for t in texts):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _longest_word(text: str) -> int:
    return max((_text_width(w) for w in text.split()), default=0)


def _save(wb: Workbook, lang: str, demo: bool) -> bytes:
    if demo:
        for ws in wb.worksheets:
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
