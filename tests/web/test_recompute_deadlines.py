"""The recompute routes pass the app's deadline policy down (issue 15): an app created with its own
repair deadlines regrades a defect through ``POST /ui/findings/{id}/recompute`` with those deadlines,
not the defaults and not the environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_judgement import PASSWORD, _flight, _hot

from irpatrol.config import Settings
from irpatrol.db import Base, make_engine, session_factory
from irpatrol.registry import grades
from irpatrol.registry.defects import DeadlinePolicy
from irpatrol.registry.model import Defect, Finding
from irpatrol.web.views import install

OWN = {"deadline_critical_h": 2.0, "deadline_serious_days": 3.0, "deadline_general_days": 5.0}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, object, Settings]]:
    data_dir = tmp_path_factory.mktemp("recompute-deadlines")
    settings = Settings(data_dir=data_dir, **OWN)  # type: ignore[arg-type]
    engine = make_engine(settings.effective_database_url)
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    _flight(sessions, data_dir)
    fastapi_app = FastAPI()
    fastapi_app.state.settings = settings
    fastapi_app.state.session_factory = sessions
    install(fastapi_app)
    with TestClient(fastapi_app) as client:
        client.get("/ui/login")
        client.headers["X-CSRF-Token"] = client.cookies.get("irpatrol_csrf") or ""
        r = client.post("/ui/login", data={"username": "analyst1", "password": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        yield client, sessions, settings
    engine.dispose()


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
