"""Serving under load (issue 12): ``irpatrol serve --workers 1`` against ``--workers N`` (N = cores)
on PostgreSQL with the 100,000-finding registry of :mod:`api_defects`.

For each server setup, first the server's own CPU time per request of each endpoint: requests one
at a time, the CPU seconds of every server process (``/proc/<pid>/stat``) before and after, divided
by the number of requests. This figure hardly depends on other load of the machine; it is what
the throughput of N workers on N otherwise idle cores is bounded by.

Then 32 clients (keep-alive connections on loopback) request the list endpoints (``/defects``,
``/findings``, ``/hazards``, ``/images``) as a bearer-token viewer and the map and ledger pages
(``/ui/map``, ``/ui/ledger``) with a session cookie, in turn, for ``IRPATROL_BENCH_LOAD_S`` seconds
(default 60) per server setup; then the server is stopped. The table gives requests/s and
p50/p95/p99 latency per endpoint and overall, and the errors (any status but 200, or a failed
connection). Target: N workers ≥ 1.8 × one worker's requests/s on 2 cores, 0 errors.

The clients share one process and are kept cheap (a minimal HTTP/1.1 client over asyncio streams,
no HTTP library, about 0.1 ms CPU a request): on a 2-core machine the load generator competes with
the server workers for the cores, so its own CPU per request is printed too, with PostgreSQL's
(every process of the ``postgres`` user on this machine) and the cores other processes kept busy
meanwhile (other users of a shared machine: the N-worker figure needs the cores to itself).

Needs ``IRPATROL_TEST_POSTGRES_URL`` (or ``IRPATROL_BENCH_POSTGRES_URL``); without it, it says so
and exits 0. ``IRPATROL_BENCH_LOAD_DB``: the URL of a database already filled by this benchmark
(its ``populate``), used as it is and kept (to repeat runs without the 40 s fill). Everything
listens on 127.0.0.1 only.

    IRPATROL_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        IRPATROL_BENCH_LOAD_S=15 .venv/bin/python bench/load.py
"""

from __future__ import annotations

import asyncio
import os
import pwd
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_defects import finish_load, free_port, populate, postgres_url
from irpatrol import db
from irpatrol.config import Settings

