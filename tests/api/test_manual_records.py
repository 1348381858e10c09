"""Manual records over HTTP: a visual defect with photos, a corridor hazard through its workflow."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient


def test_a_pilot_logs_a_visual_defect_with_a_photo(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    body = {
        "kind": "structural",
        "grade": "serious",
        "lat": 30.2,
        "lon": 120.1,
        "description": "cracked crossarm",
    }
    assert client.post("/defects", json=body, headers=headers["viewer"]).status_code == 403
    r = client.post("/defects", json=body, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    defect = r.json()
    assert defect["status"] == "new" and defect["kind"] == "structural" and defect["deadline"]
    assert defect["events"][0]["user"] == "pilot"

    photo = {"files": ("crossarm.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")}
    url = f"/defects/{defect['id']}/photos"
    assert client.post(url, files=photo, headers=headers["viewer"]).status_code == 403
    r = client.post(url, files=photo, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    sha = hashlib.sha256(photo["files"][1]).hexdigest()
    [stored] = r.json()["photos"]
    assert stored["path"] == f"photos/{sha[:2]}/{sha}.jpg" and stored["sha256"] == sha
    assert stored["url"] == f"/photos/{stored['id']}"
    got = client.get(stored["url"], headers=headers["viewer"])
    assert got.status_code == 200 and got.content == photo["files"][1]
    assert got.headers["content-type"] == "image/jpeg"
    again = client.post(url, files=photo, headers=headers["pilot"])
    assert [p["id"] for p in again.json()["photos"]] == [stored["id"]], "the same photo is kept once"
    assert client.post("/defects/2147483647/photos", files=photo, headers=headers["pilot"]).status_code == 404


def test_a_manual_defect_at_an_unknown_pole_is_404(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    body = {"grade": "general", "pole_id": 2147483647, "description": "leaning pole"}
    assert client.post("/defects", json=body, headers=headers["pilot"]).status_code == 404


def test_a_hazard_is_logged_by_a_pilot_and_moved_by_an_analyst(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    body = {"kind": "vegetation", "lat": 30.3, "lon": 120.3, "clearance_m": 1.2, "required_m": 1.5}
    assert client.post("/hazards", json=body, headers=headers["viewer"]).status_code == 403
    r = client.post("/hazards", json=body, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["grade"] == "serious" and hazard["status"] == "open" and hazard["reported_by"] == "pilot"

    url = f"/hazards/{hazard['id']}/transition"
    assert client.post(url, json={"to": "mitigation_scheduled"}, headers=headers["pilot"]).status_code == 403
    assert client.post(url, json={"to": "rejected"}, headers=headers["analyst"]).status_code == 422
    r = client.post(
        url, json={"to": "mitigation_scheduled", "comment": "trim on Monday"}, headers=headers["analyst"]
    )
    assert r.status_code == 200 and r.json()["status"] == "mitigation_scheduled"
    assert client.post(url, json={"to": "open"}, headers=headers["analyst"]).status_code == 409
    listed = client.get(
        "/hazards", params={"status": "mitigation_scheduled"}, headers=headers["viewer"]
    ).json()
    assert hazard["id"] in [h["id"] for h in listed["items"]]
