from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.scheduling.export.wpml import read_kmz

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("schedule")
    county = d / "county.json"
    r = runner.invoke(app, ["schedule", "county", "--poles", "600", "--feeders", "6", "--areas", "2",
                            "--crews", "3", "--seed", "4", "--out", str(county)])
    assert r.exit_code == 0, r.output
    weather = d / "weather.csv"
    weather.write_text("day,area,rain,wind_m_s\n2026-11-02,A1,yes,3\n2026-11-02,A2,no,12.5\n")
    plan = d / "plan.json"
    r = runner.invoke(app, ["schedule", "plan", "--county", str(county), "--from", "2026-11-02",
                            "--deadline", "2026-12-01", "--weather", str(weather), "--time-limit", "0.05",
                            "--json", "--out", str(plan)])
    assert r.exit_code == 0, r.output
    return {"dir": d, "county": county, "plan": plan, "plan_json": r.stdout}


def test_plan_json_summary_has_the_contract_keys(files):
    s = json.loads(files["plan_json"])
    assert {"poles", "planned_poles", "unplanned_poles", "sorties", "flight_hours", "last_day"} <= set(s)
    assert s["poles"] == s["planned_poles"] == 600 and s["unplanned_poles"] == 0
    assert s["last_day"] > "2026-11-02"


def test_show_json_lists_days_crews_and_sorties(files):
    r = runner.invoke(app, ["schedule", "show", str(files["plan"]), "--json"])
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown["days"][0]["day"] > "2026-11-02"  # the 2nd is grounded in both areas
    sortie = shown["days"][0]["crews"][0]["sorties"][0]
    assert {"poles", "takeoff", "flight_s"} <= set(sortie)
    assert all(p.startswith("F0") for p in sortie["poles"])
    total = sum(len(s["poles"]) for d in shown["days"] for c in d["crews"] for s in c["sorties"])
    assert total == 600
    text = runner.invoke(app, ["schedule", "show", str(files["plan"])])
    assert text.exit_code == 0 and "600/600 poles" in text.stdout


@pytest.mark.parametrize("fmt", ["wpml", "kml", "geojson", "ical"])
def test_missions_written_in_every_format(files, fmt):
    shown = json.loads(runner.invoke(app, ["schedule", "show", str(files["plan"]), "--json"]).stdout)
    day, crew = shown["days"][0]["day"], shown["days"][0]["crews"][0]
    out = files["dir"] / fmt
    r = runner.invoke(app, ["schedule", "missions", str(files["plan"]), "--day", day, "--crew", crew["crew"],
                            "--format", fmt, "--out", str(out)])
    assert r.exit_code == 0, r.output
    written = [Path(p) for p in json.loads(r.stdout)["files"]]
    assert written and all(p.exists() for p in written)
    if fmt == "wpml":
        assert len(written) == len(crew["sorties"])
        first = read_kmz(written[0].read_bytes())
        assert [w.pole_id for w in first] == crew["sorties"][0]["poles"]
        assert zipfile.is_zipfile(written[0])


