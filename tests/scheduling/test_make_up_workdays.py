"""Make-up working days (调休上班): the bundled calendar lists them with their source status, and a
crew that works Monday–Friday works a make-up Saturday or Sunday (model.works_on)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.errors import InputError
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.county import generate
from irpatrol.scheduling.core.model import Policy, Weather, works_on
from irpatrol.scheduling.core.validator import validate
from irpatrol.scheduling.holidays import calendar_days, calendar_workdays

runner = CliRunner()
MAKE_UP_SAT = date(2026, 10, 10)  # 国庆节 调休上班 (State Council notice of 4 November 2025)


def test_the_bundled_calendar_lists_the_2026_notices_make_up_days_and_assumes_2027():
    days, rows = calendar_workdays("cn")
    official = {date.fromisoformat(r["day"]) for r in rows if r["status"] == "official"}
    assert official == {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                        date(2026, 9, 20), MAKE_UP_SAT}
    assert {r["status"] for r in rows if r["day"].startswith("2027")} == {"assumed"}
    assert all(d.weekday() >= 5 for d in days)
    assert not days & calendar_days("cn")[0]


def test_a_make_up_day_that_is_also_a_day_off_is_refused(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({"schema": "irpatrol.holidays/1",
                                "ranges": [{"from": "2026-10-01", "to": "2026-10-07"}],
                                "workdays": [{"day": "2026-10-03"}]}), encoding="utf-8")
    with pytest.raises(InputError, match="both a day off and a make-up working day"):
        calendar_workdays(str(path))


def test_works_on_follows_the_crews_week_and_the_make_up_days():
    crew = generate(40, 2, 1, 1, seed=5).crews[0]
    office = replace(crew, weekdays=(0, 1, 2, 3, 4))
    weekend = replace(crew, weekdays=(5, 6))
    plain = Policy(start=MAKE_UP_SAT, deadline=MAKE_UP_SAT)
    made_up = replace(plain, workdays=frozenset({MAKE_UP_SAT}))
    assert not works_on(office, MAKE_UP_SAT, plain)
    assert works_on(office, MAKE_UP_SAT, made_up)
    assert works_on(weekend, MAKE_UP_SAT, made_up)  # works Saturdays anyway
    assert not works_on(replace(crew, weekdays=(6,)), MAKE_UP_SAT, made_up)  # a Sunday-only crew
    assert not works_on(office, date(2026, 10, 5), replace(made_up, holidays=frozenset({date(2026, 10, 5)})))


def test_the_campaign_flies_a_make_up_saturday_only_when_the_calendar_says_so():
    county = generate(40, 2, 1, 1, seed=5, start=MAKE_UP_SAT, days=1)
    calm = tuple(Weather(MAKE_UP_SAT, a.id, wind_m_s=2.0, cloud_pct=80.0) for a in county.areas)
    county = replace(county, crews=tuple(replace(c, weekdays=(0, 1, 2, 3, 4)) for c in county.crews),
                     weather=calm)
    plain = Policy(start=MAKE_UP_SAT, deadline=MAKE_UP_SAT)
    assert plan_campaign(county, plain, time_limit_s=0.0).crew_days == ()
    made_up = replace(plain, workdays=calendar_workdays("cn")[0])
    plan = plan_campaign(county, made_up, time_limit_s=0.0)
    assert {cd.day for cd in plan.crew_days} == {MAKE_UP_SAT}
    assert plan.figures.planned_poles == 40
    assert validate(plan, county, made_up) == []
    assert [v.kind for v in validate(plan, county, plain)] == ["not-working"] * len(plan.crew_days)


def test_the_plan_command_reads_make_up_days_from_the_calendar_and_the_option(tmp_path):
    county = tmp_path / "county.json"
    r = runner.invoke(app, ["schedule", "county", "--poles", "40", "--feeders", "2", "--areas", "1",
                            "--crews", "1", "--seed", "5", "--start", "2026-10-10", "--days", "1",
                            "--out", str(county)])
    assert r.exit_code == 0, r.output
    doc = json.loads(county.read_text(encoding="utf-8"))
    for k in doc["crews"]:
        k["weekdays"] = [0, 1, 2, 3, 4]
    for w in doc["weather"]:
        w.update(rain=False, wind_m_s=2.0)
    county.write_text(json.dumps(doc), encoding="utf-8")

    def plan(*extra):
        out = tmp_path / "plan.json"
        r = runner.invoke(app, ["schedule", "plan", "--county", str(county), "--from", "2026-10-10",
                                "--deadline", "2026-10-10", "--time-limit", "0", "--json",
                                "--out", str(out), *extra])
        return r, (json.loads(out.read_text(encoding="utf-8")) if out.exists() else None)

    r, p = plan()  # bundled calendar: 2026-10-10 is a make-up working day
    assert r.exit_code == 0, r.output
    assert {cd["day"] for cd in p["crew_days"]} == {"2026-10-10"}
    r, _ = plan("--holidays", "none")
    assert r.exit_code == 3  # an ordinary Saturday: nobody works, the deadline is missed
    r, p = plan("--holidays", "none", "--workday", "2026-10-10")
    assert r.exit_code == 0 and p["crew_days"]
    r, _ = plan("--workday", "2026-10-32")
    assert r.exit_code == 2 and "--workday" in r.output
