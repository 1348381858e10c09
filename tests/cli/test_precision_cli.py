"""``irpatrol defects transition --verdict`` and ``irpatrol stats --json``'s ``auto_precision``
(issue 10, item 6) on a simulated flight ingested end to end."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from irpatrol import db

PG_ENV = "IRPATROL_TEST_POSTGRES_URL"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    """The app on a fresh SQLite database under tmp_path (settings cache cleared)."""
    from irpatrol.config import get_settings

    for k in list(os.environ):
        if k.startswith("IRPATROL_") and k != PG_ENV:
            monkeypatch.delenv(k)
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    db._ENGINES.clear()
    yield CliRunner()
    for eng in db._ENGINES.values():
        eng.dispose()
    db._ENGINES.clear()
    get_settings.cache_clear()


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    from irpatrol.cli.main import app

    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.slow
def test_verdicts_from_the_cli_make_the_precision_in_stats_json(runner: CliRunner, tmp_path: Path) -> None:
    from irpatrol.simulate.flight import line_of_poles

    csv = tmp_path / "poles.csv"
    csv.write_text(
        "feeder,pole,lat,lon\n" + "".join(f"F1,{p.number},{p.lat},{p.lon}\n" for p in line_of_poles(6))
    )
    assert invoke(runner, "assets", "import", str(csv), "--json")[0] == 0
    flight = tmp_path / "flight"
    args = ["simulate", "flight", "--feeder", "F1", "--out", str(flight), "--width", "320", "--height", "256"]
    code, _, err = invoke(
        runner, *args, "--hot", "2:parallel-groove-clamp:40", "--hot", "5:parallel-groove-clamp:40"
    )
    assert code == 0, err
    code, out, err = invoke(runner, "ingest", str(flight), "--feeder", "F1", "--date", "2026-07-15", "--json")
    assert code == 0, err
    assert json.loads(out)["defects_opened"] == 2

    before = json.loads(invoke(runner, "stats", "--json")[1])["auto_precision"]
    assert before["overall"]["precision"] is None and before["overall"]["decided"] == 0
    assert before["overall"]["pending"] >= 2

    listing = json.loads(invoke(runner, "defects", "list", "--sort", "pole", "--json")[1])["items"]
    real, glint = (str(d["id"]) for d in listing)
    code, _, err = invoke(runner, "defects", "transition", glint, "rejected", "--reason", "sun on the clamp")
    assert code == 2 and "needs a verdict" in err
    code, _, err = invoke(runner, "defects", "transition", glint, "rejected", "--verdict", "nonsense")
    assert code == 2 and "unknown verdict" in err
    reject = ["defects", "transition", glint, "rejected", "--verdict", "reflection", "--user", "ana"]
    code, out, err = invoke(runner, *reject, "--json")
    assert code == 0 and json.loads(out)["status"] == "rejected", err
    assert invoke(runner, "defects", "transition", real, "confirmed", "--user", "ana")[0] == 0

    shown = {d: json.loads(invoke(runner, "defects", "show", d, "--json")[1]) for d in (real, glint)}
    assert {f["verdict"] for f in shown[real]["findings"]} == {"real"}
    assert {f["verdict"] for f in shown[glint]["findings"]} == {"reflection"}
    n_real, n_glint = len(shown[real]["findings"]), len(shown[glint]["findings"])

    code, out, err = invoke(runner, "stats", "--json")
    assert code == 0, err
    s = json.loads(out)
    ap = s["auto_precision"]
    assert ap["overall"]["precision"] == round(n_real / (n_real + n_glint), 4)
    assert (ap["overall"]["real"], ap["overall"]["decided"], ap["overall"]["pending"]) == (
        n_real,
        n_real + n_glint,
        0,
    )
    assert ap["overall"]["rejected_by_reason"]["reflection"] == n_glint
    assert set(ap["by_device"]) == {"parallel-groove-clamp"}
    assert [(p["date"], p["decided"]) for p in ap["by_patrol"]] == [("2026-07-15", n_real + n_glint)]
    for key in ("images", "rejected", "findings", "defects", "poles_inspected", "km_flown", "coverage_pct"):
        assert key in s  # the keys of before stay
    code, out, _ = invoke(runner, "stats")
    assert code == 0 and "auto precision" in out and f"{n_real} real of {n_real + n_glint} decided" in out
    older = json.loads(invoke(runner, "stats", "--period", "2025", "--json")[1])["auto_precision"]
    assert older["overall"]["decided"] == 0 and older["by_patrol"] == []
