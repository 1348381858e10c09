"""Feeder and period reports from the reports page (issue 14): the open defects of a feeder and
those closed recently, the last inspection of every pole, the patrols and defects of a period,
as PDF and Excel in both languages."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from irpatrol.registry.model import Defect, DefectEvent, Pole
from irpatrol.reports.timefmt import zone


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _closed(web, days_ago: int, number: str) -> int:  # type: ignore[no-untyped-def]
    """A verified defect on pole ``number``, closed ``days_ago`` days ago."""
    sessions = web[0].app.state.session_factory
    at = datetime.now(UTC) - timedelta(days=days_ago)
    with sessions() as s:
        pole = s.query(Pole).filter(Pole.number == number).one()
        d = Defect(
            kind="thermal",
            grade="general",
            status="verified",
            pole=pole,
            found_at=at - timedelta(days=5),
            verified_at=at,
            last_t_max_c=41.3,
            last_delta_t_k=12.1,
        )
        s.add(d)
        s.flush()
        s.add(
            DefectEvent(
                defect_id=d.id,
                event="status",
                from_status="repaired",
                to_status="verified",
                at=at,
                username="analyst1",
            )
        )
        s.commit()
        return d.id


def test_the_reports_page_offers_every_report_in_both_languages(web, login) -> None:  # type: ignore[no-untyped-def]
    client = web[0]
    login(client, "demo-admin")
    page = client.get("/ui/reports")
    assert page.status_code == 200
    assert 'id="period-form"' in page.text and "10kV Qingshan Line" in page.text
    assert "/ui/reports/feeders/1.pdf" in page.text and "/ui/reports/feeders/1.xlsx" in page.text
    zh = TestClient(client.app)
    login(zh, "viewer1")
    page = zh.get("/ui/reports")
    assert page.status_code == 200 and "线路缺陷报告" in page.text and "周期检测报告" in page.text


@pytest.mark.slow
def test_feeder_report_lists_open_and_recently_closed_defects_and_each_poles_last_inspection(
    web, login
) -> None:  # type: ignore[no-untyped-def]
    client = web[0]
    login(client, "demo-admin")
    recent, old = _closed(web, 10, "N3"), _closed(web, 400, "N4")
    r = client.get("/ui/reports/feeders/1.pdf?lang=en&closed_days=90")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = _text(r.content)
    assert "Feeder report" in text and "10kV Qingshan Line" in text
    assert (
        f"Defect #{web[1]['defect']}" in text and f"Defect #{recent}" in text and f"Defect #{old}" not in text
    )
    assert "Last inspection of each pole" in text and "never inspected" in text
    assert "96.4" in text and "65.2" in text  # the open defect's reading
    assert "500 m" in text or "200 m" in text or "100 m" in text  # the map's scale bar
    longer = _text(client.get("/ui/reports/feeders/1.pdf?lang=en&closed_days=500").content)
    assert f"Defect #{old}" in longer
    zh = _text(client.get("/ui/reports/feeders/1.pdf?lang=zh").content)
    assert "线路缺陷报告" in zh and "各杆塔最近一次检测" in zh and "从未检测" in zh and "北" in zh

    wb = load_workbook(io.BytesIO(client.get("/ui/reports/feeders/1.xlsx?lang=en").content))
    ids = [row[0] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert web[1]["defect"] in ids and recent in ids and old not in ids
    poles = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [p[0] for p in poles] == ["N1", "N2", "N3", "N4", "N5"]
    assert isinstance(poles[0][1], datetime) and poles[4][1] == "never inspected" and poles[0][3] == 1
    steps = next(r for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0] == recent)[-1]
    assert "verified · analyst1 ·" in steps  # who did each workflow step when
    ws = wb.worksheets[0]
    assert ws.column_dimensions["C"].width >= len("10kV Qingshan Line")  # the feeder name fits


def test_period_report_by_dates_and_area(web, login) -> None:  # type: ignore[no-untyped-def]
    client = web[0]
    login(client, "demo-admin")
    today = datetime.now(zone()).date()  # the county's date: the report reads the period in its zone
    q = f"from={(today - timedelta(days=3)).isoformat()}&to={today.isoformat()}"
    text = _text(client.get(f"/ui/reports/period.pdf?{q}&lang=en").content)
    assert (
        "Period report" in text and "Patrols in the period" in text and f"Defect #{web[1]['defect']}" in text
    )
    text = _text(client.get(f"/ui/reports/period.pdf?{q}&area=East%20district&lang=en").content)
    assert "East district" in text and f"Defect #{web[1]['defect']}" in text
    earlier = f"from={(today - timedelta(days=90)).isoformat()}&to={(today - timedelta(days=60)).isoformat()}"
    text = _text(client.get(f"/ui/reports/period.pdf?{earlier}&lang=en").content)
    assert "No patrol was flown in this period." in text and f"Defect #{web[1]['defect']}" not in text
    wb = load_workbook(io.BytesIO(client.get(f"/ui/reports/period.xlsx?{q}&lang=zh").content))
    assert wb.sheetnames == ["缺陷台账", "巡检记录"]
    assert [r[0] for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)] == [web[1]["patrol"]]
    missing = client.get(f"/ui/reports/period.pdf?{q}&area=Nowhere")
    assert missing.status_code == 404 and "Nowhere" in missing.text and 'id="error-title"' in missing.text


def test_an_unknown_feeder_is_the_404_page(web, login) -> None:  # type: ignore[no-untyped-def]
    client = web[0]
    login(client, "demo-admin")
    r = client.get("/ui/reports/feeders/999.pdf")
    assert r.status_code == 404 and 'id="error-title"' in r.text
