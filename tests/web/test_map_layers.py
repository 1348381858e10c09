"""The map's extra layers: poles never inspected are listed apart (drawn grey, not healthy green),
and open hazards with their kind and grade in the reader's language."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient


def test_never_inspected_poles_and_hazards(web: tuple[TestClient, dict[str, int]], login: object) -> None:
    client, _ = web
    login(client, "viewer1")  # type: ignore[operator]
    page = client.get("/ui/map").text
    m = re.search(r'<script type="application/json" id="map-layers">(.*?)</script>', page, re.S)
    assert m is not None
    layers = json.loads(m.group(1))
    assert len(layers["never"]) == 3  # five poles, two photographed
    (hazard,) = layers["hazards"]
    assert not re.search(r"[A-Za-z]", hazard[2]) and hazard[3] == "严重"  # kind and grade in Chinese
    assert "/static/js/map_layers.js" in page


def test_clearing_a_hazard_needs_a_photo_or_a_later_patrol(web: tuple[TestClient, dict[str, int]],
                                                           login: object) -> None:
    client, _ = web
    login(client)  # type: ignore[operator]
    client.post("/ui/hazards/1/transition", data={"to_status": "mitigation_scheduled", "comment": "crew B"})
    r = client.post("/ui/hazards/1/transition", data={"to_status": "cleared", "comment": "tree trimmed"})
    assert 'class="flash error">Clearing a hazard needs evidence' in r.text
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 160, 40)).save(buf, "JPEG")
    client.post("/ui/hazards/1/photos", files={"files": ("trimmed.jpg", buf.getvalue(), "image/jpeg")})
    r = client.post("/ui/hazards/1/transition", data={"to_status": "cleared", "comment": "tree trimmed"})
    assert r.status_code == 200 and 'class="flash ok"' in r.text
