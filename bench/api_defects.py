"""p95 latency of ``GET /defects`` with 100,000 findings in the database (issue 4 target ≤ 50 ms).

A synthetic registry is written in bulk: 40 feeders × 250 poles, one patrol, 25,000 images with
4 findings each (100,000 findings); every graded finding at a pole/component belongs to one of
~30,000 defects in all statuses, with deadlines spread a year either side of now.

Requests go over HTTP to ``irpatrol serve`` (uvicorn, one process, started by this script) from an
httpx client with keep-alive, as a viewer: routing, bearer-token check with a user lookup, the
service query and serialisation are all in the figure. Two requests are timed:

* ``first page``: ``GET /defects`` (sorted by deadline, 50 per page);
* ``filtered``: :data:`FILTERED` (two statuses, two grades, a feeder, overdue, worst grade first).

Each is warmed up 5 times then timed ``REQUESTS`` times; the table gives p50 and p95 in ms.
SQLite always; PostgreSQL when ``IRPATROL_TEST_POSTGRES_URL`` (or ``IRPATROL_BENCH_POSTGRES_URL``)
is set — in a schema of its own, dropped afterwards.

    .venv/bin/python bench/api_defects.py
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text

from irpatrol import db
from irpatrol.config import Settings
from irpatrol.registry import auth
from irpatrol.registry.model import Component, Defect, Feeder, Finding, Image, Patrol, Pole

FEEDERS = 40
POLES_PER_FEEDER = 250
IMAGES = 25_000
FINDINGS_PER_IMAGE = 4
REQUESTS = 200
TARGET_MS = 50.0
GRADES = ["none", "general", "serious", "critical"]
GRADE_WEIGHTS = [0.55, 0.25, 0.13, 0.07]
STATUSES = ["new", "confirmed", "rejected", "repair_scheduled", "repaired", "verified", "reopened"]
STATUS_WEIGHTS = [0.35, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05]
FIRST_PAGE = "/defects"
FILTERED = (
    "/defects?status=new&status=confirmed&grade=critical&grade=serious&feeder=F07&overdue=true&sort=-grade"
)
CHUNK = 5_000


def _bulk(session: db.Session, model: type, rows: list[dict]) -> None:  # type: ignore[name-defined]
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[i : i + CHUNK])


def populate(settings: Settings, seed: int = 4) -> int:
    """Write the synthetic registry; returns the number of findings."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with db.session_scope(settings) as session:
        _bulk(
            session,
            Feeder,
            [{"id": f + 1, "name": f"F{f + 1:02d}", "voltage_kv": 10.0} for f in range(FEEDERS)],
        )
        poles = []
        for f in range(FEEDERS):
            for p in range(POLES_PER_FEEDER):
                poles.append(
                    {
                        "id": f * POLES_PER_FEEDER + p + 1,
                        "feeder_id": f + 1,
                        "number": f"N{p + 1}",
                        "seq": p + 1,
                        "lat": 30.0 + f * 0.01 + p * 1e-4,
                        "lon": 120.0 + p * 1e-4,
                    }
                )
        _bulk(session, Pole, poles)
        components = [
            {
                "id": (pole["id"] - 1) * 3 + k + 1,
                "pole_id": pole["id"],
                "kind": "parallel-groove-clamp",
                "phase": ph,
            }
            for pole in poles
            for k, ph in enumerate("ABC")
        ]
        _bulk(session, Component, components)
        _bulk(session, Patrol, [{"id": 1, "key": "bench", "date": date(2026, 7, 1), "km_flown": 120.0}])
        images, findings, defects = [], [], {}
        finding_id = 0
        for i in range(IMAGES):
            pole = poles[i % len(poles)]
            images.append(
                {
                    "id": i + 1,
                    "sha256": uuid.UUID(int=rng.getrandbits(128)).hex * 2,
                    "original_name": f"IMG_{i:05d}.jpg",
                    "patrol_id": 1,
                    "status": "analysed",
                    "pole_id": pole["id"],
                    "captured_at": now - timedelta(days=rng.uniform(0, 365)),
                }
            )
            for _ in range(FINDINGS_PER_IMAGE):
                finding_id += 1
                grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
                component_id = (pole["id"] - 1) * 3 + rng.randrange(3) + 1
                t_max = rng.uniform(20, 120)
                defect_id = None
                if grade != "none":
                    key = (pole["id"], component_id)
                    if key not in defects:
                        found = now - timedelta(days=rng.uniform(0, 365))
                        defects[key] = {
                            "id": len(defects) + 1,
                            "kind": "thermal",
                            "grade": grade,
                            "status": rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                            "pole_id": pole["id"],
                            "component_id": component_id,
                            "found_at": found,
                            "deadline": found + timedelta(days=rng.choice([1, 30, 180])),
                            "last_t_max_c": t_max,
                        }
                    defect_id = defects[key]["id"]
                findings.append(
                    {
                        "id": finding_id,
                        "image_id": i + 1,
                        "pole_id": pole["id"],
                        "component_id": component_id,
                        "defect_id": defect_id,
                        "bbox_x": 10,
                        "bbox_y": 10,
                        "bbox_w": 8,
                        "bbox_h": 8,
                        "t_max_c": t_max,
                        "delta_t_k": t_max - 25.0,
                        "grade": grade,
                        "standard": "dlt664-2016",
                    }
                )
        _bulk(session, Image, images)
        _bulk(session, Defect, list(defects.values()))
        _bulk(session, Finding, findings)
        auth.add_user(session, "bench-viewer", role="viewer", password="bench-password")
    return len(findings)


