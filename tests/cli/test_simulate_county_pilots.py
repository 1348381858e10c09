"""``irpatrol simulate county --pilots N`` (issue 13: the county's 27 pilots, crews of two with a
third member where pilots are left over): the registry gets exactly N pilots, and fewer than two a
crew is refused with the reason."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.cli.main import app
from irpatrol.config import get_settings
from irpatrol.registry.model import Pilot

runner = CliRunner()


def _county(*extra: str) -> object:
    return runner.invoke(app, ["simulate", "county", "--poles", "200", "--feeders", "4", "--areas", "2",
                               "--crews", "3", "--seed", "5", "--json", *extra])


def test_pilots_as_asked_and_too_few_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        db.ensure_schema(db.engine_for(get_settings()))
        r = _county("--pilots", "5")
        assert r.exit_code != 0 and "pilots ≥ 2 × crews" in r.output
        r = _county("--pilots", "8")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["pilots"] == 8
        with db.session_factory(db.engine_for(get_settings()))() as session:
            assert session.scalar(select(func.count(Pilot.id))) == 8
    finally:
        get_settings.cache_clear()
