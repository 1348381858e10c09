"""The demo built once per test run and copied for each browser test module that needs it.

``irpatrol demo`` renders and ingests two flights (about 25 s alone, a minute beside another test
worker); the browser modules that each built the same demo now copy one build. Under pytest-xdist the
workers of one run share the build through a lock file next to their temporary folders (the run's
``PYTEST_XDIST_TESTRUNUID`` names it, so a later run never reuses it); without xdist it lives in the
run's own temporary folder."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def demo_copy(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str) -> tuple[Path, str]:
    """A fresh copy of the data folder of ``irpatrol demo *args`` (SQLite database, image store) in a
    new temporary folder named after ``name``, and the build's standard output (the demo logins)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / f"demo-{run}" if run else base / "demo-template"
    key = "-".join(["demo", *args]).replace("/", "_")
    built = shared / key
    shared.mkdir(parents=True, exist_ok=True)
    with (shared / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / "stdout.txt").exists():
            data = built / "data"
            shutil.rmtree(built, ignore_errors=True)
            data.mkdir(parents=True)
            env = {**os.environ, "IRPATROL_DATA_DIR": str(data)}
            env.pop("IRPATROL_DATABASE_URL", None)
            done = subprocess.run([str(Path(sys.executable).with_name("irpatrol")), "demo", *args], env=env,
                                  capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stderr
            (built / "stdout.txt").write_text(done.stdout)
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(built / "data", copy, dirs_exist_ok=True)
    return copy, (built / "stdout.txt").read_text()
