"""The analyst's judgement through the pages, on a simulated flight ingested like a real one: the
recompute draft stores nothing and refuses what the preview refuses, the confirmed recompute is
shown with the same numbers on the defect page, in the PDF and in the Excel ledger; a missed
hotspot marked by hand; a grade overridden with a reason; the work-order steps."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from web_registry import PASSWORD, pages_over, seed_line

from irpatrol.config import Settings
from irpatrol.ingest import ingest_folder
from irpatrol.registry.model import AuditLog, Defect, Finding, Image
from irpatrol.reports.ledger import HEADERS, WHY_COLUMNS
from irpatrol.reports.why import WHY_LABELS, deciding_finding

FEEDER = "10kV Test Line"


def _flight(sessions, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, line_of_poles, write_flight

    spots = line_of_poles(4, lat=28.1, lon=112.9, span_m=200.0, azimuth_deg=40.0, prefix="N")
    seed_line(sessions, FEEDER, spots)
    flight = data_dir / "flight"
    spec = FlightSpec(images_per_pole=1, ambient_c=22.0, seed=3, start=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
                      camera_model="simulated 640")
    write_flight(flight, FEEDER, [PoleSpot(s.number, s.lat, s.lon) for s in spots], spec,
                 [HotSpec(pole="N2", kind="terminal-clamp", kelvin=75.0, phase="B")])
    ingest_folder(sessions, flight, feeder=FEEDER, date="2026-06-01", workers=1,
                  settings=Settings(data_dir=data_dir))


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, object]]:
    data_dir = tmp_path_factory.mktemp("judgement")
    with pages_over(Settings(data_dir=data_dir), sqlite_template) as (client, sessions):
        _flight(sessions, data_dir)
        r = client.post("/ui/login", data={"username": "analyst1", "password": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        yield client, sessions


def _hot(sessions) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(defect id, deciding finding id, image id) of the hot clamp."""
    with sessions() as s:
        defect = s.scalar(select(Defect).order_by(Defect.id))
        assert defect is not None, "the hot clamp was not graded"
        f = deciding_finding(defect.findings)
        return defect.id, f.id, f.image_id


def test_draft_stores_nothing_and_refuses_what_the_preview_refuses(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions = app
    _, fid, image_id = _hot(sessions)
    with sessions() as s:
        before = s.get(Finding, fid)
        assert before is not None
        t_before, grade_before = before.t_max_c, before.grade
    preview = client.get(f"/ui/viewer/{image_id}/celsius.bin", params={"reflected_c": -273})
    assert preview.status_code == 422
    r = client.post(f"/ui/findings/{fid}/recompute/draft", data={"reflected_c": "-273"})
    assert r.status_code == 422 and "reflected_c" in r.json()["error"]
    r = client.post(f"/ui/findings/{fid}/recompute", data={"reflected_c": "-273"})
    assert r.status_code == 422
    r = client.post(f"/ui/findings/{fid}/recompute/draft", data={"emissivity": "0.5"})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["after"]["t_max_c"] > draft["before"]["t_max_c"]  # lower ε: a hotter object
    assert {line["key"] for line in draft["why_after"]} >= {"why_t1", "why_t2", "why_delta_pct"}
    with sessions() as s:
        after = s.get(Finding, fid)
        assert after is not None and (after.t_max_c, after.grade) == (t_before, grade_before)
        assert after.params is None


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"-?\d+\.\d", text))


