"""``irpatrol thermal read | render | export``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.radiometry import jpeg_segments, read, tiff
from irpatrol.radiometry.thermogram import GeoPosition, ImageMeta

runner = CliRunner()


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_read_text_output_names_camera_and_statistics(samples: Path) -> None:
    result = runner.invoke(app, ["thermal", "read", str(samples / "dji_h20t_dirp.jpg")])
    assert result.exit_code == 0, result.output
    assert "DJI ZH20T (dji-rjpeg), 640×512" in result.stdout
    assert "max 56.5 °C" in result.stdout and "emissivity 1" in result.stdout


def test_overrides_recompute_temperatures(samples: Path) -> None:
    path = str(samples / "dji_m3t_iirp.jpg")
    base = _json_lines(runner.invoke(app, ["thermal", "read", "--json", path]).stdout)[0]
    result = runner.invoke(
        app,
        [
            "thermal",
            "read",
            "--json",
            path,
            "--emissivity",
            "0.8",
            "--distance",
            "12",
            "--reflected",
            "10",
            "--humidity",
            "70",
        ],
    )
    assert result.exit_code == 0, result.output
    got = _json_lines(result.stdout)[0]
    assert (got["emissivity"], got["distance_m"], got["reflected_c"], got["humidity"]) == (
        0.8,
        12.0,
        10.0,
        70.0,
    )
    expected = read(path).with_params(emissivity=0.8, distance_m=12, reflected_c=10, humidity=70).celsius
    assert got["t_max_c"] == pytest.approx(float(expected.max()), abs=1e-4)
    assert got["t_max_c"] > base["t_max_c"]


def test_out_of_range_override_is_one_line_and_exit_2(samples: Path) -> None:
    result = runner.invoke(app, ["thermal", "read", str(samples / "dji_m30t_iirp.jpg"), "--distance", "500"])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "distance 500 m is outside the camera's accepted range 1–25 m" in line


def test_override_on_a_temperature_tiff_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.tif"
    path.write_bytes(tiff.encode(np.full((4, 4), 20.0, np.float32)))
    result = runner.invoke(app, ["thermal", "read", str(path), "--emissivity", "0.9"])
    assert result.exit_code == 2 and "temperatures only" in result.stderr


def test_missing_file_is_reported_and_others_still_read(samples: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jpg"
    result = runner.invoke(
        app, ["thermal", "read", "--json", str(missing), str(samples / "dji_xts_dirp.jpg")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"irpatrol: {missing}: ")
    assert [o["camera"] for o in _json_lines(result.stdout)] == ["DJI XT S"]


def test_render_writes_a_png_with_isotherm(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.png"
    result = runner.invoke(
        app,
        [
            "thermal",
            "render",
            str(samples / "dji_h20t_dirp.jpg"),
            "--palette",
            "rainbow",
            "--out",
            str(out),
            "--isotherm",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape[0] == 512 and img.shape[1] > 640
    assert np.any(np.all(img[:, :640] == (255, 0, 255), axis=2))  # rainbow's isotherm colour


def test_render_unknown_palette_exits_2(samples: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "thermal",
            "render",
            str(samples / "dji_xts_dirp.jpg"),
            "--palette",
            "sepia",
            "--out",
            str(tmp_path / "x.png"),
        ],
    )
    assert result.exit_code == 2 and "unknown palette 'sepia'" in result.stderr


@pytest.mark.parametrize("fmt", ["tiff", "npy", "csv"])
def test_export_keeps_the_temperatures(samples: Path, tmp_path: Path, fmt: str) -> None:
    src = samples / "dji_m30t_girp.jpg"
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["thermal", "export", str(src), "--to", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = read(src).celsius
    if fmt == "tiff":
        back = read(out)
        np.testing.assert_array_equal(back.celsius, expected)
        assert back.meta.captured_at == read(src).meta.captured_at and back.meta.model == "M30T"
    elif fmt == "npy":
        arr = np.load(out)
        assert arr.dtype == np.float32
        np.testing.assert_array_equal(arr, expected)
    else:
        arr = np.loadtxt(out, delimiter=",", dtype=np.float64)
        assert arr.shape == expected.shape
        np.testing.assert_allclose(arr, expected, atol=5e-5)


def test_exported_tiff_keeps_gps(tmp_path: Path) -> None:
    src = tmp_path / "with_gps.tif"
    src.write_bytes(
        tiff.encode(np.full((8, 8), 31.5, np.float32), ImageMeta(gps=GeoPosition(22.54, 113.95, 80.0)))
    )
    out = tmp_path / "copy.tif"
    assert (
        runner.invoke(app, ["thermal", "export", str(src), "--to", "tiff", "--out", str(out)]).exit_code == 0
    )
    exif = Image.open(io.BytesIO(out.read_bytes())).getexif().get_ifd(0x8825)
    assert exif[1] == "N" and float(exif[2][0]) == 22.0
    assert read(out).meta.gps == read(src).meta.gps


def test_export_unknown_format_exits_2(samples: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["thermal", "export", str(samples / "dji_xts_dirp.jpg"), "--to", "xls", "--out", str(tmp_path / "x")],
    )
    assert result.exit_code == 2 and "unknown export format 'xls'" in result.stderr


def _fff_blob(jpeg: bytes) -> bytes:
    """The FFF blob of a FLIR R-JPEG: APP1 ``FLIR\\0`` payloads after their 8-byte header, by chunk
    index (shared/domain/radiometry.md §1)."""
    chunks = [
        s.payload for s in jpeg_segments.segments(jpeg) if s.marker == 0xE1 and s.payload[:5] == b"FLIR\0"
    ]
    return b"".join(c[8:] for c in sorted(chunks, key=lambda c: c[6]))


def test_seq_gives_one_object_per_frame(samples: Path, tmp_path: Path) -> None:
    seq = tmp_path / "flight.seq"
    seq.write_bytes(_fff_blob((samples / "flir_e40.jpg").read_bytes()) * 3)
    result = runner.invoke(app, ["thermal", "read", "--json", str(seq)])
    assert result.exit_code == 0, result.output
    objects = _json_lines(result.stdout)
    assert [o["frame"] for o in objects] == [0, 1, 2]
    assert {(o["width"], o["height"], o["t_max_c"]) for o in objects} == {(160, 120, 24.7004)}


def test_csv_writes_non_finite_values_as_empty_fields() -> None:
    from irpatrol.radiometry.export import to_csv

    text = to_csv(np.array([[1.5, np.nan], [-np.inf, -20.25]], np.float32)).decode()
    assert text == "1.5000,\n,-20.2500\n"


def _with_rangefinder_xmp(jpeg: bytes, distance_m: float) -> bytes:
    """The JPEG with a DJI XMP APP1 segment (LRFStatus Normal) inserted after SOI."""
    xmp = (
        b"http://ns.adobe.com/xap/1.0/\0"
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" drone-dji:LRFStatus="Normal" '
        b'drone-dji:LRFTargetDistance="' + str(distance_m).encode() + b'"/></rdf:RDF></x:xmpmeta>'
    )
    return jpeg[:2] + b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp + jpeg[2:]


def test_rangefinder_distance_is_recorded_and_used_only_on_request(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "lrf.jpg"
    path.write_bytes(_with_rangefinder_xmp((samples / "dji_m30t_iirp.jpg").read_bytes(), 12.5))
    default = _json_lines(runner.invoke(app, ["thermal", "read", "--json", str(path)]).stdout)[0]
    assert default["lrf_distance_m"] == 12.5
    assert (default["distance_m"], default["distance_source"]) == (5.0, "embedded")
    used = _json_lines(runner.invoke(app, ["thermal", "read", "--json", "--use-lrf", str(path)]).stdout)[0]
    assert (used["distance_m"], used["distance_source"]) == (12.5, "rangefinder")
    expected = read(samples / "dji_m30t_iirp.jpg").with_params(distance_m=12.5).celsius
    assert used["t_mean_c"] == pytest.approx(float(expected.mean(dtype=np.float64)), abs=1e-4)
    explicit = runner.invoke(app, ["thermal", "read", "--json", "--use-lrf", "--distance", "3", str(path)])
    assert _json_lines(explicit.stdout)[0]["distance_source"] == "option"
