"""Scheduling inputs kept in the registry: crew working days, takeoff points, the stored forecast."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.cli.main import app
from irpatrol.config import get_settings
from irpatrol.registry import model as rm
from irpatrol.registry.county import load_county as load_into_registry
from irpatrol.scheduling import service
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import Crew

runner = CliRunner()
NO_FLY = (date(2026, 11, 2), date(2026, 11, 3))


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = db.engine_for(get_settings())
    db.ensure_schema(engine)
    with db.session_factory(engine)() as session:
        load_into_registry(session, generate(300, 3, 1, 2, seed=9))
        for crew in session.scalars(select(rm.Crew)):  # every crew flies every weekday
            crew.working_days = "mon,tue,wed,thu,fri"
        session.commit()
    yield db.session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def _forecast(path, rows):
    path.write_text("day,area,rain,wind_m_s\n" + "".join(f"{d},{a},{r},{w}\n" for d, a, r, w in rows),
                    encoding="utf-8")
    return path


def _import(path):
    r = runner.invoke(app, ["schedule", "weather", "import", str(path)])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _plan(tmp_path):
    # --climate none: days without a stored forecast count as flyable, so only the stored forecast
    # and the crews' own days decide here
    r = runner.invoke(app, ["schedule", "plan", "--from", "2026-11-02", "--deadline", "2026-11-30",
                            "--time-limit", "0", "--climate", "none", "--json",
                            "--out", str(tmp_path / "plan.json")])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_stored_weather_makes_no_fly_days_the_stored_plan_avoids(registry, tmp_path):
    rows = [(NO_FLY[0], "Area 1", "yes", 3.0), (NO_FLY[1], "Area 1", "no", 12.5),
            (date(2026, 11, 4), "Area 1", "no", 4.0)]
    assert _import(_forecast(tmp_path / "wx.csv", rows)) == {
        "file": str(tmp_path / "wx.csv"), "entries": 3, "created": 3, "updated": 0}
    with registry() as session:
        flags = {w.date: w.no_fly for w in session.scalars(select(rm.WeatherForecast))}
        assert flags == {NO_FLY[0]: True, NO_FLY[1]: True, date(2026, 11, 4): False}
        assert len(service.load_county(session).weather) == 3
    summary = _plan(tmp_path)
    assert summary["planned_poles"] == 300
    with registry() as session:
        plan = service.load_plan(session, summary["plan_id"])
    days = {cd.day for cd in plan.crew_days}
    assert days and not days & set(NO_FLY) and min(days) == date(2026, 11, 4)


def test_crew_working_days_hours_and_sorties_are_honoured(registry, tmp_path):
    with registry() as session:
        first, second = session.scalars(select(rm.Crew).order_by(rm.Crew.id)).all()
        first.working_days, first.sorties_per_day = "tue,thu", 2
        first.day_start_s, first.day_end_s = 9 * 3600, 15 * 3600
        second.working_days = second.sorties_per_day = None
        session.add(rm.TakeoffPoint(name="T-yard", lat=30.0, lon=120.0, area_id=first.area_id))
        session.commit()
        county = service.load_county(session)
    crews = {c.name: c for c in county.crews}
    a, b = crews[first.name], crews[second.name]
    assert (a.weekdays, a.sorties_per_day, a.day_start_s, a.day_end_s) == ((1, 3), 2, 9 * 3600, 15 * 3600)
    defaults = Crew(name="x", area="-", base=a.base)
    assert (b.weekdays, b.sorties_per_day) == (defaults.weekdays, defaults.sorties_per_day)
    assert [t.id for t in county.takeoffs] == ["T-yard"]  # stored points replace derived ones
    with registry() as session:  # the stored point is far away: plan with derived points instead
        session.execute(delete(rm.TakeoffPoint))
        session.commit()
    summary = _plan(tmp_path)
    with registry() as session:
        plan = service.load_plan(session, summary["plan_id"])
    mine = [cd for cd in plan.crew_days if cd.crew == first.name]
    assert mine and {cd.day.weekday() for cd in mine} <= {1, 3}
    assert all(len(cd.sorties) <= 2 and cd.start_s >= 9 * 3600 for cd in mine)
    assert any(cd.day.weekday() not in (1, 3) for cd in plan.crew_days if cd.crew == second.name)


def test_weather_reimport_updates_and_duplicates_nothing(registry, tmp_path):
    rows = [(NO_FLY[0], "Area 1", "no", 4.0), (NO_FLY[1], "Area 1", "no", 5.0)]
    path = _forecast(tmp_path / "wx.csv", rows)
    assert _import(path)["created"] == 2
    assert _import(path) == {"file": str(path), "entries": 2, "created": 0, "updated": 2}
    _forecast(path, [(NO_FLY[0], "Area 1", "no", 11.0)])
    assert _import(path) == {"file": str(path), "entries": 1, "created": 0, "updated": 1}
    with registry() as session:
        assert session.scalar(select(func.count()).select_from(rm.WeatherForecast)) == 2
        row = session.scalars(select(rm.WeatherForecast).where(rm.WeatherForecast.date == NO_FLY[0])).one()
        assert (row.wind_m_s, row.no_fly) == (11.0, True)
    bad = _forecast(tmp_path / "bad.csv", [(NO_FLY[0], "Nowhere", "no", 1.0)])
    r = runner.invoke(app, ["schedule", "weather", "import", str(bad)])
    assert r.exit_code == 2 and "Nowhere" in r.output


def test_stored_cloud_cover_reaches_the_plans_measuring_score(registry, tmp_path):
    # issue 13: the registry's forecast keeps cloud cover, so a plan from the registry scores it
    # (measuring.py, DL/T 664-2016 §4.3) instead of taking it as unknown
    overcast, clear = date(2026, 11, 2), date(2026, 11, 3)
    path = tmp_path / "wx.csv"
    path.write_text("day,area,rain,wind_m_s,cloud_pct\n"
                    f"{overcast},Area 1,no,2.0,100\n{clear},Area 1,no,2.0,0\n", encoding="utf-8")
    assert _import(path)["created"] == 2
    with registry() as session:
        stored = {w.date: w.cloud_pct for w in session.scalars(select(rm.WeatherForecast))}
        assert stored == {overcast: 100.0, clear: 0.0}
        assert {w.day: w.cloud_pct for w in service.load_weather(session)} == stored
    summary = _plan(tmp_path)
    with registry() as session:
        plan = service.load_plan(session, summary["plan_id"])
    scores = {cd.day: cd.score for cd in plan.crew_days}
    assert scores[overcast] == 1.0  # full cloud: no sun on the target all day
    assert scores.get(clear, 0.0) < 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("day,area,rain,wind_m_s,cloud_pct\n2026-11-04,Area 1,no,2.0,120\n", encoding="utf-8")
    r = runner.invoke(app, ["schedule", "weather", "import", str(bad)])
    assert r.exit_code == 2 and "120" in r.output and "bad.csv" in r.output
