"""Acceptance and work-site endpoints through HTTP: a project with new poles from creation to
acceptance and its report, and a site with a violation from a photo to closed, with the role
boundaries of :mod:`irpatrol.acceptance.permissions` (crews see their own sites only)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from PIL import Image as PILImage
from sqlalchemy import select

import factories as make
from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry.model import AcceptanceEvidence, Crew
from irpatrol.scheduling.export import wpml
from irpatrol.supervision import service as sites


def _jpeg(shade: int) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (40, 30), (shade, shade, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_acceptance_project_through_the_api(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    body = {
        "name": "API project",
        "kind": "tree-clearance",
        "feeder": "API-F1",
        "contractor": "Green Co",
        "new_poles": [
            {"number": "A1", "lat": 30.2, "lon": 120.1},
            {"number": "A2", "lat": 30.2005, "lon": 120.1},
        ],
    }
    assert client.post("/acceptance/projects", json=body, headers=headers["pilot"]).status_code == 403
    r = client.post("/acceptance/projects", json=body, headers=headers["analyst"])
    assert r.status_code == 201, r.text
    p = r.json()
    assert [x["new"] for x in p["poles"]] == [True, True] and len(p["items"]) == 3
    kmz = client.get(f"/acceptance/projects/{p['id']}/mission.kmz", headers=headers["viewer"])
    assert [w.pole_id for w in wpml.read_kmz(kmz.content)] == [str(x["id"]) for x in p["poles"]]
    first, *rest = p["items"]
    for it in p["items"]:
        r = client.post(
            f"/acceptance/items/{it['id']}/evidence",
            headers=headers["pilot"],
            data={"value": "2.5", "unit": "m"},
            files={"photo": ("a.jpg", _jpeg(it["id"] % 200))},
        )
        assert r.status_code == 201, r.text
    r = client.post(
        f"/acceptance/items/{first['id']}/mark",
        json={"result": "fail", "assignee": "Li"},
        headers=headers["analyst"],
    )
    rect = r.json()["rectifications"][0]
    assert rect["assignee"] == "Li" and rect["hazard_id"]
    for it in rest:
        client.post(f"/acceptance/items/{it['id']}/mark", json={"result": "pass"}, headers=headers["analyst"])
    r = client.post(f"/acceptance/projects/{p['id']}/accept", headers=headers["admin"])
    assert r.status_code == 409 and "1 failed" in r.json()["detail"]
    assert (
        client.post(f"/acceptance/projects/{p['id']}/accept", headers=headers["analyst"]).status_code == 403
    )
    client.post(
        f"/acceptance/rectifications/{rect['id']}/transition",
        json={"to": "rectified"},
        headers=headers["pilot"],
    )
    client.post(
        f"/acceptance/items/{first['id']}/evidence",
        headers=headers["pilot"],
        data={"value": "2.7", "unit": "m"},
    )
    r = client.post(
        f"/acceptance/rectifications/{rect['id']}/transition",
        json={"to": "verified"},
        headers=headers["analyst"],
    )
    assert r.json()["status"] == "verified"
    r = client.post(f"/acceptance/projects/{p['id']}/accept", headers=headers["admin"])
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    pdf = client.get(f"/acceptance/projects/{p['id']}/report?lang=zh", headers=headers["viewer"])
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert client.get("/acceptance/checklists/nope", headers=headers["viewer"]).status_code == 422


def test_work_site_violation_through_the_api(
    client: TestClient, headers: dict[str, dict[str, str]], settings: Settings
) -> None:
    client.post(
        "/acceptance/projects",
        headers=headers["analyst"],
        json={
            "name": "site poles",
            "kind": "tree-clearance",
            "feeder": "API-F2",
            "new_poles": [
                {"number": "S1", "lat": 30.3, "lon": 120.3},
                {"number": "S2", "lat": 30.3004, "lon": 120.3},
            ],
        },
    )
    with db.session_scope(settings) as s:
        s.add(Crew(name="API crew"))
        s.flush()
        sites.add_crew_member(s, "API crew", "pilot")
    start = datetime(2026, 6, 1, 8, tzinfo=UTC)
    body = {
        "ticket_no": "API-WT-1",
        "feeder": "API-F2",
        "poles": ["S1", "S2"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=5)).isoformat(),
        "crew": "API crew",
        "contractor": "Sanhe",
    }
    r = client.post("/sites", json=body, headers=headers["analyst"])
    assert r.status_code == 201, r.text
    site = r.json()
    other = client.post(
        "/sites", headers=headers["analyst"], json=body | {"ticket_no": "API-WT-2", "crew": None}
    ).json()
    assert client.get(f"/sites/{other['id']}", headers=headers["pilot"]).status_code == 404
    assert client.get(f"/sites/{site['id']}", headers=headers["pilot"]).status_code == 200
    assert (
        client.post(
            f"/sites/{site['id']}/violations", headers=headers["pilot"], data={"type": "missing-earthing"}
        ).status_code
        == 403
    )
    r = client.post(
        f"/sites/{site['id']}/violations",
        headers=headers["analyst"],
        data={"type": "missing-earthing", "description": "pole S2"},
        files={"photo": ("v.jpg", _jpeg(9))},
    )
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["photo_id"] and v["observer"] == "analyst" and v["status"] == "reported"
    r = client.post(f"/violations/{v['id']}/transition", json={"to": "rectified"}, headers=headers["pilot"])
    assert r.status_code == 200, r.text
    assert (
        client.post(
            f"/violations/{v['id']}/transition", json={"to": "closed"}, headers=headers["pilot"]
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/violations/{v['id']}/transition", json={"to": "closed"}, headers=headers["analyst"]
        ).json()["status"]
        == "closed"
    )
    reg = client.get("/violations", headers=headers["admin"]).json()
    assert reg["stats"]["by_contractor"].get("Sanhe", 0) >= 1
    kmz = client.get(f"/sites/{site['id']}/mission.kmz?mode=hover", headers=headers["pilot"])
    assert len(wpml.read_kmz(kmz.content)) == 1
    rep = client.get(f"/sites/{site['id']}/report?format=xlsx", headers=headers["pilot"])
    assert rep.status_code == 200 and rep.content[:2] == b"PK"


def test_remeasurement_through_the_api_reads_t1_t2_t0_from_the_body(
    client: TestClient, headers: dict[str, dict[str, str]], settings: Settings
) -> None:
    """The body's ``hot_c``/``ref_c``/``ambient_c`` (contract) reach ``remeasure(t1_c, t2_c, t0_c)``:
    95/30/20 °C grades a defect, the stored evidence keeps T1 and T2."""
    with db.session_scope(settings) as session:
        pole = make.pole(feeder=make.feeder())
        defect = make.defect(pole=pole, status="repaired", component=make.component(pole=pole))
        session.add(defect)
        session.flush()
        defect_id = defect.id
    body = {"name": "API repair", "kind": "ir-defect-repair", "defect_id": defect_id}
    r = client.post("/acceptance/projects", json=body, headers=headers["analyst"])
    assert r.status_code == 201, r.text
    item = next(it for it in r.json()["items"] if it["code"] == "ir-remeasure")
    measured = {"hot_c": 95.0, "ref_c": 30.0, "ambient_c": 20.0}
    r = client.post(f"/acceptance/items/{item['id']}/remeasure", json=measured, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    assert r.json()["result"] == "fail"
    with db.session_scope(settings) as session:
        query = select(AcceptanceEvidence).where(AcceptanceEvidence.item_id == item["id"])
        evidence = session.scalars(query).one()
        assert (evidence.t_max_c, evidence.t_ref_c) == (95.0, 30.0)
        assert evidence.grade not in ("none", None)
