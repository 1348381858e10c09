"""Standalone FFF and multi-frame SEQ files, in both byte orders, built from the sample R-JPEGs.

The FFF blob of an R-JPEG is what a .fff file holds, so each test re-packs a sample's blob as
a file and checks that the temperatures equal those decoded from the JPEG itself. The helpers
below re-encode a blob in the other byte order independently of the decoder (field layout from
ExifTool ``FLIR.pm``).
"""

from __future__ import annotations

import functools
import struct
from pathlib import Path

import numpy as np
import pytest

from irpatrol.errors import ThermalFormatError
from irpatrol.radiometry import Thermogram, decode_frames, jpeg_segments, read

CAMERA_INFO_U32_FIELDS = [*range(0x20, 0x98, 4), 0x308, 0x30C, 0x384, 0x388]
"""4-byte CameraInfo fields (floats, int32, time) that a byte-order change must swap."""


def app1_blob(jpeg: bytes) -> bytes:
    """The FFF blob: FLIR APP1 payloads after their 8-byte header, in chunk-index order."""
    chunks = [
        s.payload for s in jpeg_segments.segments(jpeg) if s.marker == 0xE1 and s.payload[:5] == b"FLIR\0"
    ]
    return b"".join(c[8:] for c in sorted(chunks, key=lambda c: c[6]))


def _directory(blob: bytes) -> tuple[str, list[tuple[int, ...]]]:
    order = ">" if 100 <= struct.unpack_from(">I", blob, 0x14)[0] < 200 else "<"
    _, offset, count = struct.unpack_from(order + "III", blob, 0x14)
    entries = [struct.unpack_from(order + "HHIIIIIII", blob, offset + 32 * i) for i in range(count)]
    return order, [e for e in entries if e[0] != 0]


def _swap(buf: bytearray, at: int, fmt: str, src: str, dst: str) -> None:
    if at + struct.calcsize(fmt) <= len(buf):
        struct.pack_into(dst + fmt, buf, at, *struct.unpack_from(src + fmt, buf, at))


def reencode(blob: bytes, order: str) -> bytes:
    """The blob with header, directory and the RawData/CameraInfo/EmbeddedImage records all in ``order``.

    Raw u16 pixels are rewritten in ``order``; PNG payloads are left as they are (their byte
    order is the PNG's own). Other records are dropped.
    """
    src_order, entries = _directory(blob)
    records: list[tuple[int, int, int, bytes]] = []
    for rtype, subtype, version, *_rest in entries:
        offset, length = _rest[1], _rest[2]
        rec = bytearray(blob[offset : offset + length])
        rec_order = (
            src_order if struct.unpack_from(src_order + "H", rec, 0)[0] < 0x100 else "<>"[src_order == "<"]
        )
        if rtype == 0x01:
            _swap(rec, 0, "3H", rec_order, order)
            if rec[0x20:0x24] != b"\x89PNG":
                n = (len(rec) - 0x20) // 2
                rec[0x20 : 0x20 + 2 * n] = (
                    np.frombuffer(bytes(rec[0x20 : 0x20 + 2 * n]), rec_order + "u2")
                    .astype(order + "u2")
                    .tobytes()
                )
                subtype = 1 if order == ">" else 2
        elif rtype == 0x20:
            _swap(rec, 0, "3H", rec_order, order)
            for at in CAMERA_INFO_U32_FIELDS:
                _swap(rec, at, "I", rec_order, order)
            _swap(rec, 0x38C, "h", rec_order, order)
        elif rtype == 0x0E:
            _swap(rec, 0, "3H", rec_order, order)
        else:
            continue
        records.append((rtype, subtype, version, bytes(rec)))
    dir_offset = 0x40
    data_offset = dir_offset + 32 * len(records)
    header = bytearray(blob[:0x40])
    struct.pack_into(order + "III", header, 0x14, 100, dir_offset, len(records))
    directory, body = b"", b""
    for i, (rtype, subtype, version, rec) in enumerate(records):
        directory += struct.pack(
            order + "HHIIIIIII", rtype, subtype, version, i + 1, data_offset + len(body), len(rec), 0, 0, 0
        )
        body += rec
    return bytes(header) + directory + body


@functools.cache
def _jpeg(path: str) -> tuple[bytes, Thermogram]:
    data = Path(path).read_bytes()
    return data, read(data)


def _same_temperatures(a: Thermogram, b: Thermogram) -> None:
    assert a.celsius.shape == b.celsius.shape
    np.testing.assert_array_equal(a.raw, b.raw)
    np.testing.assert_allclose(a.celsius, b.celsius, atol=1e-4)
    assert a.params == b.params


