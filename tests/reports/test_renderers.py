"""The PDF, Excel and CSV renderers on constructed content (no database)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from irpatrol.reports.content import DefectSection, HazardLine, LedgerRow, PatrolReport
from irpatrol.reports.csv import ledger_csv
from irpatrol.reports.excel import ledger_xlsx
from irpatrol.reports.pdf import patrol_html, patrol_pdf
from irpatrol.reports.timefmt import use_zone


def _png() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.linspace(0, 255, 64 * 48, dtype=np.uint8).reshape(48, 64)).save(buf, "PNG")
    return buf.getvalue()


def _report(demo: bool = True) -> PatrolReport:
    section = DefectSection(
        defect_id=7, feeder="10kV Qingshan Line", pole="N17", component_kind="disconnector-head", phase="B",
        grade="serious", status="new", t1_c=96.4, t2_c=31.2, t0_c=24.0, delta_t_k=65.2,
        rise_k=72.4, delta_pct=90.1, standard="dlt664-2016", rule="H.1 disconnector head > 90 °C",
        clause="DL/T 664-2016 Table H.1", advice="Repair within 30 days",
        deadline=datetime(2026, 7, 1, 8, 0, tzinfo=UTC), found_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        image_name="DJI_0042_R.JPG", params={"emissivity": 0.9, "distance_m": 8.0, "reflected_c": 20.0},
        ir_png=_png(), visible_jpeg=None,
    )
    hazard = HazardLine(3, "vegetation", "serious", "open", "10kV Qingshan Line", "N9", 0.9, 1.5, "poplar")
    return PatrolReport(
        patrol_id=1, date=date(2026, 6, 1), crew="Crew East", drone="M30T",
        feeders=[("10kV Qingshan Line", 182.0)],
        ambient_c=24.0, humidity_pct=61.0, wind_m_s=1.8, rain=False, km_flown=5.27, images=46, rejected=0,
        poles_inspected=23, defects=[section], hazards=[hazard], demo=demo,
    )


@pytest.mark.parametrize(
    ("lang", "grade_text", "demo_text"), [("zh", "严重缺陷", "演示数据"), ("en", "serious", "Demo")]
)
def test_pdf_text_has_pole_grade_and_temperatures(lang: str, grade_text: str, demo_text: str) -> None:
    pdf = patrol_pdf(_report(), lang)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "N17" in text
    assert grade_text in text
    assert "96.4" in text and "31.2" in text and "65.2" in text
    assert "Table H.1" in text
    assert demo_text in text
    assert len(reader.pages) >= 3  # cover, summary, one page per defect


def test_pdf_embeds_a_cjk_font() -> None:
    reader = PdfReader(io.BytesIO(patrol_pdf(_report(), "zh")))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in f for f in fonts), fonts
    text = reader.pages[0].extract_text()
    assert "红外检测报告" in text


def test_html_inlines_images_and_escapes_text() -> None:
    report = _report()
    html = patrol_html(report, "en")
    assert "data:image/png;base64," in html
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html  # nothing fetched while rendering


def _rows() -> list[LedgerRow]:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    return [
        LedgerRow(7, "East", "10kV Qingshan Line", "N17", "disconnector-head", "B", "thermal", "serious",
                  "confirmed", 96.4, 65.2, now, datetime(2026, 7, 1, tzinfo=UTC), False, None),
        LedgerRow(8, "East", "10kV Qingshan Line", "N3", "parallel-groove-clamp", "A", "thermal", "general",
                  "new", 41.0, 16.5, now, None, False, "watch"),
    ]


def test_excel_ledger_in_chinese() -> None:
    wb = load_workbook(io.BytesIO(ledger_xlsx(_rows(), "zh", demo=True)))
    ws = wb.active
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["缺陷编号", "区域", "线路", "杆号"]
    first = [c.value for c in ws[2]]
    assert first[0] == 7 and first[3] == "N17"
    assert "严重" in first and "已确认" in first and "隔离开关转头" in first
    assert first[9] == pytest.approx(96.4)
    assert isinstance(first[12], datetime)
    assert ws.max_row == 3


def test_excel_ledger_in_english() -> None:
    ws = load_workbook(io.BytesIO(ledger_xlsx(_rows(), "en"))).active
    assert ws.cell(1, 1).value == "Defect no."
    assert ws.cell(3, 8).value == "general"


def test_csv_ledger_round_trips() -> None:
    use_zone("Asia/Shanghai")  # as the edges configure it from Settings.timezone
    data = ledger_csv(_rows(), "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "缺陷编号"
    assert rows[1][3] == "N17" and rows[1][7] == "严重"
    assert rows[1][12].startswith("2026-07-01T08:00")  # 00:00 UTC in Beijing time
    assert rows[2][12] == ""


def test_excel_ledger_survives_control_characters_in_text() -> None:
    rows = _rows()
    rows[1] = LedgerRow(8, "East\x00", "10kV\x7f\x0f Line", "N3", "parallel-groove-clamp", "A", "thermal",
                        "general", "new", 41.0, 16.5, None, None, False, "typed\x1bwith escape")
    ws = load_workbook(io.BytesIO(ledger_xlsx(rows, "en"))).active
    assert ws.cell(3, 2).value == "East\ufffd"
    assert ws.cell(3, 3).value == "10kV\x7f\ufffd Line"
    assert ws.cell(3, 15).value == "typed\ufffdwith escape"
