"""The recompute routes pass the app's deadline policy down (issue 15): an app created with its own
repair deadlines regrades a defect through ``POST /ui/findings/{id}/recompute`` with those deadlines,
not the defaults and not the environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_judgement import PASSWORD, _flight, _hot
from web_registry import pages_over

from irpatrol.config import Settings
from irpatrol.registry import grades
from irpatrol.registry.defects import DeadlinePolicy
from irpatrol.registry.model import Defect, Finding

OWN = {"deadline_critical_h": 2.0, "deadline_serious_days": 3.0, "deadline_general_days": 5.0}


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[TestClient, object, Settings]]:
    data_dir = tmp_path_factory.mktemp("recompute-deadlines")
    settings = Settings(data_dir=data_dir, **OWN)  # type: ignore[arg-type]
    with pages_over(settings, sqlite_template) as (client, sessions):
        _flight(sessions, data_dir)
        r = client.post("/ui/login", data={"username": "analyst1", "password": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        yield client, sessions, settings


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def test_a_regrading_recompute_takes_the_deadlines_of_the_apps_settings(
    app: tuple[TestClient, object, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, sessions, settings = app
    monkeypatch.setenv("IRPATROL_DEADLINE_CRITICAL_H", "48")  # the environment must not matter
    monkeypatch.setenv("IRPATROL_DEADLINE_SERIOUS_DAYS", "60")
    monkeypatch.setenv("IRPATROL_DEADLINE_GENERAL_DAYS", "90")
    defect_id, fid, _ = _hot(sessions)  # type: ignore[arg-type]
    with sessions() as s:  # type: ignore[operator]
        defect = s.get(Defect, defect_id)
        finding = s.get(Finding, fid)
        assert defect is not None and finding is not None
        assert grades.is_defect(finding.standard, finding.grade)
        # the defect as if graded lower before: the recompute regrades it and sets a new deadline
        defect.grade, defect.standard, defect.deadline = "none", finding.standard, None
        s.commit()
    before = datetime.now(UTC)
    r = client.post(f"/ui/findings/{fid}/recompute", data={"emissivity": "0.95"})
    after = datetime.now(UTC)
    assert r.status_code == 200 and r.json()["saved"], r.text
    with sessions() as s:  # type: ignore[operator]
        defect = s.get(Defect, defect_id)
        assert defect is not None and defect.deadline is not None
        severity = grades.severity(defect.standard, defect.grade)
        allowed = DeadlinePolicy.from_settings(settings).allowed(severity)
        assert allowed is not None and allowed != DeadlinePolicy().allowed(severity)
        deadline = _aware(defect.deadline)
        assert before + allowed - timedelta(seconds=1) <= deadline <= after + allowed + timedelta(seconds=1)
