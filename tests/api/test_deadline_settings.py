"""The edges pass their settings down: a defect logged through ``POST /defects`` takes the deadline
settings the app was created with, not the defaults and not the environment (issue 15)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from irpatrol.config import Settings


@pytest.mark.parametrize(
    ("grade", "allowed"), [("critical", timedelta(hours=6)), ("serious", timedelta(days=7))]
)
def test_post_defects_uses_the_deadlines_the_app_was_created_with(
    settings: Settings, password: str, monkeypatch: pytest.MonkeyPatch, grade: str, allowed: timedelta
) -> None:
    from irpatrol.api.app import create_app

    monkeypatch.setenv("IRPATROL_DEADLINE_CRITICAL_H", "48")  # the environment must not matter
    monkeypatch.setenv("IRPATROL_DEADLINE_SERIOUS_DAYS", "60")
    own = settings.model_copy(update={"deadline_critical_h": 6.0, "deadline_serious_days": 7.0})
    with TestClient(create_app(own)) as client:
        r = client.post("/auth/token", data={"username": "pilot", "password": password})
        pilot = {"Authorization": f"Bearer {r.json()['access_token']}"}
        body = {"grade": grade, "kind": "structural", "lat": 30.2, "lon": 120.1, "description": "on site"}
        r = client.post("/defects", json=body, headers=pilot)
    assert r.status_code == 201, r.text
    defect = r.json()
    found, deadline = datetime.fromisoformat(defect["found_at"]), datetime.fromisoformat(defect["deadline"])
    assert deadline - found == allowed


def test_the_report_zone_is_the_apps_not_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from irpatrol.api.app import create_app
    from irpatrol.reports import timefmt

    monkeypatch.setenv("IRPATROL_TIMEZONE", "America/New_York")  # read by Settings at the edge only
    try:
        timefmt.use_zone(None)
        assert timefmt.zone_name() == timefmt.DEFAULT_TIMEZONE
        create_app(settings.model_copy(update={"timezone": "Europe/Berlin"}))
        assert timefmt.zone_name() == "Europe/Berlin"
        assert timefmt.local_text(datetime(2026, 1, 1, 12, 0)) == "2026-01-01 13:00"  # naive = UTC
    finally:
        timefmt.use_zone(timefmt.DEFAULT_TIMEZONE)
