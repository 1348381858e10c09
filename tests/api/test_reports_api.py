"""Reports over the API: the patrol PDF and the defect ledger (Excel, CSV) with bearer tokens."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry.model import Defect, Feeder, Finding, Image, Patrol, PatrolFeeder, Pole


@pytest.fixture(scope="module")
def patrol_id(settings: Settings) -> int:
    """A patrol over feeder ``F-REPORT`` whose image at pole ``R7`` shows a critical defect."""
    with db.session_scope(settings) as session:
        feeder = Feeder(name="F-REPORT")
        pole = Pole(feeder=feeder, number="R7", seq=7, lat=30.01, lon=120.01)
        patrol = Patrol(date=date(2026, 6, 2), ambient_c=25.0, humidity_pct=55.0, km_flown=3.2)
        session.add_all(
            [feeder, pole, patrol, PatrolFeeder(patrol=patrol, feeder=feeder, load_current_a=150.0)]
        )
        session.flush()
        now = datetime.now(UTC)
        image = Image(
            sha256="e" * 64,
            original_name="R7.tiff",
            stored_path="/nonexistent/R7.tiff",
            patrol_id=patrol.id,
            status="analysed",
            pole_id=pole.id,
            t_max_c=131.5,
            captured_at=now,
        )
        defect = Defect(
            kind="thermal",
            grade="critical",
            status="new",
            pole_id=pole.id,
            deadline=now - timedelta(hours=1),
            found_at=now - timedelta(days=2),
            last_t_max_c=131.5,
            last_delta_t_k=98.0,
        )
        session.add_all([image, defect])
        session.flush()
        session.add(
            Finding(
                image_id=image.id,
                pole_id=pole.id,
                defect_id=defect.id,
                bbox_x=1,
                bbox_y=1,
                bbox_w=4,
                bbox_h=4,
                max_x=2,
                max_y=2,
                t_max_c=131.5,
                delta_t_k=98.0,
                grade="critical",
                standard="dlt664-2016",
                rule="H.1 > 130 °C",
                clause="DL/T 664-2016 Table H.1",
            )
        )
        return patrol.id


def test_patrol_pdf_names_the_pole_and_the_grade(
    client: TestClient, headers: dict[str, dict[str, str]], patrol_id: int
) -> None:
    r = client.get(f"/reports/patrols/{patrol_id}.pdf", params={"lang": "en"}, headers=headers["viewer"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f"irpatrol-patrol-{patrol_id}.pdf" in r.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "R7" in text and "F-REPORT" in text and "critical" in text and "131.5" in text
    zh = client.get(f"/reports/patrols/{patrol_id}.pdf", params={"lang": "zh"}, headers=headers["viewer"])
    assert "危急" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(zh.content)).pages)
    assert client.get("/reports/patrols/2147483647.pdf", headers=headers["viewer"]).status_code == 404
    assert (
        client.get(
            f"/reports/patrols/{patrol_id}.pdf", params={"lang": "fr"}, headers=headers["viewer"]
        ).status_code
        == 422
    )
    assert client.get(f"/reports/patrols/{patrol_id}.pdf").status_code == 401


def test_ledger_xlsx_opens_and_filters(
    client: TestClient, headers: dict[str, dict[str, str]], patrol_id: int
) -> None:
    query = {"lang": "en", "feeder": "F-REPORT", "grade": "critical", "status": "new", "overdue": "true"}
    r = client.get("/reports/ledger.xlsx", params=query, headers=headers["viewer"])
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "Defect no."
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][2] == "F-REPORT" and rows[0][3] == "R7" and "critical" in rows[0]
    none = client.get("/reports/ledger.xlsx", params={**query, "grade": "general"}, headers=headers["viewer"])
    assert load_workbook(io.BytesIO(none.content)).active.max_row == 1
    bad = client.get("/reports/ledger.xlsx", params={"status": "awful"}, headers=headers["viewer"])
    assert bad.status_code == 422
    assert (
        client.get("/reports/ledger.xlsx", params={"sort": "colour"}, headers=headers["viewer"]).status_code
        == 422
    )


def test_ledger_csv_in_chinese(
    client: TestClient, headers: dict[str, dict[str, str]], patrol_id: int
) -> None:
    r = client.get(
        "/reports/ledger.csv", params={"lang": "zh", "feeder": "F-REPORT"}, headers=headers["viewer"]
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "缺陷编号" and len(rows) == 2 and rows[1][3] == "R7" and "危急" in rows[1]


def test_feeder_and_period_reports(
    client: TestClient, headers: dict[str, dict[str, str]], patrol_id: int, settings: Settings
) -> None:
    with db.session_scope(settings) as session:
        from sqlalchemy import select

        feeder_id = session.scalar(select(Feeder.id).where(Feeder.name == "F-REPORT"))
    r = client.get(f"/reports/feeders/{feeder_id}.pdf", params={"lang": "en"}, headers=headers["viewer"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "F-REPORT" in text and "R7" in text and "131.5" in text
    x = client.get(f"/reports/feeders/{feeder_id}.xlsx", params={"lang": "en"}, headers=headers["viewer"])
    assert x.status_code == 200 and f"irpatrol-feeder-{feeder_id}.xlsx" in x.headers["content-disposition"]
    assert load_workbook(io.BytesIO(x.content)).sheetnames == ["Defect ledger", "Poles"]
    assert client.get("/reports/feeders/2147483647.pdf", headers=headers["viewer"]).status_code == 404
    assert client.get(f"/reports/feeders/{feeder_id}.pdf", params={"closed_days": -1},
                      headers=headers["viewer"]).status_code == 422
    period = {"from": "2026-06-01", "to": date.today().isoformat(), "lang": "en"}
    p = client.get("/reports/period.pdf", params=period, headers=headers["viewer"])
    assert p.status_code == 200
    assert "Period report" in "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(p.content)).pages)
    px = client.get("/reports/period.xlsx", params=period, headers=headers["viewer"])
    sheet = load_workbook(io.BytesIO(px.content)).worksheets[1]
    patrols = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert patrol_id in patrols
    assert client.get("/reports/period.pdf", params={**period, "area": "Nowhere"},
                      headers=headers["viewer"]).status_code == 404
    assert client.get("/reports/period.pdf", params={"from": "2026-06-02", "to": "2026-06-01"},
                      headers=headers["viewer"]).status_code == 422
    # the calendar's ends overflowed when converted between zones (a 500 found by the API fuzzing)
    for edge in ({"from": "9999-12-30", "to": "9999-12-31"}, {"from": "0001-01-01", "to": "0001-01-02"}):
        for suffix in ("pdf", "xlsx"):
            r = client.get(f"/reports/period.{suffix}", params=edge, headers=headers["viewer"])
            assert r.status_code == 422 and "1900–2999" in r.text, (edge, r.text)
    assert client.get("/reports/period.pdf", params=period).status_code == 401
