"""Shared fixtures: the real camera samples and their reference values."""

from __future__ import annotations

from pathlib import Path

import pytest

from sample_files import IN_CI, reference_rows, samples_dir


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
