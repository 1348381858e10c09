"""Builders for constructed radiometric files (FLIR FFF/R-JPEG/SEQ/CSQ, vendor JPEGs), written from
the published layouts (ExifTool ``FLIR.pm``, ``InfiRay.pm``; PNG, JPEG and EXIF/TIFF 6.0 specs)
independently of the decoders, so the tests can construct each case on the fly.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

import numpy as np

from irpatrol.radiometry.planck import PlanckCalibration, celsius_to_raw
from irpatrol.radiometry.thermogram import CaptureParams

K = 273.15
CAL = PlanckCalibration(r1=17096.453, r2=0.048084795, b=1428.0, f=1.0, o=-370.0)
"""A FLIR Tau-like calibration (the one tests/radiometry/test_tiff_raw uses)."""
PARAMS = CaptureParams(
    emissivity=0.95, distance_m=1.0, reflected_c=20.0, atmospheric_c=20.0, humidity=50.0,
    ir_window_c=20.0, ir_window_transmission=1.0,
)  # fmt: skip


def scene(height: int = 48, width: int = 64, *, hot_c: float = 60.0, seed: int = 0) -> np.ndarray:
    """A smooth scene (°C): a 20…30 °C gradient with a hot disc and 0.05 K noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    t = 20.0 + 10.0 * x / width + rng.normal(0, 0.05, (height, width))
    disc = (x - width * 0.6) ** 2 + (y - height * 0.5) ** 2 < (min(height, width) * 0.15) ** 2
    t[disc] = hot_c
    return t


def counts_of(
    celsius: np.ndarray, params: CaptureParams = PARAMS, cal: PlanckCalibration = CAL
) -> np.ndarray:
    """uint16 counts the camera of ``cal`` reads from ``celsius`` under ``params``."""
    return np.rint(celsius_to_raw(np.asarray(celsius, dtype=np.float64), cal, params)).astype(np.uint16)


def camera_info(
    order: str = ">",
    *,
    params: CaptureParams = PARAMS,
    cal: PlanckCalibration = CAL,
    range_c: tuple[float, float] = (-20.0, 150.0),
    raw_range: tuple[int, int] = (0, 0),
    model: str = "Constructed",
) -> bytes:
    """A CameraInfo record (ExifTool ``FLIR::CameraInfo`` offsets; temperatures in K)."""
    buf = bytearray(0x400)
    struct.pack_into(order + "H", buf, 0, 2)
    struct.pack_into(
        order + "6f", buf, 0x20, params.emissivity, params.distance_m, params.reflected_c + K,
        (params.atmospheric_c or 20.0) + K, (params.ir_window_c or 20.0) + K,
        params.ir_window_transmission or 1.0,
    )  # fmt: skip
    struct.pack_into(order + "f", buf, 0x3C, (params.humidity or 50.0) / 100.0)
    struct.pack_into(order + "3f", buf, 0x58, cal.r1, cal.b, cal.f)
    struct.pack_into(order + "5f", buf, 0x70, cal.alpha1, cal.alpha2, cal.beta1, cal.beta2, cal.x)
    struct.pack_into(order + "2f", buf, 0x90, range_c[1] + K, range_c[0] + K)
    buf[0xD4 : 0xD4 + len(model)] = model.encode()
    struct.pack_into(order + "if", buf, 0x308, int(cal.o), cal.r2)
    struct.pack_into(order + "HH", buf, 0x310, *raw_range)
    return bytes(buf)