def test_pdf_excel_and_defect_page_agree_after_a_recompute(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions = app
    defect_id, fid, _ = _hot(sessions)
    r = client.post(f"/ui/findings/{fid}/recompute", data={"emissivity": "0.8"})
    assert r.status_code == 200 and r.json()["saved"], r.text
    with sessions() as s:
        f = s.get(Finding, fid)
        assert f is not None and f.params and abs(f.params["emissivity"] - 0.8) < 1e-9
        patrol_id = f.image.patrol_id
        stored = {"t1": f"{f.t_max_c:.1f}", "t2": f"{f.t_ref_c:.1f}", "t0": f"{f.t_ambient_c:.1f}",
                  "dt": f"{f.delta_t_k:.1f}", "rise": f"{f.rise_k:.1f}", "pct": f"{f.delta_pct:.1f}"}
    page = client.get(f"/ui/ledger/{defect_id}").text
    why = dict(re.findall(r'data-why="(why_\w+)">([^<]*)<', page))
    assert why["why_t1"].startswith(stored["t1"]) and why["why_t2"].startswith(stored["t2"])
    assert why["why_t0"].startswith(stored["t0"]) and why["why_delta_t"].startswith(stored["dt"])
    assert why["why_rise"].startswith(stored["rise"]) and why["why_delta_pct"].startswith(stored["pct"])
    assert "0.80" in why["why_params"]  # the parameters the numbers were computed with

    pdf = client.get(f"/ui/reports/patrols/{patrol_id}.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert set(stored.values()) <= _numbers(text), (stored, text[:2000])
    assert "0.80" in text and "0.95 " not in text.split("Computed with")[-1][:40]

    xlsx = client.get("/ui/reports/ledger.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == defect_id)
    assert f"{row[HEADERS.index('t_max_c')]:.1f}" == stored["t1"]
    assert f"{row[HEADERS.index('delta_t_k')]:.1f}" == stored["dt"]
    why_cells = {k: row[len(HEADERS) + i] for i, k in enumerate(WHY_COLUMNS)}
    assert why_cells["why_t2"].startswith(stored["t2"]) and why_cells["why_t0"].startswith(stored["t0"])
    assert why_cells["why_delta_pct"].startswith(stored["pct"])
    assert why_cells["why_rise"].startswith(stored["rise"])
    assert why_cells["why_params"] == why["why_params"]
    assert headers[len(HEADERS)] == WHY_LABELS["why_t2"][0]

    # the feeder report (PDF and Excel) shows the same stored numbers and parameters
    with sessions() as s:
        feeder_id = s.get(Defect, defect_id).pole.feeder_id  # type: ignore[union-attr]
    pdf = client.get(f"/ui/reports/feeders/{feeder_id}.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert set(stored.values()) <= _numbers(text), (stored, text[:2000])
    assert "0.80" in text and f"#{defect_id}" in text
    xlsx = client.get(f"/ui/reports/feeders/{feeder_id}.xlsx?lang=en")
    wb = load_workbook(io.BytesIO(xlsx.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == headers  # the ledger's columns
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == defect_id)
    assert f"{row[HEADERS.index('t_max_c')]:.1f}" == stored["t1"]
    assert f"{row[HEADERS.index('delta_t_k')]:.1f}" == stored["dt"]
    feeder_why = {k: row[len(HEADERS) + i] for i, k in enumerate(WHY_COLUMNS)}
    assert feeder_why == why_cells  # every explanation cell as in the ledger
    assert [c.value for c in wb.worksheets[1][1]][:2] == ["Pole", "Last inspected"]


def test_missed_hotspot_is_added_and_grade_overridden_with_reason(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions = app
    with sessions() as s:
        image = s.scalar(select(Image).where(Image.pole_id.is_not(None)).order_by(Image.id.desc()))
        assert image is not None
        image_id, before = image.id, len(image.findings)
    r = client.post(f"/ui/viewer/{image_id}/findings",
                    data={"component_kind": "t-clamp", "bbox": "10,10,12,8", "reference_bbox": "40,10,12,8"},
                    follow_redirects=False)
    assert r.status_code == 303 and "ok=1" in r.headers["location"], r.headers["location"]
    with sessions() as s:
        f = s.scalar(select(Finding).where(Finding.image_id == image_id, Finding.origin == "manual"))
        assert f is not None and f.device == "t-clamp" and f.t_ref_source == "user-region"
        assert len(s.get(Image, image_id).findings) == before + 1  # type: ignore[union-attr]
        fid = f.id
    # no reason: refused, nothing changes
    r = client.post(f"/ui/findings/{fid}/override", data={"grade": "critical", "reason": " "},
                    headers={"referer": f"http://testserver/ui/viewer/{image_id}"}, follow_redirects=False)
    assert "flash=" in r.headers["location"]
    r = client.post(f"/ui/findings/{fid}/override",
                    data={"grade": "critical", "reason": "bird nest beside clamp"},
                    headers={"referer": f"http://testserver/ui/viewer/{image_id}"}, follow_redirects=False)
    assert r.status_code == 303 and "ok=1" in r.headers["location"]
    with sessions() as s:
        f = s.get(Finding, fid)
        assert f is not None and f.override and f.override["grade"] == "critical"
        assert f.grade != "critical" or f.override["reason"]  # the automatic grade stays in its column
        assert f.defect is not None and f.defect.grade == "critical"
        audit = s.scalar(select(AuditLog).where(AuditLog.entity == "finding", AuditLog.entity_id == fid,
                                                AuditLog.action == "override"))
        assert audit is not None and audit.username == "analyst1"
        defect_id = f.defect_id
    page = client.get(f"/ui/ledger/{defect_id}").text
    assert "bird nest beside clamp" in page


def test_excel_lists_who_overrode_a_defects_grade_when(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions = app
    defect_id, fid, _ = _hot(sessions)
    r = client.post(f"/ui/findings/{fid}/override", data={"grade": "critical", "reason": "loose bolt"},
                    headers={"referer": f"http://testserver/ui/ledger/{defect_id}"}, follow_redirects=False)
    assert r.status_code == 303 and "ok=1" in r.headers["location"]
    for lang, text in (("en", "judgement overridden · analyst1 · "), ("zh", "人工改判 · analyst1 · ")):
        ws = load_workbook(io.BytesIO(client.get(f"/ui/reports/ledger.xlsx?lang={lang}").content)).active
        row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == defect_id)
        assert text in row[-1], row[-1]  # who did each step when, the analyst's override too


def test_work_order_steps_need_their_fields(app) -> None:  # type: ignore[no-untyped-def]
    client, sessions = app
    defect_id, _, _ = _hot(sessions)
    url = f"/ui/ledger/{defect_id}/transition"
    page = client.get(f"/ui/ledger/{defect_id}").text
    form = re.search(r'<form[^>]*id="transition-form".*?</form>', page, re.S)
    assert form is not None and "checked" not in form.group(0)  # no next status pre-selected
    assert client.post(url, data={"to_status": "confirmed"}, follow_redirects=False).status_code == 303
    r = client.post(url, data={"to_status": "repair_scheduled", "assignee": ""})
    assert 'class="flash error">A scheduled repair needs an assignee.' in r.text
    r = client.post(url, data={"to_status": "repair_scheduled", "assignee": "Li Wei", "crew": "Line crew 2",
                               "due_date": "2026-07-01"}, follow_redirects=False)
    assert r.status_code == 303
    with sessions() as s:
        d = s.get(Defect, defect_id)
        assert d is not None and (d.assignee, d.crew_name) == ("Li Wei", "Line crew 2") and d.due_at
    r = client.post(url, data={"to_status": "repaired"})
    assert 'class="flash error">A repair needs its note' in r.text
    assert client.post(url, data={"to_status": "repaired", "comment": "clamp replaced"},
                       follow_redirects=False).status_code == 303
    r = client.post(url, data={"to_status": "verified", "reason": "looks fine"})
    assert 'class="flash error">Verification needs evidence' in r.text
    with sessions() as s:
        assert s.get(Defect, defect_id).status == "repaired"  # type: ignore[union-attr]
    photo = _jpeg()
    r = client.post(url, data={"to_status": "verified", "reason": "photo after repair"},
                    files={"files": ("after.jpg", photo, "image/jpeg")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with sessions() as s:
        d = s.get(Defect, defect_id)
        assert d is not None and d.status == "verified" and d.photos


def _jpeg() -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (32, 24), (120, 140, 160)).save(buf, "JPEG")
    return buf.getvalue()
