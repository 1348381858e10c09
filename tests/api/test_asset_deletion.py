"""Deleting feeders and areas (admin, with a reason kept in the audit log; refused while open
defects or any history refer to them)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry import defects
from irpatrol.registry.model import AuditLog, Pole

Headers = dict[str, dict[str, str]]


def _import(client: TestClient, headers: Headers, csv: str) -> None:
    r = client.post("/assets/import", files={"file": ("a.csv", csv, "text/csv")}, headers=headers["admin"])
    assert r.status_code == 200, r.text


def _feeder_id(client: TestClient, headers: Headers, name: str) -> int:
    feeders = client.get("/assets/feeders", params={"per_page": 500}, headers=headers["viewer"]).json()
    return next(f["id"] for f in feeders["items"] if f["name"] == name)


def _area_id(client: TestClient, headers: Headers, name: str) -> int:
    areas = client.get("/assets/areas", headers=headers["viewer"]).json()
    return next(a["id"] for a in areas if a["name"] == name)


def _audit(settings: Settings, entity: str, entity_id: int) -> list[tuple[str | None, dict]]:
    with db.session_scope(settings) as session:
        rows = session.scalars(
            select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        )
        return [(r.username, r.detail or {}) for r in rows if r.action == "delete"]


def test_an_admin_deletes_a_feeder_then_its_area_with_reasons(
    client: TestClient, headers: Headers, settings: Settings
) -> None:
    _import(
        client,
        headers,
        "feeder,pole,lat,lon,area\nF-GONE,G1,30.5,120.5,A-GONE\nF-GONE,G2,30.6,120.6,A-GONE\n",
    )
    feeder_id, area_id = _feeder_id(client, headers, "F-GONE"), _area_id(client, headers, "A-GONE")
    url = f"/assets/feeders/{feeder_id}"
    assert client.delete(url, params={"reason": "x"}, headers=headers["analyst"]).status_code == 403
    assert client.delete(url, headers=headers["admin"]).status_code == 422, "a reason is required"
    assert client.delete(url, params={"reason": "  "}, headers=headers["admin"]).status_code == 422
    r = client.delete(f"/assets/areas/{area_id}", params={"reason": "merged"}, headers=headers["admin"])
    assert r.status_code == 409 and "feeder" in r.json()["detail"], "the area still has a feeder"

    r = client.delete(url, params={"reason": "imported twice"}, headers=headers["admin"])
    assert r.status_code == 200, r.text
    assert r.json() == {"kind": "feeder", "id": feeder_id, "reason": "imported twice"}
    assert client.get(url, headers=headers["viewer"]).status_code == 404
    assert (
        client.get("/assets/poles", params={"feeder": "F-GONE"}, headers=headers["viewer"]).json()["total"]
        == 0
    )
    [(who, kept)] = _audit(settings, "feeder", feeder_id)
    assert who == "admin" and kept["reason"] == "imported twice" and kept["name"] == "F-GONE"
    assert sorted(p["number"] for p in kept["poles"]) == ["G1", "G2"]
    assert client.delete(url, params={"reason": "again"}, headers=headers["admin"]).status_code == 404

    area_url = f"/assets/areas/{area_id}"
    assert client.delete(area_url, params={"reason": "merged"}, headers=headers["pilot"]).status_code == 403
    r = client.delete(area_url, params={"reason": "merged into East"}, headers=headers["admin"])
    assert r.status_code == 200, r.text
    assert "A-GONE" not in [a["name"] for a in client.get("/assets/areas", headers=headers["viewer"]).json()]
    assert _audit(settings, "area", area_id) == [("admin", {"name": "A-GONE", "reason": "merged into East"})]


def test_a_feeder_with_open_defects_or_a_history_is_kept(
    client: TestClient, headers: Headers, settings: Settings
) -> None:
    _import(client, headers, "feeder,pole,lat,lon\nF-KEPT,K1,30.7,120.7\n")
    feeder_id = _feeder_id(client, headers, "F-KEPT")
    with db.session_scope(settings) as session:
        pole_id = session.scalar(select(Pole.id).where(Pole.feeder_id == feeder_id))
        defect_id = defects.open_defect(session, grade="serious", pole_id=pole_id, description="crack").id
    url = f"/assets/feeders/{feeder_id}"
    r = client.delete(url, params={"reason": "decommissioned"}, headers=headers["admin"])
    assert r.status_code == 409 and "1 open defect" in r.json()["detail"]
    with db.session_scope(settings) as session:
        defects.transition(session, defect_id, "rejected", reason="false positive")
    r = client.delete(url, params={"reason": "decommissioned"}, headers=headers["admin"])
    assert r.status_code == 409 and "defect record" in r.json()["detail"], "closed defects are history"
    assert client.get(url, headers=headers["viewer"]).status_code == 200
    assert not [kept for _, kept in _audit(settings, "feeder", feeder_id) if kept["name"] == "F-KEPT"]
