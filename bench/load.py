"""Serving under load (issue 12): ``irpatrol serve --workers 1`` against ``--workers N`` (N = cores)
on PostgreSQL with the 100,000-finding registry of :mod:`api_defects`.

32 clients (asyncio + httpx, keep-alive, on loopback) request the list endpoints (``/defects``,
``/findings``, ``/hazards``, ``/images``) as a bearer-token viewer and the map and ledger pages
(``/ui/map``, ``/ui/ledger``) with a session cookie, in turn, for ``IRPATROL_BENCH_LOAD_S``
seconds (default 60) per server setup; then the server is stopped. The table gives requests/s
and p50/p95/p99 latency per endpoint and overall, and the errors (any status but 200, or a
failed connection). Target: N workers ≥ 1.8 × one worker's requests/s on 2 cores, 0 errors.

Needs ``IRPATROL_TEST_POSTGRES_URL`` (or ``IRPATROL_BENCH_POSTGRES_URL``); without it, it says so
and exits 0. Everything listens on 127.0.0.1 only.

    IRPATROL_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/load.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_defects import finish_load, free_port, populate, postgres_url
from irpatrol import db
from irpatrol.config import Settings

CLIENTS = 32
DURATION_S = float(os.environ.get("IRPATROL_BENCH_LOAD_S", "60"))
TARGET_SPEED_UP = 1.8
API_PATHS = ["/defects", "/findings", "/hazards", "/images"]
PAGE_PATHS = ["/ui/map", "/ui/ledger"]
USER, PASSWORD = "bench-viewer", "bench-password"


@contextmanager
def serving(settings: Settings, workers: int) -> Iterator[str]:
    """``irpatrol serve --workers N`` over ``settings``; its base URL. Stopped on exit."""
    port = free_port()
    env = dict(os.environ, IRPATROL_DATA_DIR=str(settings.data_dir))
    assert settings.database_url
    env["IRPATROL_DATABASE_URL"] = settings.database_url
    cmd = [sys.executable, "-m", "irpatrol.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--no-upgrade", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                said = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"irpatrol serve did not start: {said}")
            time.sleep(0.2)
        time.sleep(1.0 if workers > 1 else 0.0)  # let every worker process finish starting
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def credentials(base: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(API headers, page cookies, page headers) of the bench viewer."""
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/auth/token", data={"username": USER, "password": PASSWORD})
        token = r.json()["access_token"]
        client.get("/ui/login")
        csrf = client.cookies["irpatrol_csrf"]
        r = client.post("/ui/login", data={"username": USER, "password": PASSWORD},
                        headers={"X-CSRF-Token": csrf}, follow_redirects=False)
        assert r.status_code == 303, r.text
        cookies = {"irpatrol_csrf": csrf, "irpatrol_token": client.cookies["irpatrol_token"]}
    return {"Authorization": f"Bearer {token}"}, cookies, {}


async def load(base: str, duration_s: float) -> tuple[dict[str, list[float]], int, float]:
    """Run :data:`CLIENTS` clients for ``duration_s``; latencies (ms) per path, errors, elapsed s."""
    api_headers, cookies, _ = credentials(base)
    paths = API_PATHS + PAGE_PATHS
    latencies: dict[str, list[float]] = {p: [] for p in paths}
    errors = 0
    stop_at = time.monotonic() + duration_s

    async def client(n: int) -> None:
        nonlocal errors
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits, cookies=cookies) as http:
            i = n
            while time.monotonic() < stop_at:
                path = paths[i % len(paths)]
                i += 1
                headers = api_headers if not path.startswith("/ui") else {}
                t0 = time.perf_counter()
                try:
                    r = await http.get(path, headers=headers)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies[path].append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1

    t0 = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return latencies, errors, time.monotonic() - t0


def pct(ms: list[float], q: int) -> float:
    if len(ms) < 2:
        return ms[0] if ms else float("nan")
    return statistics.quantiles(ms, n=100)[q - 1]


def report(workers: int, latencies: dict[str, list[float]], errors: int, elapsed: float) -> float:
    total = [v for ms in latencies.values() for v in ms]
    for label, ms in [*latencies.items(), ("all", total)]:
        print(f"{workers:>7} {label:<12} {len(ms):>8} {len(ms) / elapsed:>8.1f} {pct(ms, 50):>8.1f} "
              f"{pct(ms, 95):>8.1f} {pct(ms, 99):>8.1f} {errors if label == 'all' else '':>6}")
    return len(total) / elapsed


def main() -> int:
    base_url = postgres_url()
    if not base_url:
        print("load: skipped (set IRPATROL_TEST_POSTGRES_URL to a PostgreSQL server)")
        return 0
    many = os.cpu_count() or 2
    print(f"{CLIENTS} clients, {DURATION_S:g} s per setup, PostgreSQL, loopback; target: {many} workers "
          f"≥ {TARGET_SPEED_UP}× one worker, 0 errors")
    with tempfile.TemporaryDirectory(prefix="irpatrol-load-") as tmp, \
            db.scratch_schema(base_url, "irp_load") as url:
        settings = Settings(data_dir=Path(tmp), database_url=url)
        db.upgrade(url)
        t0 = time.perf_counter()
        n = populate(settings)
        finish_load(settings)
        print(f"[{n} findings written in {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
        print(f"{'workers':>7} {'endpoint':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'errors':>6}")
        rates: dict[int, float] = {}
        failures = 0
        for workers in (1, many):
            with serving(settings, workers) as base:
                latencies, errors, elapsed = asyncio.run(load(base, DURATION_S))
            rates[workers] = report(workers, latencies, errors, elapsed)
            failures += errors
    speed_up = rates[many] / rates[1] if rates[1] else float("nan")
    verdict = "ok" if speed_up >= TARGET_SPEED_UP and failures == 0 else "BELOW TARGET"
    print(f"{many} workers / 1 worker: {speed_up:.2f}× requests/s, {failures} errors  {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
