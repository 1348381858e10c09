"""Shared fixtures: the real camera samples and their reference values."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def samples_dir() -> Path:
    """``IRPATROL_SAMPLES_DIR`` or ``../shared/data/thermal-samples`` beside the checkout."""
    env = os.environ.get("IRPATROL_SAMPLES_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "thermal-samples"


def reference_rows() -> list[dict[str, str]]:
    """Rows of reference.csv; [] when the folder is absent (the fixture then skips or fails)."""
    ref = samples_dir() / "reference.csv"
    if not ref.exists():
        return []
    with ref.open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def samples() -> Path:
    """The sample folder. Absent: skip with one line, except under CI=true where it fails."""
    d = samples_dir()
    if not (d / "reference.csv").exists():
        msg = f"thermal samples not found at {d} (set IRPATROL_SAMPLES_DIR)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def reference(samples: Path) -> dict[str, dict[str, str]]:
    """reference.csv keyed by file name."""
    return {r["file"]: r for r in reference_rows()}
