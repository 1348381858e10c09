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

import httpx
import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def irpatrol_server(env: dict[str, str], *, ready_path: str = "/health", cwd: Path | None = None,
                    timeout_s: float = 120.0) -> Iterator[str]:
    """Run ``irpatrol serve`` with ``env`` until the block ends; yields the base URL once
    ``ready_path`` answers 200 (the test fails if it never does within ``timeout_s``)."""
    port = free_port()
    exe = Path(sys.executable).with_name("irpatrol")
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                            env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{base}{ready_path}", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"irpatrol serve did not answer {ready_path} (exit code {proc.poll()})")
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
