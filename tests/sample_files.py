"""Where the real camera samples are, and their reference values (imported by tests and conftest)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

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
