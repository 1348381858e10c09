"""``irpatrol simulate scenes``: field-like frames with truth, in the format ingest reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.radiometry import read
from irpatrol.simulate.scene import render

runner = CliRunner()


def test_scenes_are_written_as_radiometric_tiffs_with_their_truth(tmp_path: Path) -> None:
    out = tmp_path / "scenes"
    result = runner.invoke(app, ["simulate", "scenes", "--out", str(out), "--count", "2", "--seed", "11",
                                 "--scenario", "hot-joint", "--scenario", "healthy-clutter", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip())["frames"] == 4
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert [t["scenario"] for t in truth] == ["hot-joint", "hot-joint", "healthy-clutter", "healthy-clutter"]
    first = read(out / truth[0]["file"])
    expected, t = render(11, "hot-joint")
    assert np.allclose(first.celsius, expected, atol=0.03)
    assert abs(first.params.distance_m - t.distance_m) < 0.01 and t.to_dict()["t0_c"] == truth[0]["t0_c"]


def test_unknown_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "scenes", "--out", str(tmp_path), "--scenario", "volcano"])
    assert result.exit_code != 0 and "unknown scenario 'volcano'" in result.output


def test_new_component_scenarios_carry_their_parts_in_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "scenes"
    result = runner.invoke(app, ["simulate", "scenes", "--out", str(out), "--count", "1", "--seed", "4",
                                 "--scenario", "disconnector-contact", "--scenario", "dropout-fuse",
                                 "--scenario", "bushing-voltage", "--json"])
    assert result.exit_code == 0, result.output
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert [(t["device"], t["heating"]) for t in truth] == [
        ("disconnector-blade", "current"), ("dropout-fuse", "current"), ("transformer-bushing", "voltage")]
    assert "disconnector-contact" in truth[0]["parts"] and "fuse-tube" in truth[1]["parts"]
    assert all(t["px_m"] and t["size_px"] for t in truth)


def test_flight_scene_must_be_field_or_flat(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "flight", "--feeder", "F1", "--out", str(tmp_path),
                                 "--scene", "cartoon"])
    assert result.exit_code != 0 and "scene must be one of field, flat" in result.output
