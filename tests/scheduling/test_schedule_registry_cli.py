"""``schedule plan`` without --county reads the registry and stores the plan there."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.cli.main import app
from irpatrol.config import get_settings
from irpatrol.registry.county import load_county as load_into_registry
from irpatrol.scheduling import service
from irpatrol.scheduling.core.county import generate

runner = CliRunner()


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = db.engine_for(get_settings())
    db.ensure_schema(engine)
    with db.session_factory(engine)() as session:
        load_into_registry(session, generate(300, 3, 1, 2, seed=9))
        session.commit()
    yield db.session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def test_plan_from_the_registry_is_stored_there(registry, tmp_path):
    out = tmp_path / "plan.json"
    r = runner.invoke(app, ["schedule", "plan", "--from", "2026-11-02", "--deadline", "2026-11-30",
                            "--time-limit", "0", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["poles"] == summary["planned_poles"] == 300 and summary["plan_id"] >= 1
    with registry() as session:
        assert service.load_plan(session, summary["plan_id"]).figures.planned_poles == 300
