"""Damaged input: only ThermalFormatError ever escapes ``irpatrol.radiometry.decode``.

Hypothesis mutates real DJI R-JPEGs and our radiometric TIFFs (truncation, bit flips, byte
splices, segment-header damage) and feeds random bytes and a JPEG without thermal data.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from typer.testing import CliRunner

from irpatrol.cli.main import app
from irpatrol.errors import ThermalFormatError
from irpatrol.radiometry import decode, jpeg_segments, tiff
from irpatrol.radiometry.thermogram import GeoPosition, ImageMeta

DJI_SAMPLES = ["dji_m3t_iirp.jpg", "dji_xts_dirp.jpg", "dji_m30t_girp.jpg", "dji_h20t_dirp.jpg"]
FUZZ = settings(
    max_examples=60,
    deadline=10_000,  # ms per example: a hang fails the test instead of stalling the suite
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _sample(folder: Path, name: str) -> tuple[bytes, tuple[int, ...]]:
    """A sample's bytes and the offsets of its JPEG header segments (where damage matters most)."""
    data = (folder / name).read_bytes()
    return data, tuple(s.offset for s in jpeg_segments.segments(data))


@functools.cache
def _tiff_sample() -> bytes:
    c = np.linspace(-5, 60, 64 * 48, dtype=np.float32).reshape(48, 64)
    return tiff.encode(c, ImageMeta(make="DJI", model="M3T", gps=GeoPosition(30.0, 114.0, 50.0)))


def _plain_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(buf, "JPEG")
    return buf.getvalue()


def _decode_only_our_error(data: bytes) -> None:
    try:
        t = decode(data)
    except ThermalFormatError:
        return
    assert t.celsius.ndim == 2 and t.celsius.dtype == np.float32


@st.composite
def _damaged(draw: st.DrawFn, original: bytes, hotspots: tuple[int, ...]) -> bytes:
    data = bytearray(original)
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "segment"]))
    if kind == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 16))):
            base = draw(st.sampled_from(hotspots)) if hotspots else 0
            pos = min(base + draw(st.integers(0, 4096)), len(data) - 1)
            data[pos] ^= 1 << draw(st.integers(0, 7))
        return bytes(data)
    if kind == "splice":
        start = draw(st.integers(0, len(data) - 1))
        length = draw(st.integers(1, 4096))
        return bytes(data[:start]) + draw(st.binary(min_size=0, max_size=64)) + bytes(data[start + length :])
    # segment: overwrite a segment's length or its first payload bytes
    pos = draw(st.sampled_from(hotspots)) if hotspots else 0
    pos += draw(st.integers(-4, 32))
    pos = max(0, min(pos, len(data) - 4))
    data[pos : pos + 4] = draw(st.binary(min_size=4, max_size=4))
    return bytes(data)


@FUZZ
@given(st.data())
def test_damaged_dji_files_raise_only_thermal_format_error(samples: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(DJI_SAMPLES))
    original, offsets = _sample(samples, name)
    _decode_only_our_error(data.draw(_damaged(original, offsets)))


@FUZZ
@given(st.data())
def test_damaged_tiffs_raise_only_thermal_format_error(data: st.DataObject) -> None:
    original = _tiff_sample()
    _decode_only_our_error(data.draw(_damaged(original, (0, 8, 300))))


@settings(max_examples=60, deadline=2_000)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_thermal_format_error(blob: bytes) -> None:
    for prefix in (b"", b"\xff\xd8", b"II*\0", b"MM\0*", b"FFF\0"):
        with pytest.raises(ThermalFormatError):
            decode(prefix + blob)


def test_jpeg_without_thermal_data() -> None:
    with pytest.raises(ThermalFormatError, match="without radiometric data"):
        decode(_plain_jpeg())


def test_cli_reports_a_bad_file_in_one_line_and_exits_2(tmp_path: Path, samples: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(_sample(samples, "dji_m3t_iirp.jpg")[0][:5000])
    plain = tmp_path / "photo.jpg"
    plain.write_bytes(_plain_jpeg())
    good = samples / "dji_m30t_girp.jpg"
    result = CliRunner().invoke(app, ["thermal", "read", "--json", str(bad), str(good), str(plain)])
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"irpatrol: {bad}: ") and errors[1].startswith(f"irpatrol: {plain}: ")
    assert "Traceback" not in result.output
    assert len(result.stdout.strip().splitlines()) == 1  # the good file is still read