def png16(samples: np.ndarray) -> bytes:
    """A 16-bit grayscale PNG whose stored (big-endian) samples are ``samples``."""
    h, w = samples.shape
    rows = b"".join(b"\0" + samples[r].astype(">u2").tobytes() for r in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def raw_data(counts: np.ndarray, layout: str, order: str = ">") -> bytes:
    """A RawData record: u16 marker, width, height, 0x20-byte header, then the pixels as
    ``raw`` (u16 in ``order``), ``png-le`` (PNG with byte-swapped samples, as most FLIR cameras
    write), ``png-be`` (PNG in its own order, as the ThermaCAM EX320 writes) or ``jpeg-ls``."""
    h, w = counts.shape
    head = bytearray(0x20)
    struct.pack_into(order + "HHH", head, 0, 2, w, h)
    if layout == "raw":
        body = counts.astype(order + "u2").tobytes()
    elif layout == "png-le":
        body = png16(counts.byteswap())
    elif layout == "png-be":
        body = png16(counts)
    elif layout == "jpeg-ls":
        import imagecodecs

        body = bytes(imagecodecs.jpegls_encode(np.ascontiguousarray(counts, dtype=np.uint16)))
    else:
        raise ValueError(layout)
    return bytes(head) + body


def fff(records: Sequence[tuple[int, bytes]], order: str = ">", creator: str = "CAM") -> bytes:
    """An FFF blob: 0x40-byte header (version 101), directory at 0x40, records after it."""
    n = len(records)
    offset = 0x40 + 0x20 * n
    head = bytearray(0x40)
    head[:4] = b"FFF\0"
    head[4 : 4 + len(creator)] = creator.encode()
    struct.pack_into(order + "III", head, 0x14, 101, 0x40, n)
    directory, bodies = b"", b""
    for i, (rtype, body) in enumerate(records):
        directory += struct.pack(order + "HHIIIIIII", rtype, 1, 100, i + 1, offset, len(body), 0, 0, 0)
        bodies += body
        offset += len(body)
    return bytes(head) + directory + bodies


def gps_info(lat: float, lon: float, alt_m: float = 50.0) -> bytes:
    """A GPSInfo record (ExifTool ``FLIR::GPSInfo``, little-endian): valid flag, latitude and
    longitude (double) at 0x10/0x18, altitude (float) at 0x20."""
    buf = bytearray(0x60)
    struct.pack_into("<I", buf, 0, 1)
    struct.pack_into("<ddf", buf, 0x10, lat, lon, alt_m)
    return bytes(buf)


def flir_frame(
    counts: np.ndarray,
    layout: str = "png-le",
    order: str = ">",
    gps: tuple[float, float] | None = None,
    **info: object,
) -> bytes:
    """One FFF frame with RawData and CameraInfo records (and GPSInfo when ``gps`` is given)."""
    if gps is not None:
        return fff(
            [
                (0x01, raw_data(counts, layout, order)),
                (0x20, camera_info(order, **info)),  # type: ignore[arg-type]
                (0x2B, gps_info(*gps)),
            ],
            order,
        )
    return fff([(0x01, raw_data(counts, layout, order)), (0x20, camera_info(order, **info))], order)  # type: ignore[arg-type]


def exif_app1(make: str, model: str = "") -> bytes:
    """An APP1 EXIF segment with IFD0 Make (and Model)."""
    tags = [(0x010F, make.encode() + b"\0")] + ([(0x0110, model.encode() + b"\0")] if model else [])
    ifd_size = 2 + 12 * len(tags) + 4
    values_at = 8 + ifd_size
    entries, values = b"", b""
    for tag, raw in tags:
        if len(raw) <= 4:
            entries += struct.pack("<HHI", tag, 2, len(raw)) + raw.ljust(4, b"\0")
        else:
            entries += struct.pack("<HHII", tag, 2, len(raw), values_at + len(values))
            values += raw
    tiff = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(tags)) + entries + b"\0\0\0\0" + values
    return segment(0xE1, b"Exif\0\0" + tiff)


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


TINY_SCAN = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x00\x00" + b"\xff\xd9"
"""A start-of-scan header, two bytes of scan data and EOI: enough JPEG for the header walkers."""


def rjpeg(blob: bytes, *extra_segments: bytes, chunk: int = 60000) -> bytes:
    """A FLIR R-JPEG: SOI, extra segments, the blob in APP1 ``FLIR\\0`` chunks, a tiny scan, EOI."""
    parts = [blob[i : i + chunk] for i in range(0, len(blob), chunk)] or [b""]
    app1 = b"".join(
        segment(0xE1, b"FLIR\0\x01" + bytes([i, len(parts) - 1]) + part) for i, part in enumerate(parts)
    )
    return b"\xff\xd8" + b"".join(extra_segments) + app1 + TINY_SCAN


def plain_jpeg(*extra_segments: bytes, trailer: bytes = b"") -> bytes:
    """A JPEG header with ``extra_segments``, a tiny scan, EOI and ``trailer`` bytes after it."""
    return b"\xff\xd8" + b"".join(extra_segments) + TINY_SCAN + trailer


def ijpeg_app2(ir: tuple[int, int] = (256, 192), temp: tuple[int, int] = (256, 192), fmt: int = 2) -> bytes:
    """An InfiRay IJPEG version header (APP2; ExifTool ``InfiRay::Version``, little-endian)."""
    buf = bytearray(0x50)
    buf[0:4] = bytes([1, 0, 0, 0])
    buf[4:10] = b"IJPEG\0"
    struct.pack_into("<QHHHB", buf, 0x20, ir[0] * ir[1] * 2, fmt, ir[0], ir[1], 16)
    struct.pack_into("<QHHHB", buf, 0x30, temp[0] * temp[1] * 2, fmt, temp[0], temp[1], 16)
    return segment(0xE2, bytes(buf))
