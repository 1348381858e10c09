"""``schedule plan`` says it loudly when the deadline cannot be met (exit 3, shortfall, earliest
finish, what would meet it), states its weather assumptions, reads holiday ranges and the bundled
calendar, and gives byte-identical plans for the same seed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.scheduling.holidays import calendar_days

runner = CliRunner()


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("short") / "county.json"
    r = runner.invoke(app, ["schedule", "county", "--poles", "600", "--feeders", "6", "--areas", "2",
                            "--crews", "2", "--seed", "5", "--days", "10", "--out", str(path)])
    assert r.exit_code == 0, r.output
    return path


def _plan(county: Path, out: Path, *extra: str):
    return runner.invoke(app, ["schedule", "plan", "--county", str(county), "--from", "2026-11-02",
                               "--out", str(out), "--json", "--iterations", "50", *extra])


def test_an_unmeetable_deadline_exits_3_with_the_shortfall(county, tmp_path):
    r = _plan(county, tmp_path / "p.json", "--deadline", "2026-11-06")
    assert r.exit_code == 3, r.output
    s = json.loads(r.stdout)
    short = s["shortfall"]
    assert short["poles"] == s["unplanned_poles"] > 0
    assert short["feeders"] and set(short["areas"]) <= {"A1", "A2"}
    assert short["earliest_finish"] > "2026-11-06"
    assert short["to_meet"]["crews"] > 2 and short["to_meet"]["days_after_deadline"] > 0
    assert s["finish_date"] is None
    assert "SHORTFALL" in r.stderr and "earliest feasible finish" in r.stderr
    # the earliest finish is met when the deadline is moved there
    again = _plan(county, tmp_path / "q.json", "--deadline", short["earliest_finish"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["finish_date"] <= short["earliest_finish"]


def test_a_met_deadline_states_finish_and_weather(county, tmp_path):
    r = _plan(county, tmp_path / "p.json", "--deadline", "2027-02-04")
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["finish_date"] == s["last_day"] and "shortfall" not in s
    w = s["weather"]
    assert w["forecast_until"] == "2026-11-11"  # 10 forecast days from 2026-11-02
    assert w["beyond_forecast"].startswith("climatological")
    assert all(d > "2026-11-11" for d in w["weather_unknown_days"])
    stored = json.loads((tmp_path / "p.json").read_text())
    assert stored["weather"]["forecast_until"] == "2026-11-11"
    text = runner.invoke(app, ["schedule", "plan", "--county", str(county), "--from", "2026-11-02",
                               "--deadline", "2027-02-04", "--out", str(tmp_path / "t.json"),
                               "--iterations", "50"])
    assert "finish:" in text.stdout and "forecast until 2026-11-11" in text.stdout


def test_same_seed_same_bytes(county, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        r = _plan(county, out, "--deadline", "2026-12-20", "--seed", "7")
        assert r.exit_code == 0, r.output
    assert a.read_bytes() == b.read_bytes()


def test_holiday_ranges_and_the_bundled_calendar(county, tmp_path):
    r = _plan(county, tmp_path / "p.json", "--deadline", "2026-12-20",
              "--holiday", "2026-11-09..2026-11-13", "--holidays", "none")
    assert r.exit_code == 0, r.output
    days = {cd["day"] for cd in json.loads((tmp_path / "p.json").read_text())["crew_days"]}
    assert not any("2026-11-09" <= d <= "2026-11-13" for d in days)
    off, ranges = calendar_days("cn")
    assert date(2027, 2, 6) in off  # Spring Festival 2027 (assumed range)
    assert date(2026, 10, 1) in off and date(2026, 2, 15) in off
    assert {r["status"] for r in ranges} == {"official", "assumed"}
    bad = _plan(county, tmp_path / "x.json", "--deadline", "2026-12-20",
                "--holiday", "2026-11-13..2026-11-09")
    assert bad.exit_code == 2 and "ends before it starts" in bad.output
