"""``irpatrol thermal read`` over many files in one process: folders, ``--jobs``, progress, and
the DJI back-end choice (issue 11)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from irpatrol.cli.main import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "radiometry"))
import flir_build as fb

runner = CliRunner()


def _folder(tmp_path: Path) -> list[Path]:
    (tmp_path / "sub").mkdir()
    paths = [tmp_path / "a.jpg", tmp_path / "sub" / "b.JPG", tmp_path / "sub" / "c.seq"]
    paths[0].write_bytes(fb.rjpeg(fb.flir_frame(fb.counts_of(fb.scene(hot_c=50.0)), "png-le")))
    paths[1].write_bytes(fb.rjpeg(fb.flir_frame(fb.counts_of(fb.scene(hot_c=55.0)), "raw")))
    paths[2].write_bytes(
        b"".join(fb.flir_frame(fb.counts_of(fb.scene(hot_c=h)), "raw") for h in (60.0, 61.0))
    )
    (tmp_path / "notes.txt").write_text("not an image")
    return paths


def _objects(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folder_is_walked_in_order(tmp_path: Path, jobs: str) -> None:
    paths = _folder(tmp_path)
    result = runner.invoke(app, ["thermal", "read", "--json", "--jobs", jobs, str(tmp_path)])
    assert result.exit_code == 0, result.output
    got = [(o["file"], o["frame"], o["t_max_c"]) for o in _objects(result.stdout)]
    expected = [
        (str(paths[0]), 0, 50.0),
        (str(paths[1]), 0, 55.0),
        (str(paths[2]), 0, 60.0),
        (str(paths[2]), 1, 61.0),
    ]
    assert [(f, n) for f, n, _ in got] == [(f, n) for f, n, _ in expected]
    np.testing.assert_allclose([t for *_, t in got], [t for *_, t in expected], atol=0.05)


def test_progress_and_failures_on_stderr(tmp_path: Path) -> None:
    paths = _folder(tmp_path)
    bad = tmp_path / "zz_bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xd9")
    result = runner.invoke(app, ["thermal", "read", "--json", "--progress", "-j", "2", str(tmp_path)])
    assert result.exit_code == 2
    assert len(_objects(result.stdout)) == 4
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"[1/4] {paths[0]}: 1 frame",
        f"[2/4] {paths[1]}: 1 frame",
        f"[3/4] {paths[2]}: 2 frames",
    ]
    assert lines[3].startswith(f"irpatrol: {bad}: ") and lines[4] == f"[4/4] {bad}: failed"


def test_no_progress_when_not_asked(tmp_path: Path) -> None:
    _folder(tmp_path)
    result = runner.invoke(app, ["thermal", "read", "--json", str(tmp_path)])
    assert result.exit_code == 0 and result.stderr == ""


def test_libdirp_without_a_path_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("IRPATROL_DIRP_LIB", raising=False)
    result = runner.invoke(app, ["thermal", "read", "--dji-backend", "libdirp", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "irpatrol: DJI libdirp back-end: no library path given (--dirp-lib PATH or IRPATROL_DIRP_LIB);"
        " libdirp comes with DJI's Thermal SDK and is not shipped with irpatrol"
    )


def test_libdirp_path_that_is_missing_or_not_libdirp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "libdirp.so"
    result = runner.invoke(
        app, ["thermal", "read", "--dji-backend", "libdirp", "--dirp-lib", str(missing), "x"]
    )
    assert result.exit_code == 2 and f"DJI libdirp back-end: no library at {missing}" in result.stderr
    monkeypatch.setenv("IRPATROL_DIRP_LIB", str(missing))
    result = runner.invoke(app, ["thermal", "read", "--dji-backend", "libdirp", "x"])
    assert f"no library at {missing}" in result.stderr
    not_a_lib = tmp_path / "fake.so"
    not_a_lib.write_bytes(b"not an ELF file")
    result = runner.invoke(
        app, ["thermal", "read", "--dji-backend", "libdirp", "--dirp-lib", str(not_a_lib), "x"]
    )
    assert f"DJI libdirp back-end: cannot load {not_a_lib}" in result.stderr


def test_unknown_backend_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["thermal", "read", "--dji-backend", "sdk2", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown DJI back-end 'sdk2'; choose one of dji-thermal-cli, libdirp" in result.stderr
