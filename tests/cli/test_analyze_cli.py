"""``irpatrol analyze``: JSON keys, text, annotated PNGs and error handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from analysis.scenes import paste_clamps
from irpatrol.cli.main import app
from irpatrol.radiometry import read, tiff

runner = CliRunner()
KEYS = ("bbox", "t_max_c", "t2_c", "t0_c", "delta_t_k", "delta_pct", "grade")


def _write_scene(samples: Path, folder: Path, heat_k: list[float], name: str) -> Path:
    """A real M30T background with three clamps at 24 °C plus ``heat_k``, as a radiometric TIFF."""
    bg = read(samples / "dji_m30t_iirp.jpg").celsius
    h, w = bg.shape
    centers = [(w // 2 - 120, h // 2), (w // 2, h // 2), (w // 2 + 120, h // 2)]
    path = folder / name
    path.write_bytes(tiff.encode(paste_clamps(bg, centers, plateau_c=24.0, heat_k=heat_k)))
    return path


@pytest.fixture(scope="module")
def scene_file(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three clamps, the middle one 12 K hotter."""
    return _write_scene(samples, tmp_path_factory.mktemp("scenes"), [0.0, 12.0, 0.0], "three_clamps.tiff")


def test_three_equal_clamps_report_no_defect(samples: Path, tmp_path: Path) -> None:
    path = _write_scene(samples, tmp_path, [3.0, 3.0, 3.0], "equal.tiff")
    result = runner.invoke(app, ["analyze", str(path), "--ambient", "14", "--json"])
    assert result.exit_code == 0, result.output
    assert all(h["grade"] == "none" for h in json.loads(result.stdout)["hotspots"])


def test_json_one_object_per_file_with_contract_keys(scene_file: Path, samples: Path) -> None:
    result = runner.invoke(app, ["analyze", str(scene_file), str(samples / "dji_m30t_iirp.jpg"),
                                 "--standard", "dlt664-2016", "--device", "parallel-groove-clamp",
                                 "--ambient", "14", "--json"])
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["file"] for o in objs] == [str(scene_file), str(samples / "dji_m30t_iirp.jpg")]
    hot = [h for h in objs[0]["hotspots"] if h["grade"] != "none"]
    assert len(hot) == 1
    item = hot[0]
    assert all(k in item for k in KEYS)
    assert len(item["bbox"]) == 4 and item["grade"] == "general"
    assert abs(item["delta_pct"] - 100 * 12 / 22) < 1.0
    assert (item["t2_c"], item["t0_c"], item["t_max_c"]) == (24.0, 14.0, 36.0)
    assert objs[1]["hotspots"] == []


def test_text_output_names_references_and_grade(scene_file: Path) -> None:
    result = runner.invoke(app, ["analyze", str(scene_file), "--ambient", "14", "--wind", "2"])
    assert result.exit_code == 0, result.output
    assert "T0 14.0 °C (user)" in result.stdout
    assert "T2 24.0 °C (similar-component)" in result.stdout and "general" in result.stdout


def test_annotate_writes_a_png_per_file(scene_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "png"
    result = runner.invoke(app, ["analyze", str(scene_file), "--ambient", "14", "--annotate", str(out)])
    assert result.exit_code == 0, result.output
    png = out / "three_clamps.annotated.png"
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[0] == 512 and image.shape[1] > 640


def test_annotate_keeps_files_of_the_same_name_from_two_folders_apart(scene_file: Path, samples: Path,
                                                                       tmp_path: Path) -> None:
    # DJI names the frames of every flight DJI_0001_R.JPG…: the second must not overwrite the first
    other = tmp_path / "flight2" / scene_file.name
    other.parent.mkdir()
    other.write_bytes(tiff.encode(read(samples / "dji_m30t_iirp.jpg").celsius))
    out = tmp_path / "png"
    result = runner.invoke(app, ["analyze", str(scene_file), str(other), "--ambient", "14",
                                 "--annotate", str(out), "--json"])
    assert result.exit_code == 0, result.output
    written = [json.loads(line)["annotated"] for line in result.stdout.splitlines()]
    assert written == [str(out / "three_clamps.annotated.png"), str(out / "three_clamps-2.annotated.png")]
    first, second = (np.asarray(Image.open(p).convert("RGB")) for p in written)
    assert first.shape == second.shape and not np.array_equal(first, second)


def test_bad_file_one_line_on_stderr_exit_2(scene_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    result = runner.invoke(app, ["analyze", str(bad), str(scene_file), "--json"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.jpg" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(result.stdout.splitlines()[0])["file"] == str(scene_file)


@pytest.mark.parametrize("args", [["--device", "no-such-device"], ["--standard", "no-such-standard"],
                                  ["--reference", "1,2,3"]])
def test_bad_options_exit_2_without_traceback(scene_file: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["analyze", str(scene_file), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("irpatrol: ") and "Traceback" not in result.output


def test_ifov_and_file_distance_give_the_trusted_target_size(samples: Path, tmp_path: Path) -> None:
    from irpatrol.radiometry.thermogram import CaptureParams

    bg = read(samples / "dji_m30t_iirp.jpg").celsius
    scene = bg.copy()
    scene[60:62, 100:140] = 60.0  # a 2 px wide hot line in the sky, far above ambient
    path = tmp_path / "line.tiff"
    path.write_bytes(tiff.encode(scene, params=CaptureParams(emissivity=0.95, distance_m=10.0,
                                                             reflected_c=20.0)))
    # the region reading (an aerial frame is read by its line structure, where a hot line is no joint)
    regions = ["--detector", "regions"]
    plain = runner.invoke(app, ["analyze", str(path), "--ambient", "14", "--json", *regions])
    sized = runner.invoke(app, ["analyze", str(path), "--ambient", "14", "--ifov", "1.3", "--json", *regions])
    assert plain.exit_code == 0 and sized.exit_code == 0, plain.output + sized.output
    (line,) = [x for x in json.loads(sized.stdout)["hotspots"] if x["t_max_c"] == 60.0]
    (before,) = [x for x in json.loads(plain.stdout)["hotspots"] if x["t_max_c"] == 60.0]
    assert before["min_target_m"] is None and "small-target" not in before["flags"]
    assert line["min_target_m"] == pytest.approx(3 * 10.0 * 1.3e-3)
    assert "small-target" in line["flags"]
    text = runner.invoke(app, ["analyze", str(path), "--ambient", "14", "--ifov", "1.3", *regions])
    assert "trusted target ≥ 39 mm" in text.stdout
