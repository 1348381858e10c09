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
