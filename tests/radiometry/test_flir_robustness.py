"""Damaged FLIR data: only ThermalFormatError escapes, quickly, and forged sizes are refused.

The mutations (truncation, bit flips, splices, overwrites) are aimed at the bytes the decoder
reads: the whole of a standalone FFF blob, and the header part (up to the last FLIR APP1
segment) of an R-JPEG.
"""

from __future__ import annotations

import functools
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irpatrol.errors import ThermalFormatError
from irpatrol.radiometry import decode, fff, jpeg_segments

SMALL_FILES = ["flir_e40.jpg", "flir_ax8.jpg", "flir_unknown_model_320x240.jpg"]
QUICK_S = 2.0
"""A damaged file must be refused (or decoded) within this many seconds, even on a loaded machine."""
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _sample(samples: Path, name: str) -> tuple[bytes, int]:
    """The file's bytes and the end of its last FLIR APP1 segment (the part the decoder reads)."""
    data = (samples / name).read_bytes()
    flir = [s for s in jpeg_segments.segments(data) if s.marker == 0xE1 and s.payload[:5] == b"FLIR\0"]
    return data, flir[-1].offset + 4 + len(flir[-1].payload)


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, int, int]]:
    """A few edits within the first ``size`` bytes: (kind, position, length/bit, source)."""
    edit = st.tuples(
        st.sampled_from(["truncate", "flip", "splice", "overwrite"]),
        st.integers(0, size - 1),
        st.integers(0, 4096),
        st.integers(0, size - 1),
    )
    return draw(st.lists(edit, min_size=1, max_size=4))


def mutate(data: bytes, edits: list[tuple[str, int, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, pos, n, src in edits:
        pos = min(pos, max(len(out) - 1, 0))
        if kind == "truncate":
            del out[pos:]
        elif kind == "flip" and out:
            out[pos] ^= 1 << (n % 8)
        elif kind == "splice":
            out[pos:pos] = out[src : src + n]
        else:
            out[pos : pos + min(n, 8)] = bytes((b * 37 + n) & 0xFF for b in range(min(n, 8)))
    return bytes(out)


def assert_only_our_error(data: bytes) -> None:
    start = time.perf_counter()
    try:
        t = decode(data)
    except ThermalFormatError as exc:
        # The decoder names the problem itself; the dispatcher's catch-all wrapper is not needed.
        assert str(exc) and not exc.message.startswith("corrupt or truncated thermal data (")
    else:
        assert t.celsius.shape == (t.height, t.width) and t.celsius.dtype == np.float32
    assert time.perf_counter() - start < QUICK_S


@pytest.mark.parametrize("name", SMALL_FILES)
def test_mutated_rjpeg_raises_only_thermal_format_error(name: str, samples: Path) -> None:
    data, flir_end = _sample(samples, name)

    @FUZZ
    @given(mutations(flir_end))
    def run(edits: list[tuple[str, int, int, int]]) -> None:
        assert_only_our_error(mutate(data, edits))

    run()


@pytest.mark.parametrize("name", SMALL_FILES)
def test_mutated_fff_raises_only_thermal_format_error(name: str, samples: Path) -> None:
    blob = fff.join_app1(_sample(samples, name)[0])

    @FUZZ
    @given(mutations(len(blob)))
    def run(edits: list[tuple[str, int, int, int]]) -> None:
        assert_only_our_error(mutate(blob, edits))

    run()


@given(st.binary(max_size=2048))
@settings(max_examples=100, deadline=None)
def test_random_bytes_after_an_fff_magic_are_refused_cleanly(tail: bytes) -> None:
    assert_only_our_error(b"FFF\0" + tail)


def _png_blob(samples: Path) -> tuple[bytearray, int, str]:
    """The T640's FFF blob (PNG raw data), the RawData record's offset and its byte order."""
    blob = bytearray(fff.join_app1((samples / "flir_t640.jpg").read_bytes()))
    frame = fff.parse_frame(bytes(blob))
    rec = frame.find(fff.RAW_DATA)
    assert rec is not None and blob[rec.offset + 0x20 : rec.offset + 0x24] == b"\x89PNG"
    return blob, rec.offset, frame.record_order(rec)


def test_png_declaring_a_huge_size_is_refused_before_decompression(samples: Path) -> None:
    blob, at, order = _png_blob(samples)
    struct.pack_into(">II", blob, at + 0x20 + 16, 60000, 60000)  # PNG IHDR width, height
    start = time.perf_counter()
    with pytest.raises(ThermalFormatError, match="60000×60000"):
        decode(bytes(blob))
    assert time.perf_counter() - start < 0.5
    struct.pack_into(order + "HH", blob, at + 2, 60000, 60000)  # RawData agrees: still refused
    with pytest.raises(ThermalFormatError, match="60000×60000"):
        decode(bytes(blob))


def test_png_that_disagrees_with_the_record_size_is_refused(samples: Path) -> None:
    blob, at, _order = _png_blob(samples)
    struct.pack_into(">II", blob, at + 0x20 + 16, 640, 481)
    with pytest.raises(ThermalFormatError, match="640×481"):
        decode(bytes(blob))


def test_raw_payload_shorter_than_declared_is_refused(samples: Path) -> None:
    blob = bytearray(fff.join_app1((samples / "flir_e40.jpg").read_bytes()))
    frame = fff.parse_frame(bytes(blob))
    rec = frame.find(fff.RAW_DATA)
    assert rec is not None
    struct.pack_into(frame.record_order(rec) + "HH", blob, rec.offset + 2, 4000, 4000)
    with pytest.raises(ThermalFormatError, match="less than 4000×4000"):
        decode(bytes(blob))


def test_jpeg_without_flir_data_and_random_bytes_are_refused() -> None:
    with pytest.raises(ThermalFormatError):
        decode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
    with pytest.raises(ThermalFormatError):
        decode(b"FFF\0" + bytes(100))
