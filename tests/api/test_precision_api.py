"""The analysts' verdicts over HTTP and ``GET /stats``'s ``auto_precision`` (issue 10, item 6)."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry.defects import register_finding
from irpatrol.registry.model import Component, Feeder, Finding, Image, Patrol, Pole

Headers = dict[str, dict[str, str]]
DAY = date(2031, 3, 3)
"""A day no other test flies, so the period's figures are this test's alone."""


def _automatic_defect(settings: Settings) -> tuple[int, int]:
    """A defect opened from one automatic finding of a patrol flown on :data:`DAY`: (defect, patrol)."""
    tag = uuid.uuid4().hex
    with db.session_scope(settings) as session:
        feeder = Feeder(name=f"F-{tag}")
        pole = Pole(feeder=feeder, number="P1", lat=30.5, lon=120.5)
        patrol = Patrol(date=DAY, key=f"precision-{tag}")
        session.add_all([feeder, pole, patrol])
        session.flush()
        image = Image(
            sha256=tag * 2, original_name="IMG_1.jpg", status="analysed", patrol_id=patrol.id, pole_id=pole.id
        )
        component = Component(pole_id=pole.id, kind="terminal-clamp")
        session.add_all([image, component])
        session.flush()
        finding = Finding(
            image_id=image.id,
            pole_id=pole.id,
            component_id=component.id,
            bbox_x=0,
            bbox_y=0,
            bbox_w=3,
            bbox_h=3,
            t_max_c=88.0,
            grade="critical",
            device="terminal-clamp",
        )
        session.add(finding)
        session.flush()
        register_finding(session, finding)
        return int(finding.defect_id or 0), patrol.id


def test_a_rejection_needs_a_verdict_and_stats_carry_the_precision(
    client: TestClient, headers: Headers, settings: Settings
) -> None:
    defect_id, patrol_id = _automatic_defect(settings)
    url = f"/defects/{defect_id}/transition"
    r = client.post(url, json={"to": "rejected", "reason": "not a joint"}, headers=headers["analyst"])
    assert r.status_code == 422 and "needs a verdict" in r.text
    r = client.post(url, json={"to": "rejected", "verdict": "maybe"}, headers=headers["analyst"])
    assert r.status_code == 422 and "unknown verdict" in r.text
    r = client.post(url, json={"to": "rejected", "verdict": "duplicate"}, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "rejected" and body["events"][-1]["reason"] == "duplicate"
    assert [(f["verdict"], f["origin"]) for f in body["findings"]] == [("duplicate", None)]

    s = client.get("/stats", params={"period": DAY.isoformat()}, headers=headers["viewer"]).json()
    ap = s["auto_precision"]
    assert ap["overall"] == {
        "precision": 0.0,
        "real": 0,
        "decided": 1,
        "pending": 0,
        "rejected_by_reason": {"wrong_component": 0, "reflection": 0, "background": 0, "duplicate": 1},
    }
    assert ap["by_device"]["terminal-clamp"]["decided"] == 1
    assert [(p["patrol_id"], p["date"], p["precision"]) for p in ap["by_patrol"]] == [
        (patrol_id, DAY.isoformat(), 0.0)
    ]
    everything = client.get("/stats", headers=headers["viewer"]).json()["auto_precision"]
    assert patrol_id in [p["patrol_id"] for p in everything["by_patrol"]]
