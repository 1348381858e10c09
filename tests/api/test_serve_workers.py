"""``irpatrol serve --workers N`` (issue 12, serving under load): with more than one worker the
command becomes :mod:`irpatrol.serving` (uvicorn's supervisor, one SO_REUSEPORT socket per worker),
whose spawned workers import that small module instead of the whole ``irpatrol`` command, and a
starting worker gets :data:`~irpatrol.serving.WORKER_HEALTHCHECK_S` before it is replaced
(uvicorn's 5 s made workers on a busy 2-core machine be killed and restarted for minutes)."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from irpatrol import serving


def test_the_supervisor_command_names_every_setting() -> None:
    command = serving.command("127.0.0.1", 8123, 3, "10.0.0.1")
    assert command[:3] == [sys.executable, "-m", "irpatrol.serving"]
    for flag, value in (("--workers", "3"), ("--forwarded-allow-ips", "10.0.0.1"), ("--port", "8123"),
                        ("--host", "127.0.0.1")):
        assert command[command.index(flag) + 1] == value
    said = subprocess.run([*command[:3], "--help"], capture_output=True, text=True, check=True).stdout
    unpinned = serving.command("127.0.0.1", 8123, 3, None, pin_cores=False)
    assert "--no-pin-cores" in unpinned and "--no-pin-cores" not in command
    for option in [*command[3:], *unpinned[3:]]:
        if option.startswith("--"):
            assert option in said, option


def test_unpinned_sockets_pin_no_worker() -> None:
    # serve --no-pin-cores: the workers' sockets carry the choice into each worker
    held = len(serving._HELD)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    sockets = pickle.loads(pickle.dumps(serving.OwnSockets("127.0.0.1", 0, pin=False)))
    try:
        assert len(sockets) == 1 and len(serving._HELD) == held  # no core claimed
        assert cores is None or os.sched_getaffinity(0) == cores  # nor the process pinned
    finally:
        for s in sockets:
            s.close()


def test_a_taken_address_is_refused_with_its_reason() -> None:
    with socket.socket() as taken:  # bound without SO_REUSEPORT: no worker could share it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(serving.command("127.0.0.1", port, 2, None), capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in done.stderr


def _workers(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_two_workers_serve_and_stop(tmp_path: Path) -> None:
    exe = shutil.which("irpatrol", path=str(Path(sys.executable).parent))
    assert exe
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRPATROL_")}
    env["IRPATROL_DATA_DIR"] = str(tmp_path)
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(_workers(proc.pid)) < 2 or not _answers(port):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "two workers did not start in 120 s"
            time.sleep(0.2)
        first = set(_workers(proc.pid))
        while not all(_connections(worker, port, "0A") for worker in first):  # both listen
            assert time.monotonic() < deadline, "a worker did not listen in 120 s"
            time.sleep(0.2)
        for _ in range(10):
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        assert set(_workers(proc.pid)) == first, "no worker was replaced"
        if len(os.sched_getaffinity(0)) >= 2:  # each worker on a core of its own, all its threads too
            cores = [_thread_cores(worker) for worker in sorted(first)]
            assert all(len(c) == 1 for c in cores) and cores[0] != cores[1], cores
        # a burst of 16 keep-alive connections is spread over both workers, each accepting on its own
        # SO_REUSEPORT socket (P(all on one) = 2⁻¹⁵). With uvicorn's one shared socket the worker
        # that woke first took the whole burst (measured: [16, 0], [0, 16], [4, 12]).
        burst = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(16)]
        try:
            for conn in burst:
                conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            for conn in burst:
                assert conn.recv(1024).startswith(b"HTTP/1.1 200")
            held = [_connections(worker, port) for worker in sorted(first)]
            assert sum(held) == 16 and min(held) >= 1, held
        finally:
            for conn in burst:
                conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0


def _connections(pid: int, port: int, state: str = "01") -> int:
    """TCP sockets on local ``port`` that process ``pid`` holds, in ``state`` (Linux /proc/net/tcp:
    01 established, 0A listening)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, inode = int(fields[1].split(":")[1], 16), fields[9]
        count += local_port == port and fields[3] == state and inode in inodes
    return count


def _thread_cores(pid: int) -> set[int]:
    """The cores the threads of process ``pid`` may run on (all threads together)."""
    cores: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            cores |= os.sched_getaffinity(int(task.name))
    return cores


PINNED = """
import os, sys
from irpatrol import serving
core = serving.pin_to_free_core("127.0.0.1", int(sys.argv[1]))
print(core, sorted(os.sched_getaffinity(0)), flush=True)
sys.stdin.read()
serving.release_core()
print(sorted(os.sched_getaffinity(0)), flush=True)
"""


def _pinned(port: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", PINNED, str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores")
def test_each_worker_takes_a_free_core_and_a_replacement_its_predecessors() -> None:
    allowed = sorted(os.sched_getaffinity(0))
    port = 40000 + os.getpid() % 20000
    workers: list[subprocess.Popen[str]] = []
    said = []
    try:
        for _ in range(len(allowed) + 1):  # one after the other: each takes the first free core
            workers.append(_pinned(port))
            said.append(workers[-1].stdout.readline().split(" ", 1))  # type: ignore[union-attr]
        cores = [c for c, _ in said]
        assert cores == [*(str(c) for c in allowed), "None"], said  # one more worker than cores: unpinned
        assert all(rest.strip() == f"[{c}]" for c, rest in said[:-1]), said
        first = workers.pop(0)
        first.communicate("", timeout=30)
        replacement = _pinned(port)
        workers.append(replacement)
        assert replacement.stdout.readline().split(" ", 1)[0] == cores[0]  # type: ignore[union-attr]
        out, _ = workers[0].communicate("", timeout=30)  # the ingest pool's view: all cores again
        assert out.strip() == str(allowed)
    finally:
        for w in workers:
            with contextlib.suppress(OSError, ValueError):
                w.kill()
                w.wait()


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
