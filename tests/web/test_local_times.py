"""The defect page's temperature trend reads its times in the configured zone like the rest of
the page (the timeline said 10:02 Beijing time, the trend's axis 02:02 UTC)."""

from __future__ import annotations

import json
import re
from datetime import UTC

from irpatrol.registry.model import Image
from irpatrol.reports.timefmt import local


def test_the_trend_is_in_the_configured_zone(web, login) -> None:  # type: ignore[no-untyped-def]
    client, ids = web
    login(client, "demo-admin")
    page = client.get(f"/ui/ledger/{ids['defect']}").text
    data = json.loads(
        re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', page, re.S)[1]
    )  # type: ignore[index]
    with client.app.state.session_factory() as s:
        captured = s.get(Image, ids["image"]).captured_at  # type: ignore[union-attr]
    expected = local(captured.replace(tzinfo=captured.tzinfo or UTC))
    assert data["points"][0]["at"][:16] == expected.isoformat()[:16]  # type: ignore[union-attr]
    assert data["points"][0]["at"].endswith(expected.strftime("%z")[:3] + ":" + expected.strftime("%z")[3:])  # type: ignore[union-attr]