@pytest.mark.parametrize(("args", "message"), [
    (["plan", "--from", "2026-13-01", "--deadline", "2026-12-01"], "--from"),
    (["plan", "--from", "2026-12-02", "--deadline", "2026-12-01"], "before the start"),
    (["show", "nope.json"], "file not found"),
    (["missions", "PLAN", "--day", "2026-11-02", "--crew", "nobody", "--format", "wpml"], "no plan for crew"),
    (["missions", "PLAN", "--day", "2026-11-02", "--crew", "crew-01", "--format", "pdf"], "--format"),
])
def test_bad_input_is_one_line_on_stderr(files, args, message):
    args = [str(files["plan"]) if a == "PLAN" else a for a in args]
    extra = ["--county", str(files["county"])] if args[0] == "plan" else []
    extra += ["--out", str(files["dir"] / "x")] if args[0] != "show" else []
    r = runner.invoke(app, ["schedule", *args, *extra])
    assert r.exit_code in (2, 3), r.output
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_replan_keeps_earlier_days_and_honours_done_and_priority(files):
    shown = json.loads(runner.invoke(app, ["schedule", "show", str(files["plan"]), "--json"]).stdout)
    days = [d["day"] for d in shown["days"]]
    cut = days[len(days) // 2]
    kept = [d for d in shown["days"] if d["day"] < cut]
    done = files["dir"] / "done.txt"
    extra_done = [p for d in shown["days"] if d["day"] >= cut for c in d["crews"] for s in c["sorties"]
                  for p in s["poles"]][:7]
    done.write_text("# flown outside the plan\n" + "\n".join(extra_done) + "\n")
    again = files["dir"] / "again.json"
    r = runner.invoke(app, ["schedule", "plan", "--county", str(files["county"]), "--from", cut,
                            "--deadline", "2026-12-01", "--replan", str(files["plan"]), "--done", str(done),
                            "--priority", "F002", "--time-limit", "0", "--json", "--out", str(again)])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["poles"] == 600 - 7 and s["planned_poles"] == 593 and s["start"] == "2026-11-02"
    new = json.loads(runner.invoke(app, ["schedule", "show", str(again), "--json"]).stdout)
    assert [d for d in new["days"] if d["day"] < cut] == kept
    flown = {p for d in new["days"] for c in d["crews"] for s in c["sorties"] for p in s["poles"]}
    assert not flown & set(extra_done)


def test_without_a_county_file_the_registry_is_asked(files, monkeypatch):
    import irpatrol.cli.schedule as cli

    monkeypatch.setattr(cli, "_service", lambda: None)
    r = runner.invoke(app, ["schedule", "plan", "--from", "2026-11-02", "--deadline", "2026-11-30",
                            "--out", str(files["dir"] / "r.json")])
    assert r.exit_code == 2 and "registry" in r.stderr


def test_the_cli_default_iterations_are_the_planners():
    import inspect

    from irpatrol.cli.schedule import plan
    from irpatrol.scheduling.core.campaign import ITERATIONS

    assert inspect.signature(plan).parameters["iterations"].default == ITERATIONS


def _day_and_crew(files: dict[str, Any]) -> tuple[str, str]:
    shown = json.loads(runner.invoke(app, ["schedule", "show", str(files["plan"]), "--json"]).stdout)
    return shown["days"][0]["day"], shown["days"][0]["crews"][0]["crew"]


@pytest.mark.parametrize(("fmt", "name"), [
    ("kml", "{compact}-{crew}.kml"), ("geojson", "{compact}-{crew}.geojson"), ("ical", "{crew}.ics")])
def test_mission_file_names_are_kept(files: dict[str, Any], fmt: str, name: str) -> None:
    day, crew = _day_and_crew(files)
    out = files["dir"] / f"names-{fmt}"
    r = runner.invoke(app, ["schedule", "missions", str(files["plan"]), "--day", day, "--crew", crew,
                            "--format", fmt, "--out", str(out)])
    assert r.exit_code == 0, r.output
    expected = name.format(compact=day.replace("-", ""), crew=crew)
    assert [Path(p).name for p in json.loads(r.stdout)["files"]] == [expected]


def test_a_mission_format_registered_once_is_written_by_the_cli(
    files: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from irpatrol.reports.missions import MISSION_FORMATS, CrewDayQuery, MissionFile, MissionFormat

    def sorties_csv(q: CrewDayQuery) -> list[MissionFile]:
        cd = q.plan.crew_day(q.day, q.crew) if q.day else None
        assert cd is not None
        text = "".join(f"{s.id},{len(s.pole_ids)}\n" for s in cd.sorties)
        return [MissionFile(f"{q.day}-{q.crew}.csv", "text/csv", text.encode())]

    monkeypatch.setitem(MISSION_FORMATS, "csv", MissionFormat("text/csv", sorties_csv, "{day}-{crew}.csv"))
    day, crew = _day_and_crew(files)
    out = files["dir"] / "registered"
    r = runner.invoke(app, ["schedule", "missions", str(files["plan"]), "--day", day, "--crew", crew,
                            "--format", "csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    written = [Path(p) for p in json.loads(r.stdout)["files"]]
    assert [p.name for p in written] == [f"{day}-{crew}.csv"]
    assert written[0].read_text().count("\n") >= 1
