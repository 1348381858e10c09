"""Acceptance (issue 2): ``irpatrol thermal read --json`` agrees with reference.csv on every row.

One CLI invocation reads all sample files; each row of reference.csv is then its own test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from irpatrol.cli.main import app
from sample_files import reference_rows

TOLERANCE_C = 0.05
"""Issue 2: t_min/t_max/t_mean/t_center within 0.05 °C …"""
TOLERANCE_HIRP_C = 0.25
"""… and 0.25 °C for the DJI ``hirp`` files (TSDK v1.7 → v1.8 change, samples README)."""

ROWS = reference_rows()


@pytest.fixture(scope="module")
def cli_results(samples: Path) -> dict[str, dict[str, Any]]:
    """file name → the JSON object ``thermal read --json`` printed for it (one run for all files)."""
    files = [str(samples / row["file"]) for row in ROWS]
    result = CliRunner().invoke(app, ["thermal", "read", "--json", *files])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {Path(o["file"]).name: o for o in objects}


def test_reference_csv_lists_all_twenty_samples(reference: dict[str, dict[str, str]]) -> None:
    assert len(reference) == 20


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_row_matches_reference(row: dict[str, str], cli_results: dict[str, dict[str, Any]]) -> None:
    got = cli_results[row["file"]]
    assert (got["width"], got["height"]) == (int(row["width"]), int(row["height"]))
    tol = TOLERANCE_HIRP_C if "hirp" in row["file"] else TOLERANCE_C
    for key in ("t_min_c", "t_max_c", "t_mean_c", "t_center_c"):
        assert got[key] == pytest.approx(float(row[key]), abs=tol), key
    assert got["emissivity"] == pytest.approx(float(row["emissivity"]), abs=1e-3)
    assert got["distance_m"] == pytest.approx(float(row["object_distance_m"]), abs=1e-3)
    assert got["reflected_c"] == pytest.approx(float(row["reflected_temp_c"]), abs=0.01)


def test_json_objects_carry_the_contract_keys(cli_results: dict[str, dict[str, Any]]) -> None:
    keys = {
        "file",
        "camera",
        "width",
        "height",
        "t_min_c",
        "t_max_c",
        "t_mean_c",
        "t_center_c",
        "emissivity",
        "distance_m",
        "reflected_c",
        "humidity",
        "atmospheric_c",
        "lat",
        "lon",
        "alt_m",
        "captured_at",
    }
    for obj in cli_results.values():
        assert keys <= obj.keys()
