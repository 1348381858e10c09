"""A real ``irpatrol serve`` process on a free loopback port, for browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

SERVER_LOGS = Path(__file__).resolve().parents[1] / "test-artifacts" / "servers"
"""Where each served process's output is kept (one file per port), for the failure that needs it."""


def server_log(base_url: str) -> Path:
    """The file the ``irpatrol serve`` process behind ``base_url`` (``http://127.0.0.1:PORT``…) writes
    its output to."""
    return SERVER_LOGS / f"serve-{urlsplit(base_url).port}.log"


def log_tail(base_url: str, lines: int = 30) -> str:
    """The last ``lines`` lines of the output of the server behind ``base_url`` ("" if none)."""
    path = server_log(base_url)
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def irpatrol_server(env: dict[str, str], *, ready_path: str = "/health", cwd: Path | None = None,
                    timeout_s: float = 120.0) -> Iterator[str]:
    """Run ``irpatrol serve`` with ``env`` until the block ends; yields the base URL once
    ``ready_path`` answers 200 (the test fails if it never does within ``timeout_s``). Its output
    goes to :func:`server_log`."""
    port = free_port()
    exe = Path(sys.executable).with_name("irpatrol")
    base = f"http://127.0.0.1:{port}"
    log = server_log(base)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out, subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT) as proc:
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if httpx.get(f"{base}{ready_path}", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"irpatrol serve did not answer {ready_path} (exit code {proc.poll()}); "
                                f"its output:\n{log_tail(base)}")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def wait_until(page: Any, predicate_js: str, timeout_s: float = 30.0) -> None:
    """Poll a JavaScript expression through ``page.evaluate`` until it is truthy.

    Playwright's ``wait_for_function`` with a string polls by ``eval`` inside the page, which the
    pages' Content-Security-Policy (``script-src 'self'``) forbids once the first check fails;
    ``page.evaluate`` goes through the browser's debugging protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate_js):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {predicate_js}")
        time.sleep(0.1)