@pytest.mark.parametrize(
    "name", ["flir_t640.jpg", "flir_sc660_thermimage_IR_2412.jpg", "dji_xt2_flir_core.jpg"]
)
@pytest.mark.parametrize("order", ["<", ">", None])
def test_fff_file_in_either_byte_order_equals_the_jpeg(name: str, order: str | None, samples: Path) -> None:
    data, from_jpeg = _jpeg(str(samples / name))
    blob = app1_blob(data)
    fff_file = blob if order is None else reencode(blob, order)
    frames = decode_frames(fff_file)
    assert len(frames) == 1
    t = frames[0]
    assert t.source_format == "flir-fff" and t.frame == 0
    _same_temperatures(t, from_jpeg)
    assert t.meta.captured_at == from_jpeg.meta.captured_at
    assert t.meta.model == (from_jpeg.details["camera_model"] or None)  # no EXIF in a .fff: CameraInfo's
    if order == ">" and from_jpeg.details["raw_layout"] != "png":
        assert t.details["raw_layout"] == "raw-be"


def test_seq_frames_are_split_and_numbered(samples: Path) -> None:
    names = ["flir_t640.jpg", "flir_e40.jpg", "flir_sc660_thermimage_IR_2412.jpg"]
    decoded = [_jpeg(str(samples / n)) for n in names]
    blobs = [
        app1_blob(decoded[0][0]),
        reencode(app1_blob(decoded[1][0]), "<"),
        reencode(app1_blob(decoded[2][0]), ">"),
    ]
    seq = b"".join([*blobs, blobs[0]])
    frames = decode_frames(seq)
    assert [f.frame for f in frames] == [0, 1, 2, 3]
    assert {f.source_format for f in frames} == {"flir-seq"}
    for got, (_data, expected) in zip(frames, [*decoded, decoded[0]], strict=True):
        _same_temperatures(got, expected)


def test_seq_with_a_broken_frame_names_the_frame(samples: Path) -> None:
    data, _ = _jpeg(str(samples / "flir_e40.jpg"))
    blob = app1_blob(data)
    broken = bytearray(blob)
    order, _ = _directory(blob)
    struct.pack_into(order + "I", broken, 0x1C, 3_000_000)  # absurd record count
    with pytest.raises(ThermalFormatError, match="frame 1"):
        decode_frames(blob + bytes(broken) + blob)
    truncated = blob + blob[: len(blob) // 2]
    with pytest.raises(ThermalFormatError, match="frame 1"):
        decode_frames(truncated)


def test_app1_chunks_are_joined_by_index_not_by_position(samples: Path) -> None:
    data, expected = _jpeg(str(samples / "flir_b60.jpg"))
    segs = jpeg_segments.segments(data)
    flir = [s for s in segs if s.marker == 0xE1 and s.payload[:5] == b"FLIR\0"]
    assert len(flir) > 2
    start, end = flir[0].offset, flir[-1].offset + 4 + len(flir[-1].payload)
    assert data[start:end] == b"".join(data[s.offset : s.offset + 4 + len(s.payload)] for s in flir)
    shuffled = b"".join(data[s.offset : s.offset + 4 + len(s.payload)] for s in reversed(flir))
    t = read(data[:start] + shuffled + data[end:])
    _same_temperatures(t, expected)


def test_missing_or_repeated_app1_chunk_is_refused(samples: Path) -> None:
    data, _ = _jpeg(str(samples / "flir_b60.jpg"))
    flir = [s for s in jpeg_segments.segments(data) if s.marker == 0xE1 and s.payload[:5] == b"FLIR\0"]
    second = flir[1]
    seg = data[second.offset : second.offset + 4 + len(second.payload)]
    with pytest.raises(ThermalFormatError, match="missing"):
        read(data.replace(seg, b"", 1))
    with pytest.raises(ThermalFormatError, match="twice"):
        read(data.replace(seg, seg + seg, 1))


@pytest.mark.parametrize(("stored", "percent"), [(0.65, 65.0), (65.0, 65.0), (2.0, None)])
def test_relative_humidity_fraction_or_percent(stored: float, percent: float | None, samples: Path) -> None:
    """CameraInfo 0x3c holds a fraction; values above 2 are percent (ExifTool ``FLIR.pm``), so 2.0
    is a fraction of 200 % and refused."""
    blob = bytearray(reencode(app1_blob(_jpeg(str(samples / "flir_e40.jpg"))[0]), "<"))
    _order, entries = _directory(bytes(blob))
    camera_info_offset = next(e[4] for e in entries if e[0] == 0x20)
    struct.pack_into("<f", blob, camera_info_offset + 0x3C, stored)
    if percent is None:
        with pytest.raises(ThermalFormatError, match="RelativeHumidity"):
            read(bytes(blob))
    else:
        assert read(bytes(blob)).params.humidity == pytest.approx(percent, abs=1e-3)


def test_an_fff_magic_inside_pixel_data_does_not_start_a_frame(samples: Path) -> None:
    blob = bytearray(app1_blob(_jpeg(str(samples / "flir_e40.jpg"))[0]))
    _order, entries = _directory(bytes(blob))
    raw_offset = next(e[4] for e in entries if e[0] == 0x01)
    blob[raw_offset + 0x100 : raw_offset + 0x104] = b"FFF\0"  # two pixels that spell the magic
    frames = decode_frames(bytes(blob) + bytes(blob))
    assert len(frames) == 2
    np.testing.assert_array_equal(frames[0].raw, frames[1].raw)
