"""Manual records over HTTP: a visual defect with photos, a corridor hazard through its workflow."""

from __future__ import annotations

import hashlib
import io

import pytest
from fastapi.testclient import TestClient

from irpatrol.config import Settings


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


def _jpeg_with_gps(colour: tuple[int, int, int] = (90, 140, 60)) -> bytes:
    """A small JPEG whose EXIF says 30.26 N, 120.15 E."""
    from PIL import ExifTags
    from PIL import Image as PILImage

    exif = PILImage.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (30.0, 15.0, 36.0), 3: "E", 4: (120.0, 9.0, 0.0)})
    buf = io.BytesIO()
    PILImage.new("RGB", (32, 24), colour).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_hazard_photos_are_stored_once_with_their_gps(
    client: TestClient, headers: dict[str, dict[str, str]], settings: Settings
) -> None:
    body = {"kind": "vegetation", "lat": 30.3, "lon": 120.3, "clearance_m": 0.5, "required_m": 1.5}
    hazard = client.post("/hazards", json=body, headers=headers["pilot"]).json()
    url = f"/hazards/{hazard['id']}/photos"
    jpeg = _jpeg_with_gps()
    upload = {"files": ("tree.jpg", jpeg, "image/jpeg")}
    assert client.post(url, files=upload, headers=headers["viewer"]).status_code == 403
    r = client.post(url, files=upload, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    [photo] = r.json()["photos"]
    assert (photo["lat"], photo["lon"]) == (pytest.approx(30.26), pytest.approx(120.15)), "from the EXIF"
    sha = hashlib.sha256(jpeg).hexdigest()
    stored = settings.data_dir / "photos" / sha[:2] / f"{sha}.jpg"
    assert stored.read_bytes() == jpeg
    assert not any((settings.data_dir / "photos" / ".incoming").iterdir()), "scratch files are removed"

    # the same bytes again: no second record; another photo with a position typed in
    other = _jpeg_with_gps((10, 20, 30))
    files = [("files", ("tree.jpg", jpeg, "image/jpeg")), ("files", ("b.jpg", other, "image/jpeg"))]
    r = client.post(
        url, files=files, data={"lat": "30.5", "lon": "120.5", "caption": "poplar"}, headers=headers["pilot"]
    )
    assert r.status_code == 201, r.text
    photos = r.json()["photos"]
    assert len(photos) == 2 and photos[0]["id"] == photo["id"]
    assert (photos[1]["lat"], photos[1]["lon"], photos[1]["caption"]) == (30.5, 120.5, "poplar")
    assert client.get(f"/hazards/{hazard['id']}", headers=headers["viewer"]).json()["photos"] == photos

    got = client.get(photo["url"], headers=headers["viewer"])
    assert got.status_code == 200 and got.content == jpeg and got.headers["content-type"] == "image/jpeg"
    assert client.get(photo["url"]).status_code == 401
    assert client.get("/photos/2147483647", headers=headers["viewer"]).status_code == 404


def test_hazard_photo_uploads_are_checked(
    client: TestClient, headers: dict[str, dict[str, str]], settings: Settings
) -> None:
    body = {"kind": "building", "lat": 30.3, "lon": 120.3, "grade": "general"}
    url = f"/hazards/{client.post('/hazards', json=body, headers=headers['pilot']).json()['id']}/photos"
    not_image = {"files": ("notes.txt", b"just some text", "text/plain")}
    assert client.post(url, files=not_image, headers=headers["pilot"]).status_code == 422
    jpeg = {"files": ("a.jpg", _jpeg_with_gps(), "image/jpeg")}
    bad_gps = client.post(url, files=jpeg, data={"lat": "north"}, headers=headers["pilot"])
    assert bad_gps.status_code == 422
    assert (
        client.post(url, files=jpeg, data={"lat": "95", "lon": "1"}, headers=headers["pilot"]).status_code
        == 422
    )
    huge = {"files": ("big.jpg", b"\xff\xd8\xff" + bytes(settings.upload_limit_bytes), "image/jpeg")}
    assert client.post(url, files=huge, headers=headers["pilot"]).status_code == 413
    assert client.post("/hazards/2147483647/photos", files=jpeg, headers=headers["pilot"]).status_code == 404
    assert client.get(url.removesuffix("/photos"), headers=headers["viewer"]).json()["photos"] == []
