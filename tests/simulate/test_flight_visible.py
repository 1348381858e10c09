"""Issue 14: simulated flights write a visible photo per shot, ingest pairs it with the thermal
image, and the API and the viewer serve it; issue 10: flights draw field-like pole views."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.errors import InputError
from irpatrol.ingest import ingest_folder
from irpatrol.ingest.discovery import split_visible
from irpatrol.registry import auth
from irpatrol.registry.assets import import_assets
from irpatrol.registry.model import Image
from irpatrol.registry.store import stored_visible, visible_relpath
from irpatrol.simulate.flight import (
    FlightSpec,
    HotSpec,
    line_of_poles,
    plan_shots,
    render_scene,
    write_flight,
)

PASSWORD = "correct horse battery"


def test_visible_photos_pair_with_their_thermal_images() -> None:
    folder = Path("/flight")
    names = ["DJI_0001_T.JPG", "DJI_0001_W.JPG", "DJI_0001_Z.JPG", "DJI_0002_T.JPG", "DJI_0003_V.JPG",
             "IRP_00001.tiff", "IRP_00001_V.JPG", "lonely_W.jpg"]
    paths = [folder / n for n in names]
    thermal, pairs = split_visible(paths)
    assert [p.name for p in thermal] == ["DJI_0001_T.JPG", "DJI_0002_T.JPG", "DJI_0003_V.JPG",
                                         "IRP_00001.tiff", "lonely_W.jpg"]
    assert {k.name: v.name for k, v in pairs.items()} == {"DJI_0001_T.JPG": "DJI_0001_W.JPG",
                                                          "IRP_00001.tiff": "IRP_00001_V.JPG"}
    sha = "ab" + "0" * 62
    assert visible_relpath(sha) == f"visible/ab/{sha}.jpg"
    with pytest.raises(InputError):
        visible_relpath("../../etc/passwd")


def test_a_field_frame_and_its_photo_show_the_same_pole() -> None:
    spec = FlightSpec(ambient_c=22.0, seed=3, scene="field")
    shots = plan_shots(line_of_poles(2), spec, [HotSpec("2", "terminal-clamp", 60.0, "B")])
    frame = render_scene(spec, shots[-1])
    assert frame.visible is not None and frame.visible.shape == (512, 640, 3)
    hot = next(c for c in frame.clamps if c.hot_k > 0)
    assert [c.phase for c in frame.clamps] == ["A", "B", "C"] and hot.phase == "B"
    assert hot.kind == "terminal-clamp"
    # phases A, B, C in the left, middle and right thirds (ingest's phase_of)
    for c, third in zip(frame.clamps, range(3), strict=True):
        x = c.bbox[0] + c.bbox[2] / 2
        assert third * 640 / 3 < x < (third + 1) * 640 / 3
    x, y, w, h = hot.bbox
    assert float(frame.celsius[y:y + h, x:x + w].max()) > 22.0 + 45.0
    # the photo: blue sky at the top, no thermal colours (the hot clamp is not brighter in it)
    r, g, b = (float(v) for v in frame.visible[2, 320])
    assert b > r and b > g
    part = frame.visible[y:y + h, x:x + w].astype(float).mean()
    px, py, pw, ph = next(c for c in frame.clamps if c.phase == "A").bbox
    assert abs(part - frame.visible[py:py + ph, px:px + pw].astype(float).mean()) < 30


@pytest.fixture()
def ingested(tmp_path: Path) -> tuple[Settings, Path]:
    settings = Settings(data_dir=tmp_path / "data")
    db.upgrade(settings.effective_database_url)
    poles = line_of_poles(3, prefix="V")
    csv = tmp_path / "poles.csv"
    csv.write_text("feeder,pole,lat,lon,voltage_kv\n" + "".join(
        f"F-V,{p.number},{p.lat:.7f},{p.lon:.7f},10\n" for p in poles), encoding="utf-8")
    with db.session_scope(settings) as session:
        import_assets(session, csv)
        auth.add_user(session, "viewer", role="viewer", password=PASSWORD)
    flight = tmp_path / "flight"
    hot = [HotSpec("V2", "terminal-clamp", 70.0, "B")]
    truth = write_flight(flight, "F-V", poles, FlightSpec(seed=5, scene="field"), hot)
    assert all((flight / i["visible"]).is_file() for i in truth["images"])
    written = json.loads((flight / "ground_truth.json").read_text(encoding="utf-8"))
    assert written["images"][0]["visible"] == "IRP_00001_V.JPG"
    result = ingest_folder(db.session_factory(db.make_engine(settings.effective_database_url)), flight,
                           feeder="F-V", date="2026-07-15", settings=settings, workers=1)
    assert (result.files, result.analysed, result.rejected) == (3, 3, 0)  # photos are not images
    return settings, flight


def test_ingest_pairs_the_photo_and_the_api_serves_it(ingested: tuple[Settings, Path]) -> None:
    settings, flight = ingested
    with db.session_scope(settings) as session:
        images = list(session.scalars(select(Image).order_by(Image.original_name)))
        assert len(images) == 3
        ids = [i.id for i in images]
        stored = [stored_visible(i, settings.data_dir) for i in images]
    assert all(p is not None for p in stored)
    assert stored[0] is not None and stored[0].read_bytes() == (flight / "IRP_00001_V.JPG").read_bytes()
    from irpatrol.api.app import create_app

    with TestClient(create_app(settings)) as client:
        token = client.post("/auth/token", data={"username": "viewer", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        r = client.get(f"/images/{ids[0]}/visible.jpg", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        photo = cv2.imdecode(np.frombuffer(r.content, np.uint8), cv2.IMREAD_COLOR)
        assert photo is not None and photo.shape == (1024, 1280, 3)
        assert client.get(f"/images/{ids[0]}/visible.jpg").status_code == 401
        stored[1].unlink()  # type: ignore[union-attr]
        missing = client.get(f"/images/{ids[1]}/visible.jpg", headers=headers)
        assert missing.status_code == 404 and "no visible photo" in missing.text


def test_the_viewer_shows_the_paired_photo_beside_the_thermogram(ingested: tuple[Settings, Path]) -> None:
    from fastapi import FastAPI

    from irpatrol.web.views import install

    settings, _flight = ingested
    engine = db.make_engine(settings.effective_database_url)
    app = FastAPI()
    app.state.settings = settings
    app.state.session_factory = db.session_factory(engine)
    install(app)
    with db.session_scope(settings) as session:
        image_id = session.scalar(select(Image.id).order_by(Image.original_name))
    with TestClient(app) as client:
        client.get("/ui/login")
        client.headers["X-CSRF-Token"] = client.cookies.get("irpatrol_csrf") or ""
        form = {"username": "viewer", "password": PASSWORD}
        r = client.post("/ui/login", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(f"/ui/viewer/{image_id}")
        assert page.status_code == 200 and f"/viewer/{image_id}/visible.jpg" in page.text
        photo = client.get(f"/ui/viewer/{image_id}/visible.jpg")
        assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    engine.dispose()
