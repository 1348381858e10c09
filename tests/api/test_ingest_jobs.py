"""Upload → ingest job → progress → records, over HTTP; and two ``irpatrol worker`` processes on
PostgreSQL ingesting the same flight with the same counts as one run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.ingest import ingest_folder, jobs
from irpatrol.registry import assets
from irpatrol.registry.model import Defect, Finding, Image, Job
from irpatrol.simulate.flight import VISIBLE_SUFFIX, FlightSpec, HotSpec, PoleSpot, write_flight

FEEDER = "F-API"
POLES = 4
HOT = "N2:parallel-groove-clamp:40"
ASSET_CSV = "feeder,pole,lat,lon\n" + "".join(
    f"{FEEDER},N{i},{30.1000 + i * 0.0008:.6f},{120.2000 + i * 0.0005:.6f}\n" for i in range(1, POLES + 1)
)
FLIGHT_DATE = "2026-07-14"


def write_simulated_flight(settings: Settings, out: Path, per_pole: int = 1) -> None:
    """What ``irpatrol simulate flight --feeder FEEDER --out OUT --hot HOT --width 320 --height 256
    --per-pole PER_POLE`` writes, in this process (the command itself is tested in tests/cli; a
    command's start costs 3–6 s): the feeder's poles as ``settings``' registry holds them."""
    with db.session_scope(settings) as session:
        feeder = assets.get_feeder(session, FEEDER)
        spots = [PoleSpot(p.number, p.lat, p.lon) for p in assets.feeder_poles(session, feeder.id)]
    spec = FlightSpec(width=320, height=256, images_per_pole=per_pole).check()
    write_flight(out, FEEDER, spots, spec, [HotSpec.parse(HOT)])


def simulated_flight(settings: Settings, out: Path) -> list[Path]:
    """A small flight over :data:`FEEDER` (assets must be in the registry) with one hot clamp."""
    write_simulated_flight(settings, out)
    files = sorted(p for p in out.iterdir()  # the thermal images: one job item each (visible photos: none)
                   if p.suffix.lower() in (".tif", ".tiff", ".jpg") and not p.name.endswith(VISIBLE_SUFFIX))
    assert len(files) >= POLES
    return files


def counts(settings: Settings) -> dict[str, int]:
    with db.session_scope(settings) as session:
        return {
            "images": session.scalar(select(func.count(Image.id))) or 0,
            "findings": session.scalar(select(func.count(Finding.id))) or 0,
            "defects": session.scalar(select(func.count(Defect.id))) or 0,
        }


def wait_for_job(client: TestClient, job_id: int, headers: dict[str, str], timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


@dataclass
class Api:
    """A client of an app over its own SQLite database, and a header per role."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    settings: Settings


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, backend_maker: Callable) -> Iterator[Api]:
    """A fresh SQLite app (in-process job runner) with a user per role."""
    from irpatrol.api.app import create_app
    from irpatrol.registry import auth

    gen = backend_maker("sqlite", tmp_path_factory.mktemp("ingest-api"))
    backend = next(gen)
    with db.session_scope(backend.settings) as session:
        for role in auth.ROLES:
            auth.add_user(session, f"{role}-i", role=role, password="ingest-password")
    with TestClient(create_app(backend.settings)) as client:
        headers = {}
        for role in auth.ROLES:
            tok = client.post("/auth/token", data={"username": f"{role}-i", "password": "ingest-password"})
            headers[role] = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        yield Api(client, headers, backend.settings)
    gen.close()


@pytest.mark.slow
def test_upload_ingest_and_follow_the_job(api: Api, tmp_path: Path) -> None:
    client, headers, settings = api.client, api.headers, api.settings
    r = client.post(
        "/assets/import", files={"file": ("poles.csv", ASSET_CSV, "text/csv")}, headers=headers["admin"]
    )
    assert r.status_code == 200, r.text
    assert r.json()["summary"]["poles_created"] == POLES

    files = simulated_flight(settings, tmp_path / "flight")
    upload = [("files", (p.name, p.read_bytes(), "image/tiff")) for p in files]
    r = client.post("/images", files=upload, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    batch = r.json()
    assert [f["name"] for f in batch["files"]] == [p.name for p in files]

    body = {"batch": batch["batch"], "feeder": FEEDER, "date": FLIGHT_DATE, "crew": "crew-1"}
    assert client.post("/ingest", json=body, headers=headers["pilot"]).status_code == 403
    r = client.post("/ingest", json=body, headers=headers["analyst"])
    assert r.status_code == 202, r.text
    job = wait_for_job(client, r.json()["id"], headers["viewer"])
    assert job["status"] == "done", job
    assert job["done"] == job["total"] == len(files)
    assert job["result"]["analysed"] + job["result"]["rejected"] == len(files)
    assert not (settings.data_dir / "uploads" / batch["batch"]).exists(), "the store has the images"
    assert client.post("/ingest", json=body, headers=headers["analyst"]).status_code == 422  # gone

    images = client.get("/images", params={"per_page": 100}, headers=headers["viewer"]).json()
    assert images["total"] == len(files)
    hot = client.get("/defects", params={"feeder": FEEDER}, headers=headers["viewer"]).json()
    assert hot["total"] >= 1
    assert {d["pole"] for d in hot["items"]} == {"N2"}
    stats = client.get("/stats", params={"feeder": FEEDER}, headers=headers["viewer"]).json()
    assert stats["images"] == len(files) and stats["defects"] == hot["total"]

    image_id = images["items"][0]["id"]
    detail = client.get(f"/images/{image_id}", headers=headers["viewer"]).json()
    assert detail["params"] and all("grade" in f for f in detail["findings"])
    png = client.get(f"/images/{image_id}/thermal.png", headers=headers["viewer"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"

    defect_id = hot["items"][0]["id"]
    finding = client.get("/findings", params={"defect_id": defect_id}, headers=headers["viewer"]).json()[
        "items"
    ][0]
    r = client.post(
        f"/findings/{finding['id']}/recompute", json={"emissivity": 0.7}, headers=headers["analyst"]
    )
    assert r.status_code == 200, r.text
    assert r.json()["t_max_c"] > finding["t_max_c"]  # less emissive: the same signal means a hotter clamp
    timeline = client.get(f"/defects/{defect_id}", headers=headers["viewer"]).json()["events"]
    assert "recomputed" in (timeline[-1]["comment"] or "") and timeline[-1]["user"] == "analyst-i"

    before = counts(settings)
    r = client.post("/images", files=upload, headers=headers["pilot"])  # the same files once more
    body["batch"] = r.json()["batch"]
    r = client.post("/ingest", json=body, headers=headers["analyst"])
    again = wait_for_job(client, r.json()["id"], headers["viewer"])
    assert again["status"] == "done" and again["result"]["skipped"] == len(files)
    assert counts(settings) == before
    assert not (settings.data_dir / "uploads" / body["batch"]).exists()


@pytest.mark.slow
def test_a_failed_upload_job_keeps_the_batch_for_a_retry(api: Api, tmp_path: Path) -> None:
    """An upload batch whose job fails stays on disk; the retry ingests it and then deletes it.
    A folder that is not an upload batch is never deleted."""
    from irpatrol.api.uploads import batch_folder

    client, headers, settings = api.client, api.headers, api.settings
    r = client.post(
        "/assets/import", files={"file": ("poles.csv", ASSET_CSV, "text/csv")}, headers=headers["admin"]
    )
    assert r.status_code == 200, r.text
    files = simulated_flight(settings, tmp_path / "flight")[:2]
    upload = [("files", (p.name, p.read_bytes(), "image/tiff")) for p in files]
    r = client.post("/images", params={"batch": "retry-me"}, files=upload, headers=headers["pilot"])
    assert r.status_code == 201, r.text
    folder = batch_folder(settings.data_dir, "retry-me")
    with db.session_scope(settings) as session:  # the feeder is deleted before the job runs
        job_id = jobs.create_ingest_job(
            session, folder=folder, feeder="NO-SUCH", date=date.fromisoformat(FLIGHT_DATE), upload=True
        ).id
    jobs.run_ingest_job(db.session_factory(db.engine_for(settings)), job_id, settings)
    failed = client.get(f"/jobs/{job_id}", headers=headers["viewer"]).json()
    assert failed["status"] == "failed" and "NO-SUCH" in failed["error"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in files)

    body = {"batch": "retry-me", "feeder": FEEDER, "date": FLIGHT_DATE}
    r = client.post("/ingest", json=body, headers=headers["analyst"])
    assert r.status_code == 202, r.text
    job = wait_for_job(client, r.json()["id"], headers["viewer"])
    assert job["status"] == "done" and job["done"] == len(files), job
    assert not folder.exists()

    kept = settings.data_dir / "flights" / "kept"  # ingested by folder, not uploaded: left alone
    kept.mkdir(parents=True)
    (kept / files[0].name).write_bytes(files[0].read_bytes())
    by_folder = {**body, "batch": None, "folder": "flights/kept"}
    r = client.post("/ingest", json=by_folder, headers=headers["analyst"])
    assert wait_for_job(client, r.json()["id"], headers["viewer"])["status"] == "done"
    assert [p.name for p in kept.iterdir()] == [files[0].name]


def test_upload_beyond_the_limit_is_413_and_leaves_nothing(
    api: Api,
) -> None:
    client, headers, settings = api.client, api.headers, api.settings
    big = b"\0" * (settings.upload_limit_bytes + 1)
    r = client.post(
        "/images", params={"batch": "too-big"}, files={"files": ("big.tif", big)}, headers=headers["pilot"]
    )
    assert r.status_code == 413
    folder = settings.data_dir / "uploads" / "too-big"
    assert not folder.exists() or not any(folder.iterdir())


def test_ingest_refuses_folders_outside_the_data_folder(
    api: Api,
) -> None:
    client, headers = api.client, api.headers
    body = {"folder": "../../etc", "feeder": FEEDER, "date": FLIGHT_DATE}
    r = client.post("/ingest", json=body, headers=headers["analyst"])
    assert r.status_code == 422
    assert "outside the data folder" in r.json()["detail"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.xdist_group("postgres")
def test_two_workers_on_postgresql_count_like_one_run(tmp_path: Path, backend_maker: Callable) -> None:
    gen = backend_maker("postgres", tmp_path / "pg")
    pg = next(gen)
    try:
        reference = Settings(data_dir=tmp_path / "ref")
        db.upgrade(reference.effective_database_url)
        for settings in (pg.settings, reference):
            with db.session_scope(settings) as session:
                assets.import_assets(session, _csv(tmp_path))
        flight = tmp_path / "flight"
        files = simulated_flight(pg.settings, flight)

        sessions = db.session_factory(db.engine_for(reference))
        ingest_folder(sessions, flight, feeder=FEEDER, date=FLIGHT_DATE, crew="crew-1", settings=reference)
        expected = counts(reference)
        assert expected["images"] == len(files) and expected["defects"] >= 1

        runner = jobs.QueueRunner(pg.settings, db.session_factory(db.engine_for(pg.settings)))
        ids = []
        with db.session_scope(pg.settings) as session:
            for _ in range(2):
                ids.append(
                    jobs.start_ingest(
                        session,
                        runner,
                        folder=flight,
                        feeder=FEEDER,
                        date=date.fromisoformat(FLIGHT_DATE),
                        crew="crew-1",
                    ).id
                )
        runner.close()
        workers = [_worker(pg.settings, f"w{i}") for i in (1, 2)]
        for w in workers:
            _, err = w.communicate(timeout=300)
            assert w.returncode == 0, err
        with db.session_scope(pg.settings) as session:
            runs = [jobs.get_job(session, i) for i in ids]
        assert [r.status for r in runs] == ["done", "done"]
        # between them the two runs recorded each file once: one did what the other had not
        assert sum(r.result["analysed"] + r.result["rejected"] for r in runs if r.result) == len(files)
        assert counts(pg.settings) == expected
    finally:
        gen.close()


def _csv(folder: Path) -> Path:
    path = folder / "poles.csv"
    path.write_text(ASSET_CSV)
    return path


def _worker(settings: Settings, name: str, *args: str, once: bool = True) -> subprocess.Popen[str]:
    """An ``irpatrol worker`` process on ``settings``' database."""
    env = dict(
        os.environ,
        IRPATROL_DATA_DIR=str(settings.data_dir),
        IRPATROL_DATABASE_URL=settings.database_url or "",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "irpatrol.cli.main",
            "worker",
            "--name",
            name,
            *(["--once"] if once else []),
            *args,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so a test can kill it with its children
    )


def test_recompute_a_finding_with_other_parameters(api: Api, samples: Path) -> None:
    client, headers = api.client, api.headers
    csv = "feeder,pole,lat,lon\nF-XT2,P1,9.972157,76.377786\n"
    r = client.post("/assets/import", files={"file": ("xt2.csv", csv, "text/csv")}, headers=headers["admin"])
    assert r.status_code == 200, r.text
    sample = samples / "dji_xt2_flir_core.jpg"
    r = client.post("/images", files={"files": (sample.name, sample.read_bytes())}, headers=headers["pilot"])
    body = {"batch": r.json()["batch"], "feeder": "F-XT2", "date": FLIGHT_DATE}
    job = wait_for_job(
        client, client.post("/ingest", json=body, headers=headers["analyst"]).json()["id"], headers["viewer"]
    )
    assert job["status"] == "done" and job["result"]["analysed"] == 1, job
    image = client.get("/images", params={"sort": "-id", "per_page": 1}, headers=headers["viewer"]).json()
    image_id = image["items"][0]["id"]
    listed = client.get(
        "/findings", params={"image_id": image_id, "sort": "-t_max_c"}, headers=headers["viewer"]
    )
    hottest = listed.json()["items"][0]

    url = f"/findings/{hottest['id']}/recompute"
    assert client.post(url, json={"emissivity": 0.5}, headers=headers["pilot"]).status_code == 403
    assert client.post(url, json={"emissivity": 1.5}, headers=headers["analyst"]).status_code == 422
    r = client.post(url, json={"emissivity": 0.5}, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["params"]["emissivity"] == 0.5
    # a lower emissivity means the same radiance came from a hotter object
    assert again["t_max_c"] > hottest["t_max_c"] + 1.0
    assert (
        client.get(f"/findings/{hottest['id']}", headers=headers["viewer"]).json()["t_max_c"]
        == again["t_max_c"]
    )


@pytest.mark.slow
def test_a_job_cut_short_is_finished_when_the_server_starts_again(
    tmp_path: Path, backend_maker: Callable
) -> None:
    from irpatrol.api.app import create_app

    gen = backend_maker("sqlite", tmp_path / "restart")
    backend = next(gen)
    settings = backend.settings
    with db.session_scope(settings) as session:
        assets.import_assets(session, _csv(tmp_path))
    flight = settings.data_dir / "flights" / "one"
    files = simulated_flight(settings, flight)
    with db.session_scope(settings) as session:
        job = jobs.create_ingest_job(
            session, folder=flight, feeder=FEEDER, date=date.fromisoformat(FLIGHT_DATE)
        )
        job.status = "running"  # as a killed server leaves it
        job_id = job.id
    with TestClient(create_app(settings)):
        pass  # the lifespan resumes the job; leaving it waits for the job to end
    with db.session_scope(settings) as session:
        resumed = jobs.get_job(session, job_id)
        assert resumed.status == "done", resumed.error
        assert resumed.result["analysed"] + resumed.result["rejected"] == len(files)
    gen.close()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.xdist_group("postgres")
def test_a_killed_worker_s_job_is_finished_by_another(tmp_path: Path, backend_maker: Callable) -> None:
    gen = backend_maker("postgres", tmp_path / "pg")
    pg = next(gen)
    try:
        with db.session_scope(pg.settings) as session:
            assets.import_assets(session, _csv(tmp_path))
        flight = tmp_path / "flight"
        write_simulated_flight(pg.settings, flight, per_pole=8)
        files = sorted(p for p in flight.iterdir() if p.suffix.lower() in (".tif", ".tiff"))
        runner = jobs.QueueRunner(pg.settings, db.session_factory(db.engine_for(pg.settings)))
        with db.session_scope(pg.settings) as session:
            job_id = jobs.start_ingest(
                session, runner, folder=flight, feeder=FEEDER, date=date.fromisoformat(FLIGHT_DATE)
            ).id
        runner.close()

        first = _worker(pg.settings, "doomed", once=False)
        deadline = time.monotonic() + 120
        while _job(pg.settings, job_id).done < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, mid-run: nothing cleans up
        first.communicate(timeout=30)
        assert _job(pg.settings, job_id).status == "running"

        time.sleep(2.5)  # longer than --stalled-after: the dead worker's heartbeat is older
        second = _worker(pg.settings, "rescuer", "--stalled-after", "2")
        _, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        finished = _job(pg.settings, job_id)
        assert finished.status == "done", finished.error
        assert counts(pg.settings)["images"] == len(files)
    finally:
        gen.close()


def _job(settings: Settings, job_id: int) -> Job:
    """The job row, read in a session of its own."""
    with db.session_scope(settings) as session:
        return jobs.get_job(session, job_id)
