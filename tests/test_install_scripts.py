"""The install scripts the Makefile runs (issue 9): which Python the virtualenv gets, what a person
is told when none can be had, and the step timer's lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIND = ROOT / "scripts" / "find-python.sh"
STEP = ROOT / "scripts" / "step.sh"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "PYTHON"} | env
    return subprocess.run(["bash", *args], capture_output=True, text=True, env=full, timeout=60)


def test_a_recent_python_on_the_machine_is_taken() -> None:
    done = run(str(FIND), "/bin/false", IRPATROL_PYTHON_CANDIDATES=sys.executable)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == sys.executable


def test_no_python_and_no_way_to_install_one_names_the_two_ways_out() -> None:
    """No candidate, and uv cannot install one (``/bin/false`` answers as uv does with no network)."""
    done = run(str(FIND), "/bin/false", IRPATROL_PYTHON_CANDIDATES="")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "installing CPython 3.12 with uv (uv python install 3.12)" in done.stderr
    assert "Two ways out" in done.stderr
    assert "install Python >= 3.12 yourself" in done.stderr and "PYTHON=/path/to/python3.12" in done.stderr


def test_an_old_python_given_by_name_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "python3"
    old.write_text("#!/bin/sh\nexit 1\n")  # answers "too old" to the version check
    old.chmod(0o755)
    done = run(str(FIND), "/bin/false", PYTHON=str(old))
    assert done.returncode == 1 and "is not a Python >= 3.12" in done.stderr


def test_each_step_says_what_it_does_and_how_long_it_took() -> None:
    done = run(str(STEP), "packages: exactly the lock", "true")
    lines = done.stdout.splitlines()
    assert lines[0] == "==> packages: exactly the lock"
    assert lines[1].startswith("    packages: exactly the lock: done in ") and lines[1].endswith(" s")
    failed = run(str(STEP), "a step that fails", "false")
    assert failed.returncode == 1 and "FAILED after" in failed.stderr