CLIENTS = 32
DURATION_S = float(os.environ.get("IRPATROL_BENCH_LOAD_S", "60"))
CPU_REQUESTS = int(os.environ.get("IRPATROL_BENCH_CPU_REQUESTS", "40"))
"""Requests per endpoint for the server CPU figure (after 3 warm-up requests)."""
TARGET_SPEED_UP = 1.8
API_PATHS = ["/defects", "/findings", "/hazards", "/images"]
PAGE_PATHS = ["/ui/map", "/ui/ledger"]
USER, PASSWORD = "bench-viewer", "bench-password"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(settings: Settings, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``irpatrol serve --workers N`` over ``settings``; its base URL and process. Stopped on exit."""
    port = free_port()
    env = dict(os.environ, IRPATROL_DATA_DIR=str(settings.data_dir))
    assert settings.database_url
    env["IRPATROL_DATABASE_URL"] = settings.database_url
    cmd = [sys.executable, "-m", "irpatrol.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--no-upgrade", "--workers", str(workers)]
    started = time.perf_counter()
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
                proc.kill()  # its workers keep stderr open: stop them before reading it
                _stop_children(proc.pid)
                said = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"irpatrol serve did not start: {said}")
            time.sleep(0.1)
        # every worker process is up and listens on its own socket (irpatrol.serving)
        while workers > 1 and (len(_workers(proc.pid)) < workers
                               or not all(_listens(w, port) for w in _workers(proc.pid))):
            time.sleep(0.1)
        up_s = time.perf_counter() - started
        print(f"[{workers} worker(s): answering after {up_s:.1f} s]", file=sys.stderr)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _stop_children(proc.pid)


def _listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a socket listening on TCP ``port`` (/proc/net/tcp state 0A)."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):
            held.add(os.readlink(fd))
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    return any(int(r[1].rsplit(":", 1)[1], 16) == port and r[3] == "0A" and f"socket:[{r[9]}]" in held
               for r in rows)


def _stop_children(pid: int) -> None:
    for child in _children(pid):
        with suppress(OSError):
            os.kill(child, 9)


def _workers(pid: int) -> list[int]:
    """The uvicorn worker processes of supervisor ``pid`` (not multiprocessing's resource tracker)."""
    out = []
    for child in _children(pid):
        with suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
    return out


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its child processes (Linux ``/proc``)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return total


def postgres_cpu_s() -> float:
    """CPU seconds of every process of the ``postgres`` user on this machine (the server and its
    backends; with the ended backends' time, which their parent's ``cutime``/``cstime`` holds) —
    also other programs' use of the same server. 0 when there is no such user (a remote server)."""
    try:
        uid = pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return 0.0
    total = 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        with suppress(OSError):
            if d.stat().st_uid == uid:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


def machine_busy_s() -> float:
    """CPU seconds all cores spent busy (not idle or waiting for I/O), from ``/proc/stat``."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


def credentials(base: str) -> tuple[str, str]:
    """(bearer token, Cookie header) of the bench viewer."""
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/auth/token", data={"username": USER, "password": PASSWORD})
        token = r.json()["access_token"]
        client.get("/ui/login")
        csrf = client.cookies["irpatrol_csrf"]
        r = client.post("/ui/login", data={"username": USER, "password": PASSWORD},
                        headers={"X-CSRF-Token": csrf}, follow_redirects=False)
        assert r.status_code == 303, r.text
        cookie = f"irpatrol_csrf={csrf}; irpatrol_token={client.cookies['irpatrol_token']}"
    return token, cookie


class Connection:
    """One keep-alive HTTP/1.1 connection: GET requests, status and body (Content-Length or
    chunked). Just enough HTTP for this benchmark, so the client costs little CPU."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def requests(base: str) -> dict[str, bytes]:
    """The raw GET request of each path, with the viewer's credentials."""
    token, cookie = credentials(base)
    host = base.removeprefix("http://")
    out = {}
    for path in API_PATHS + PAGE_PATHS:
        auth = f"Cookie: {cookie}" if path.startswith("/ui") else f"Authorization: Bearer {token}"
        out[path] = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n\r\n".encode()
    return out


async def cpu_per_request(base: str, pid: int, raw: dict[str, bytes]) -> dict[str, float]:
    """Server CPU ms per request of each path, requests one at a time."""
    port = int(base.rsplit(":", 1)[1])
    out = {}
    conn = Connection(port)
    try:
        for path, request in raw.items():
            for _ in range(3):
                status, body = await conn.get(request)
                if status != 200:
                    raise SystemExit(f"{path}: {status} {body[:200]!r}")
            before = server_cpu_s(pid)
            for _ in range(CPU_REQUESTS):
                await conn.get(request)
            out[path] = (server_cpu_s(pid) - before) / CPU_REQUESTS * 1000
    finally:
        await conn.close()
    return out


async def load(base: str, raw: dict[str, bytes], duration_s: float
               ) -> tuple[dict[str, list[float]], int, float]:
    """Run :data:`CLIENTS` clients for ``duration_s``; latencies (ms) per path, errors, elapsed s."""
    port = int(base.rsplit(":", 1)[1])
    paths = list(raw)
    latencies: dict[str, list[float]] = {p: [] for p in paths}
    errors = 0
    stop_at = time.monotonic() + duration_s

    async def client(n: int) -> None:
        nonlocal errors
        conn = Connection(port)
        i = n
        try:
            while time.monotonic() < stop_at:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(conn.get(raw[path]), 60)
                    ok = status == 200
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
                        ValueError):
                    ok = False
                    await conn.close()
                if ok:
                    latencies[path].append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1
        finally:
            await conn.close()

    t0 = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return latencies, errors, time.monotonic() - t0


def pct(ms: list[float], q: int) -> float:
    if len(ms) < 2:
        return ms[0] if ms else float("nan")
    return statistics.quantiles(ms, n=100)[q - 1]


def report(workers: int, latencies: dict[str, list[float]], errors: int, elapsed: float,
           cpu_ms: dict[str, float]) -> float:
    total = [v for ms in latencies.values() for v in ms]
    mix = statistics.fmean(cpu_ms.values())
    for label, ms in [*latencies.items(), ("all", total)]:
        cpu = cpu_ms.get(label, mix)
        print(f"{workers:>7} {label:<12} {cpu:>7.1f} {len(ms):>8} {len(ms) / elapsed:>8.1f} "
              f"{pct(ms, 50):>8.1f} {pct(ms, 95):>8.1f} {pct(ms, 99):>8.1f} "
              f"{errors if label == 'all' else '':>6}")
    return len(total) / elapsed


def main() -> int:
    base_url = postgres_url()
    reuse = os.environ.get("IRPATROL_BENCH_LOAD_DB")
    if not base_url and not reuse:
        print("load: skipped (set IRPATROL_TEST_POSTGRES_URL to a PostgreSQL server)")
        return 0
    many = os.cpu_count() or 2
    print(f"{CLIENTS} clients, {DURATION_S:g} s per setup, PostgreSQL, loopback; target: {many} workers "
          f"≥ {TARGET_SPEED_UP}× one worker, 0 errors; cpu ms = server CPU per request, one at a time "
          f"(all: mean of the mix)")
    with tempfile.TemporaryDirectory(prefix="irpatrol-load-") as tmp, ExitStack() as stack:
        if reuse:
            url = reuse
        else:
            assert base_url
            url = stack.enter_context(db.scratch_schema(base_url, "irp_load"))
        settings = Settings(data_dir=Path(tmp), database_url=url)
        if not reuse:
            db.upgrade(url)
            t0 = time.perf_counter()
            n = populate(settings)
            finish_load(settings)
            print(f"[{n} findings written in {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
        print(f"{'workers':>7} {'endpoint':<12} {'cpu ms':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>8} "
              f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
        rates: dict[int, float] = {}
        failures = 0
        for workers in (1, many):
            with serving(settings, workers) as (base, proc):
                raw = requests(base)
                cpu_ms = asyncio.run(cpu_per_request(base, proc.pid, raw))
                before = (time.process_time(), server_cpu_s(proc.pid), postgres_cpu_s(), machine_busy_s())
                latencies, errors, elapsed = asyncio.run(load(base, raw, DURATION_S))
                after = (time.process_time(), server_cpu_s(proc.pid), postgres_cpu_s(), machine_busy_s())
            rates[workers] = report(workers, latencies, errors, elapsed, cpu_ms)
            done = sum(len(v) for v in latencies.values()) + errors
            client_cpu, server_cpu, pg_cpu, busy = (b - a for a, b in zip(before, after, strict=True))
            other = busy - client_cpu - server_cpu - pg_cpu
            print(f"[{workers} worker(s) under load: server {server_cpu / max(done, 1) * 1000:.1f} ms CPU a "
                  f"request, {server_cpu / elapsed:.2f} cores busy; PostgreSQL "
                  f"{pg_cpu / max(done, 1) * 1000:.1f} ms, {pg_cpu / elapsed:.2f} cores; load generator "
                  f"{client_cpu / max(done, 1) * 1000:.2f} ms; other processes {other / elapsed:.2f} cores "
                  f"of {os.cpu_count()}]", file=sys.stderr)
            failures += errors
    speed_up = rates[many] / rates[1] if rates[1] else float("nan")
    verdict = "ok" if speed_up >= TARGET_SPEED_UP and failures == 0 else "BELOW TARGET"
    print(f"{many} workers / 1 worker: {speed_up:.2f}× requests/s, {failures} errors  {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
