"""Damaged constructed files (PNG raw in either order, JPEG-LS raw, CSQ, LZW FLIR TIFF, InfiRay and
HIKMICRO JPEGs): only ThermalFormatError escapes ``decode`` and the streaming ``iter_frames``."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import flir_build as fb
import numpy as np
import tifffile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irpatrol.errors import ThermalFormatError
from irpatrol.radiometry import decode, iter_frames

FUZZ = settings(max_examples=40, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _seeds() -> tuple[bytes, ...]:
    counts = fb.counts_of(fb.scene(24, 32))
    tif = io.BytesIO()
    tifffile.imwrite(
        tif,
        np.rint((fb.scene(24, 32) + fb.K) / 0.04).astype(np.uint16),
        compression="lzw",
        predictor=True,
        extratags=[(271, "s", 0, "FLIR", True), (272, "s", 0, "Vue Pro R", True)],
    )
    return (
        fb.rjpeg(fb.flir_frame(counts, "png-be", raw_range=(1000, 9000))),
        fb.rjpeg(fb.flir_frame(counts, "jpeg-ls")),
        fb.flir_frame(counts, "jpeg-ls") * 3,
        tif.getvalue(),
        fb.plain_jpeg(fb.ijpeg_app2(), fb.segment(0xE3, b"\0" * 300)),
        fb.plain_jpeg(fb.exif_app1("HIKMICRO"), fb.segment(0xE3, b"\1" * 300)),
    )


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_seeds())))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.integers(len(data) // 3, len(data)))
    return bytes(data[:cut])


@FUZZ
@given(damaged())
def test_damaged_constructed_files_raise_only_our_error(data: bytes) -> None:
    try:
        t = decode(data)
    except ThermalFormatError:
        return
    assert t.celsius.ndim == 2 and t.celsius.dtype == np.float32


@FUZZ
@given(damaged())
def test_damaged_files_stream_with_only_our_error(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("fuzz") / "f.csq"
    path.write_bytes(data)
    try:
        for t in iter_frames(path):
            assert t.celsius.ndim == 2
    except ThermalFormatError as exc:
        assert exc.source == str(path)
