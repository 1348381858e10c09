"""Registry and simulate commands end to end, including an ingest killed with SIGKILL and restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from database import PG_ENV, PG_MARKS, postgres_schema
from irpatrol import db
from irpatrol.scheduling.core.county import generate

ROOT = Path(__file__).resolve().parents[2]
IRPATROL = str(Path(sys.executable).parent / "irpatrol")


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgres", marks=PG_MARKS)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a fresh database: a SQLite file under a temporary data folder, or a new
    PostgreSQL schema (dropped afterwards)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("IRPATROL_") or k == PG_ENV}
    e["IRPATROL_DATA_DIR"] = str(tmp_path / "data")
    if request.param == "sqlite":
        yield e
        return
    with postgres_schema("irp_cli") as url:
        e["IRPATROL_DATABASE_URL"] = url
        yield e


def url_of(e: dict[str, str]) -> str:
    return e.get("IRPATROL_DATABASE_URL") or f"sqlite:///{e['IRPATROL_DATA_DIR']}/irpatrol.sqlite"


def cli(e: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([IRPATROL, *args], env=e, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"irpatrol {' '.join(args)} → {proc.returncode}\n{proc.stderr}")
    return proc


def counts(url: str, engine: sa.Engine | None = None) -> tuple[int, int, int, int]:
    """Rows in the image, finding, defect and defect_event tables (over ``engine`` if given)."""
    eng = engine or db.make_engine(url)
    try:
        with eng.connect() as conn:
            return tuple(  # type: ignore[return-value]
                int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                for t in ("image", "finding", "defect", "defect_event")
            )
    finally:
        if engine is None:
            eng.dispose()


def prepare(url: str, tmp: Path, poles: int = 30) -> Path:
    """A migrated database at ``url`` with feeder F1 of ``poles`` poles, and a simulated flight over it
    (2 images per pole, three hot clamps)."""
    from irpatrol.registry.assets import import_assets
    from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight

    spots = line_of_poles(poles)
    csv = tmp / "poles.csv"
    csv.write_text("feeder,pole,lat,lon\n" + "".join(f"F1,{p.number},{p.lat},{p.lon}\n" for p in spots))
    db.upgrade(url)
    eng = db.make_engine(url)
    with db.session_factory(eng)() as session:
        import_assets(session, csv)
        session.commit()
    eng.dispose()
    out = tmp / "flight"
    if not out.exists():
        hot = [
            HotSpec("3", "parallel-groove-clamp", 30, "B"),
            HotSpec("12", "parallel-groove-clamp", 60),
            HotSpec("25", "parallel-groove-clamp", 12, "C"),
        ]
        numbers = {p.number for p in spots}
        hot = [h for h in hot if h.pole in numbers]
        write_flight(out, "F1", spots, FlightSpec(width=320, height=256, images_per_pole=2), hot)
    return out


@pytest.mark.slow
def test_ingest_killed_with_sigkill_and_restarted_ends_like_an_uninterrupted_run(
    env: dict[str, str], tmp_path: Path
) -> None:
    url = url_of(env)
    flight = prepare(url, tmp_path)
    n_images = len(list(flight.glob("*.tiff")))
    args = ["ingest", str(flight), "--feeder", "F1", "--date", "2026-07-15", "--crew", "C1", "--quiet"]

    # The ingest writes its 60 images in about 0.6 s once its workers are up, so a watcher that loses
    # the processor for that long (two test workers and the ingest's pool on two cores) would see the
    # run complete: the ingest runs at a lower priority (nice 5) and the watcher keeps one connection open.
    # (nice executes the command in its own process: proc.pid is the ingest's)
    proc = subprocess.Popen(["nice", "-n", "5", IRPATROL, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    watcher = db.make_engine(url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if counts(url, watcher)[0] >= 3:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "ingest finished before it could be killed; use a larger flight"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        watcher.dispose()
    assert proc.returncode == -signal.SIGKILL
    interrupted = counts(url)[0]
    assert 0 < interrupted < n_images
    cli(env, *args)  # start again: finishes the job
    after_restart = counts(url)

    reference = reference_counts(tmp_path, flight, 30)  # the same flight, uninterrupted
    assert after_restart == reference
    assert reference[0] == n_images and reference[2] == 3


# --- in-process commands (CliRunner) ---------------------------------------------------------------


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


def test_asset_import_error_is_one_line_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("feeder,pole,lat,lon\nF1,1,30,120\nF1,2,north,120\n")
    code, out, err = invoke(runner, "assets", "import", str(bad))
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "bad.csv: line 3, field lat: 'north' is not a number" in err


def test_defect_and_hazard_commands(runner: CliRunner, tmp_path: Path) -> None:
    from irpatrol.simulate.flight import line_of_poles

    csv = tmp_path / "poles.csv"
    csv.write_text(
        "feeder,pole,lat,lon\n" + "".join(f"F1,{p.number},{p.lat},{p.lon}\n" for p in line_of_poles(6))
    )
    assert invoke(runner, "assets", "import", str(csv), "--json")[0] == 0
    flight = tmp_path / "flight"
    code, _, err = invoke(
        runner,
        "simulate",
        "flight",
        "--feeder",
        "F1",
        "--out",
        str(flight),
        "--width",
        "320",
        "--height",
        "256",
        "--hot",
        "4:parallel-groove-clamp:40",
    )
    assert code == 0, err
    code, out, err = invoke(
        runner, "ingest", str(flight), "--feeder", "F1", "--date", "2026-07-15", "--workers", "1", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["analysed"] == 6 and result["defects_opened"] == 1

    code, out, _ = invoke(runner, "defects", "list", "--json")
    listing = json.loads(out)
    assert listing["total"] == 1 and listing["items"][0]["pole"] == "4"
    defect_id = str(listing["items"][0]["id"])
    code, out, err = invoke(runner, "defects", "transition", defect_id, "rejected")
    assert code == 2 and "reason is required" in err
    code, out, err = invoke(
        runner, "defects", "transition", defect_id, "confirmed", "--user", "ana", "--json"
    )
    assert code == 0 and json.loads(out)["status"] == "confirmed"
    code, out, _ = invoke(runner, "defects", "show", defect_id, "--json")
    shown = json.loads(out)
    assert [e["to"] for e in shown["events"] if e["event"] == "status"] == ["new", "confirmed"]
    assert shown["events"][-1]["user"] == "ana" and len(shown["findings"]) == 1
    assert invoke(runner, "defects", "show", "999")[0] == 3  # NotFound

    code, out, err = invoke(
        runner,
        "hazards",
        "add",
        "--kind",
        "vegetation",
        "--feeder",
        "F1",
        "--pole",
        "2",
        "--clearance",
        "1.0",
        "--required",
        "1.5",
        "--json",
    )
    assert code == 0, err
    hazard = json.loads(out)
    assert hazard["grade"] == "serious" and hazard["status"] == "open"
    shown = json.loads(invoke(runner, "hazards", "show", str(hazard["id"]), "--json")[1])
    assert "mitigation_scheduled" in shown["allowed"] and shown["clearance_m"] == 1.0
    code, out, _ = invoke(runner, "hazards", "transition", str(hazard["id"]), "cleared", "--json")
    assert json.loads(out)["status"] == "cleared"
    assert json.loads(invoke(runner, "hazards", "list", "--json")[1])["total"] == 1

    code, out, _ = invoke(runner, "stats", "--json")
    s = json.loads(out)
    for key in ("images", "rejected", "findings", "defects", "poles_inspected", "km_flown", "coverage_pct"):
        assert key in s
    assert (s["images"], s["defects"], s["poles_inspected"], s["coverage_pct"]) == (6, 1, 6, 100.0)
    code, out, _ = invoke(runner, "stats", "--period", "2026", "--feeder", "F1", "--json")
    assert json.loads(out)["previous_year"]["images"] == 0


def test_simulate_county_fills_the_registry(runner: CliRunner) -> None:
    code, out, err = invoke(
        runner,
        "simulate",
        "county",
        "--poles",
        "100",
        "--feeders",
        "4",
        "--areas",
        "2",
        "--crews",
        "3",
        "--seed",
        "1",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "areas": 2,
        "feeders": 4,
        "poles": 100,
        "poles_created": 100,
        "crews": 3,
        "pilots": 6,
        "drones": 3,
        "takeoffs": len(generate(100, 4, 2, 3, seed=1).takeoffs),
        "forecast_days": 50,
    }
    code, out, _ = invoke(runner, "stats", "--json")
    assert json.loads(out)["coverage_pct"] == 0.0


def test_db_upgrade_and_current(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "db", "upgrade")
    assert code == 0 and "revision" in out
    assert invoke(runner, "db", "current")[1].strip() == db.head_revision()


def reference_counts(tmp_path: Path, flight: Path, poles: int) -> tuple[int, int, int, int]:
    """Counts of one uninterrupted, single-process ingest of ``flight`` into a fresh SQLite file."""
    from irpatrol.config import Settings
    from irpatrol.ingest import ingest_folder

    ref_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    prepare(ref_url, tmp_path, poles=poles)
    eng = db.make_engine(ref_url)
    ingest_folder(
        db.session_factory(eng),
        flight,
        feeder="F1",
        date="2026-07-15",
        crew="C1",
        workers=1,
        settings=Settings(data_dir=tmp_path),
    )
    eng.dispose()
    return counts(ref_url)


@pytest.mark.slow
def test_two_ingests_of_the_same_flight_at_once_count_like_one(env: dict[str, str], tmp_path: Path) -> None:
    url = url_of(env)
    flight = prepare(url, tmp_path, poles=15)
    args = [
        "ingest",
        str(flight),
        "--feeder",
        "F1",
        "--date",
        "2026-07-15",
        "--crew",
        "C1",
        "--quiet",
        "--workers",
        "1",
    ]
    procs = [
        subprocess.Popen(
            [IRPATROL, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    together = counts(url)
    assert together == reference_counts(tmp_path, flight, 15)
    assert (together[0], together[2]) == (30, 2)  # 15 poles × 2 images; hot clamps on poles 3 and 12
    eng = db.make_engine(url)
    with eng.connect() as conn:
        patrols = conn.execute(sa.text("SELECT count(*) FROM patrol")).scalar()
    eng.dispose()
    assert patrols == 1


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (24, 16), colour).save(buf, "JPEG")
    return buf.getvalue()


def test_manual_defect_with_photo(runner: CliRunner, tmp_path: Path) -> None:
    """``defects add --photo`` copies the photo into the store under the data folder (by SHA-256)."""
    import hashlib

    csv = tmp_path / "poles.csv"
    csv.write_text("feeder,pole,lat,lon\nF1,1,30.0,120.0\n")
    assert invoke(runner, "assets", "import", str(csv))[0] == 0
    photo = tmp_path / "crack.jpg"
    photo.write_bytes(_jpeg((120, 90, 60)))
    code, out, err = invoke(
        runner,
        "defects",
        "add",
        "--feeder",
        "F1",
        "--pole",
        "1",
        "--grade",
        "serious",
        "--kind",
        "structural",
        "--description",
        "cracked crossarm",
        "--photo",
        str(photo),
        "--photo",
        str(photo),
        "--user",
        "pilot1",
        "--json",
    )
    assert code == 0, err
    d = json.loads(out)
    assert (d["kind"], d["status"], d["grade"]) == ("structural", "new", "serious") and d["deadline"]
    shown = json.loads(invoke(runner, "defects", "show", str(d["id"]), "--json")[1])
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert [p["path"] for p in shown["photos"]] == [f"photos/{sha[:2]}/{sha}.jpg"], "stored once, one photo"
    stored = tmp_path / "data" / shown["photos"][0]["path"]
    assert stored.read_bytes() == photo.read_bytes() and shown["events"][0]["user"] == "pilot1"
    code, _, err = invoke(runner, "defects", "add", "--feeder", "F1", "--pole", "9", "--grade", "serious")
    assert code == 3 and "no pole '9'" in err
    code, _, err = invoke(
        runner, "defects", "add", "--feeder", "F1", "--pole", "1", "--grade", "serious", "--photo", str(csv)
    )
    assert code == 2 and "not a photo" in err
    assert json.loads(invoke(runner, "defects", "list", "--json")[1])["total"] == 1, "nothing recorded"


def test_manual_hazard_with_photos(runner: CliRunner, tmp_path: Path) -> None:
    """``hazards add --photo`` goes through the photo store: files under data/photos, deduplicated
    with the photos already kept for a defect."""
    csv = tmp_path / "poles.csv"
    csv.write_text("feeder,pole,lat,lon\nF1,1,30.0,120.0\n")
    assert invoke(runner, "assets", "import", str(csv))[0] == 0
    tree, copy, wide = tmp_path / "tree.jpg", tmp_path / "tree-copy.jpg", tmp_path / "wide.jpg"
    tree.write_bytes(_jpeg((20, 160, 40)))
    copy.write_bytes(tree.read_bytes())
    wide.write_bytes(_jpeg((200, 200, 250)))
    code, out, err = invoke(
        runner, "defects", "add", "--feeder", "F1", "--pole", "1", "--grade", "general",
        "--photo", str(tree), "--json",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = invoke(
        runner, "hazards", "add", "--kind", "vegetation", "--lat", "30.001", "--lon", "120.001",
        "--grade", "serious", "--photo", str(copy), "--photo", str(wide), "--json",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(invoke(runner, "hazards", "show", str(json.loads(out)["id"]), "--json")[1])
    paths = [p["path"] for p in shown["photos"]]
    assert len(paths) == 2 and all(p.startswith("photos/") and p.endswith(".jpg") for p in paths)
    stored = sorted((tmp_path / "data" / "photos").rglob("*.jpg"))
    assert len(stored) == 2, "the copy of the defect's photo is not stored again"
    assert {p.read_bytes() for p in stored} == {tree.read_bytes(), wide.read_bytes()}