def finish_load(settings: Settings) -> None:
    """After the bulk load: move PostgreSQL's id sequences past the explicit ids, and gather the
    planner statistics on both backends (``ANALYZE``, as after any bulk load; without statistics
    SQLite picks the status/grade index over the far more selective pole index)."""
    with db.session_scope(settings) as session:
        if not db.is_sqlite(settings.effective_database_url):
            for table in ("feeder", "pole", "component", "patrol", "image", "defect", "finding"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
        session.execute(text("ANALYZE"))


def timed(call: Callable[[], object], n: int) -> list[float]:
    """Milliseconds of ``n`` calls after 5 warm-up calls."""
    for _ in range(5):
        call()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=100)[94]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """``irpatrol serve`` over ``settings`` in a subprocess; yields its base URL."""
    port = free_port()
    env = dict(os.environ, IRPATROL_DATA_DIR=str(settings.data_dir))
    if settings.database_url:
        env["IRPATROL_DATABASE_URL"] = settings.database_url
    else:
        env.pop("IRPATROL_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "irpatrol.cli.main", "serve", "--port", str(port), "--no-upgrade",
           "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"irpatrol serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(name: str, settings: Settings) -> list[str]:
    """Populate, then time both requests; table rows for ``name``."""
    db.upgrade(settings.effective_database_url)
    t0 = time.perf_counter()
    n = populate(settings)
    finish_load(settings)
    setup_s = time.perf_counter() - t0
    rows = []
    with served(settings) as base, httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/auth/token", data={"username": "bench-viewer", "password": "bench-password"})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        for label, url in (("first page", FIRST_PAGE), ("filtered", FILTERED)):
            first = client.get(url)
            assert first.status_code == 200, first.text
            body = first.json()

            def call(url: str = url) -> None:
                r = client.get(url)
                if r.status_code != 200:
                    raise SystemExit(f"{url}: {r.status_code} {r.text}")

            ms = timed(call, REQUESTS)
            verdict = "ok" if p95(ms) <= TARGET_MS else "SLOW"
            rows.append(
                f"{name:<10} {label:<11} {n:>8} {body['total']:>7} {len(body['items']):>5} "
                f"{statistics.median(ms):>7.1f} {p95(ms):>7.1f}  {verdict}"
            )
    print(f"[{name}: {n} findings written in {setup_s:.1f} s]", file=sys.stderr)
    return rows


def postgres_url() -> str | None:
    return os.environ.get("IRPATROL_BENCH_POSTGRES_URL") or os.environ.get("IRPATROL_TEST_POSTGRES_URL")


def main() -> int:
    print(f"GET /defects p95 latency, {REQUESTS} requests each, target ≤ {TARGET_MS:g} ms")
    header = ("backend", "request", "findings", "total", "items", "p50 ms", "p95 ms")
    print("{:<10} {:<11} {:>8} {:>7} {:>5} {:>7} {:>7}".format(*header))
    rows = []
    with tempfile.TemporaryDirectory(prefix="irpatrol-bench-") as tmp:
        rows += measure("sqlite", Settings(data_dir=Path(tmp) / "sqlite"))
        base = postgres_url()
        if base:
            with db.scratch_schema(base, "irp_bench") as url:
                rows += measure("postgres", Settings(data_dir=Path(tmp) / "pg", database_url=url))
        else:
            rows.append("postgres   (skipped: set IRPATROL_TEST_POSTGRES_URL)")
    print("\n".join(rows))
    return 0 if all("SLOW" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
