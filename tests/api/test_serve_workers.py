"""``irpatrol serve --workers N`` (issue 12, serving under load): with more than one worker the
command becomes uvicorn's supervisor, whose spawned workers import uvicorn's small main module
instead of the whole ``irpatrol`` command, and a starting worker gets
:data:`~irpatrol.cli.server.WORKER_HEALTHCHECK_S` before it is replaced (uvicorn's 5 s made
workers on a busy 2-core machine be killed and restarted for minutes)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from irpatrol.cli.server import APP_FACTORY, WORKER_HEALTHCHECK_S, supervisor_command


def test_the_supervisor_command_is_one_uvicorn_accepts() -> None:
    command = supervisor_command("127.0.0.1", 8123, 3, "10.0.0.1")
    assert command[:3] == [sys.executable, "-m", "uvicorn"] and APP_FACTORY in command
    for flag, value in (("--workers", "3"), ("--timeout-worker-healthcheck", str(WORKER_HEALTHCHECK_S)),
                        ("--forwarded-allow-ips", "10.0.0.1"), ("--port", "8123")):
        assert command[command.index(flag) + 1] == value
    assert "--factory" in command and "--proxy-headers" in command
    said = subprocess.run([sys.executable, "-m", "uvicorn", "--help"], capture_output=True, text=True,
                          check=True).stdout
    for option in command[3:]:
        if option.startswith("--"):
            assert option in said, option


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
        for _ in range(10):
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        assert set(_workers(proc.pid)) == first, "no worker was replaced"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
