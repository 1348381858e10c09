"""FLIR R-JPEG, FFF and SEQ files (and DJI XT/XT2, which carry a FLIR core's records) → Thermograms.

The container is parsed by :mod:`.fff`; this module reads the records that matter and applies the
Planck/atmosphere equation of :mod:`.planck`. Record layouts follow ExifTool ``FLIR.pm`` (v12.57):

* RawData (0x01): u16 byte-order marker, u16 width at +2, u16 height at +4, pixels at +0x20, either
  a 16-bit grayscale PNG (samples stored byte-swapped by the cameras, i.e. little-endian) or raw
  u16 in the record's byte order.
* CameraInfo (0x20): object parameters (temperatures in kelvin), Planck and atmospheric constants,
  camera and lens names, capture time (see :func:`read_camera_info`).
* EmbeddedImage (0x0e): the visible image at +0x20 (JPEG on most cameras, YCbCr PNG on some).
* GPSInfo (0x2b, little-endian): valid flag, latitude/longitude (double), altitude (float).

Only :class:`~irpatrol.errors.ThermalFormatError` leaves this module; every size is checked before
memory is allocated for it.
"""

from __future__ import annotations

import dataclasses
import io
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, BinaryIO

import numpy as np
from PIL import Image

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import fff
from irpatrol.radiometry.planck import PlanckCalibration, PlanckRecalibrator, raw_to_celsius
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, ImageMeta, Thermogram
from irpatrol.units import KELVIN_OFFSET, RawArray

__all__ = [
    "MAX_PIXELS",
    "MAX_SIDE",
    "CameraInfo",
    "decode_fff_frames",
    "decode_rjpeg",
    "iter_fff_frames",
    "read_camera_info",
    "read_raw_data",
]

MAX_SIDE = 8192
"""Largest accepted thermal frame side (px); the largest FLIR sensors are 1280×1024."""
MAX_PIXELS = 4096 * 4096
"""Largest accepted thermal frame (px): 32 MiB of counts, 64 MiB of °C."""

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_RECORD_HEADER = 0x20
"""RawData and EmbeddedImage records carry 16 u16 header words before the image bytes."""
_CAMERA_INFO_MIN = 0x310
"""CameraInfo must reach PlanckR2 (0x30c, 4 bytes); the capture time (0x384, 10 bytes) is optional."""


@dataclass(frozen=True)
class CameraInfo:
    """What a CameraInfo record says, converted to our units (°C, m, percent).

    Attributes:
        params: emissivity, object distance (m), reflected/atmospheric/IR-window temperature (°C),
            window transmission and relative humidity (%) the camera recorded.
        calibration: Planck R1, R2, B, F, O and atmospheric α1, α2, β1, β2, X.
        model, lens, serial: camera model, lens model and camera serial number strings.
        range_c: the camera's temperature range (min, max) in °C (None where the file's value is
            not a temperature).
        captured_at: capture time with the camera's UTC offset, or None.
        raw_value_range: RawValueRangeMin/Max (counts, CameraInfo 0x310/0x312, ExifTool
            ``FLIR::CameraInfo``), the counts the camera is calibrated for; None where the file
            leaves them 0 or out of order.
    """

    params: CaptureParams
    calibration: PlanckCalibration
    model: str
    lens: str
    serial: str
    range_c: tuple[float | None, float | None]
    captured_at: datetime | None
    raw_value_range: tuple[int, int] | None = None


def _string(buf: bytes, offset: int, size: int) -> str:
    """NUL-terminated string field (Latin-1, printable part only)."""
    text = buf[offset : offset + size].split(b"\0", 1)[0].decode("latin-1")
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _f32(value: float) -> float:
    """A float32 field as the shortest decimal that round-trips (8 significant digits, as ExifTool prints)."""
    return float(f"{value:.8g}")


def _finite(name: str, value: float, lo: float, hi: float) -> float:
    """``value`` if it is finite and within [lo, hi], else ThermalFormatError naming the field."""
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ThermalFormatError(f"CameraInfo {name} = {value!r} is outside {lo}…{hi}")
    return value


def _kelvin_to_c(name: str, value_k: float) -> float:
    """A CameraInfo temperature (K, float32) in °C, rounded to 0.1 mK (float32 resolution at 300 K)."""
    return round(_finite(name, value_k, 1.0, 2273.0) - KELVIN_OFFSET, 4)


def _optional_c(value_k: float) -> float | None:
    """A kelvin value in °C (0.01 K), or None when it is not a plausible temperature (informative fields)."""
    return round(value_k - KELVIN_OFFSET, 2) if math.isfinite(value_k) and 0 < value_k < 1e4 else None


def _capture_time(buf: bytes, order: str) -> datetime | None:
    """CameraInfo 0x384: u32 Unix time, u32 milliseconds (low 16 bits), i16 minutes west of UTC.

    Source: ExifTool ``FLIR.pm`` DateTimeOriginal (local time = t − tz·60 s, offset −tz minutes).
    """
    if len(buf) < 0x38E:
        return None
    seconds, subsec, tz_min = struct.unpack_from(order + "IIh", buf, 0x384)
    if seconds == 0 or abs(tz_min) >= 24 * 60:
        return None
    zone = timezone(timedelta(minutes=-tz_min))
    ms = min(subsec & 0xFFFF, 999)
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone) + timedelta(milliseconds=ms)


def read_camera_info(frame: fff.FffFrame, rec: fff.Record) -> CameraInfo:
    """Parse a CameraInfo record (offsets from ExifTool ``FLIR::CameraInfo``).

    0x20 emissivity, 0x24 object distance (m), 0x28/0x2c/0x30 reflected/atmospheric/window
    temperature (K), 0x34 window transmission, 0x3c relative humidity (a fraction; values > 2 are
    percent), 0x58/0x5c/0x60 R1/B/F, 0x70–0x80 α1, α2, β1, β2, X, 0x90/0x94 range max/min (K),
    0xd4 model[32], 0x104 serial[16], 0x170 lens[32], 0x308 O (int32), 0x30c R2.
    """
    if rec.length < _CAMERA_INFO_MIN:
        raise ThermalFormatError(f"CameraInfo record is {rec.length} bytes, shorter than {_CAMERA_INFO_MIN}")
    order = frame.record_order(rec)
    buf = frame.payload(rec)
    e, dist, t_refl, t_atm, t_win, irt = struct.unpack_from(order + "6f", buf, 0x20)
    (rh,) = struct.unpack_from(order + "f", buf, 0x3C)
    r1, b, f = struct.unpack_from(order + "3f", buf, 0x58)
    a1, a2, b1, b2, x = struct.unpack_from(order + "5f", buf, 0x70)
    t_max, t_min = struct.unpack_from(order + "2f", buf, 0x90)
    o, r2 = struct.unpack_from(order + "if", buf, 0x308)
    rh_fraction = rh / 100.0 if rh > 2 else rh
    params = CaptureParams(
        emissivity=round(_finite("Emissivity", e, 1e-3, 1.0), 6),
        distance_m=round(_finite("ObjectDistance", dist, 0.0, 1e6), 6),
        reflected_c=_kelvin_to_c("ReflectedApparentTemperature", t_refl),
        atmospheric_c=_kelvin_to_c("AtmosphericTemperature", t_atm),
        humidity=round(_finite("RelativeHumidity", rh_fraction, 0.0, 1.0) * 100.0, 4),
        ir_window_c=_kelvin_to_c("IRWindowTemperature", t_win),
        ir_window_transmission=round(_finite("IRWindowTransmission", irt, 1e-3, 1.0), 6),
    )
    for name, value in (("PlanckR1", r1), ("PlanckR2", r2), ("PlanckB", b)):
        if not (math.isfinite(value) and value > 0):
            raise ThermalFormatError(f"CameraInfo {name} = {value!r} is not a positive number")
    constants = {"PlanckF": f, "Alpha1": a1, "Alpha2": a2, "Beta1": b1, "Beta2": b2, "X": x}
    for name, value in constants.items():
        _finite(name, value, -1e6, 1e6)
    calibration = PlanckCalibration(
        r1=_f32(r1), r2=_f32(r2), b=_f32(b), f=_f32(f), o=float(o),
        alpha1=_f32(a1), alpha2=_f32(a2), beta1=_f32(b1), beta2=_f32(b2), x=_f32(x),
    )  # fmt: skip
    range_c = (_optional_c(t_min), _optional_c(t_max))
    raw_lo, raw_hi = struct.unpack_from(order + "HH", buf, 0x310)
    return CameraInfo(
        params=params,
        calibration=calibration,
        model=_string(buf, 0xD4, 32),
        lens=_string(buf, 0x170, 32),
        serial=_string(buf, 0x104, 16),
        range_c=range_c,
        captured_at=_capture_time(buf, order),
        raw_value_range=(raw_lo, raw_hi) if raw_hi > 0 and raw_lo < raw_hi else None,
    )


def _check_size(width: int, height: int, what: str) -> None:
    if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ThermalFormatError(f"{what} declares {width}×{height} pixels (at most {MAX_SIDE} a side)")


def _decode_png(png: bytes, width: int, height: int) -> RawArray:
    """A RawData PNG payload → H×W 16-bit samples as the PNG stores them (big-endian, PNG §7.2).

    The IHDR is checked against the record's size (and a sane maximum) before Pillow sees the
    data, so a forged header never causes a large allocation. Whether the camera wrote its counts
    in that order or byte-swapped is decided afterwards by :func:`png_byte_order`.
    """
    if len(png) < 33 or png[12:16] != b"IHDR":
        raise ThermalFormatError("RawData PNG has no IHDR chunk")
    png_w, png_h, depth, colour = struct.unpack_from(">IIBB", png, 16)
    _check_size(png_w, png_h, "RawData PNG")
    if (png_w, png_h) != (width, height):
        raise ThermalFormatError(f"RawData PNG is {png_w}×{png_h} but the record says {width}×{height}")
    if (depth, colour) != (16, 0):
        raise ThermalFormatError(f"RawData PNG is not 16-bit grayscale (depth {depth}, colour type {colour})")
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as img:
            if img.size != (width, height):
                raise ThermalFormatError(f"RawData PNG decodes to {img.size}, not {width}×{height}")
            img.load()
            counts = np.asarray(img)
    except ThermalFormatError:
        raise
    except Exception as exc:  # Pillow raises many types on damaged data (OSError, SyntaxError, zlib.error …)
        raise ThermalFormatError(f"RawData PNG cannot be decoded ({type(exc).__name__}: {exc})") from exc
    if counts.shape != (height, width) or counts.dtype.itemsize != 2:
        raise ThermalFormatError(
            f"RawData PNG decoded to {counts.dtype} {counts.shape}, not {width}×{height} u16"
        )
    return counts.astype(np.uint16, copy=False)


_IN_RANGE_CLEAR = 0.95
"""RawValueRange decides the byte order when one order puts at least this share of the pixels
inside RawValueRangeMin…Max and the other less than :data:`_IN_RANGE_POOR`."""
_IN_RANGE_POOR = 0.5
_ROUGHNESS_RATIO = 4.0
"""Smoothness decides when one order's mean neighbour difference is this many times the other's:
swapping the bytes of a natural scene moves the noisy low byte into the high byte, which makes
neighbouring pixels differ by hundreds of counts instead of a few."""
PLAUSIBLE_C = (-70.0, 2000.0)
"""Temperatures (°C) any FLIR camera can measure: the widest FLIR ranges reach −40…2000 °C."""


def _share_inside(counts: RawArray, lo: float, hi: float) -> float:
    sample = counts[::4]
    return float(np.count_nonzero((sample >= lo) & (sample <= hi))) / max(sample.size, 1)


def _roughness(counts: RawArray) -> float:
    """Mean absolute difference of horizontal neighbours (counts), every 4th row."""
    sample = counts[::4].astype(np.int32)
    return float(np.abs(np.diff(sample, axis=1)).mean()) if sample.shape[1] > 1 else 0.0


def png_byte_order(stored: RawArray, info: CameraInfo | None) -> tuple[RawArray, str, str]:
    """(counts, byte order the camera wrote, evidence) for the samples of a RawData PNG.

    Most FLIR cameras write the PNG's 16-bit samples little-endian although PNG is big-endian
    (ExifTool ``FLIR::RawData`` notes); older ones (ThermaCAM EX320 …) write them in PNG order.
    The order is taken from the file's evidence, in this order:

    1. ``raw-value-range``: one order puts ≥ 95 % of the pixels inside the CameraInfo
       RawValueRangeMin…Max, the other < 50 %;
    2. ``smoothness``: one order's mean neighbour difference is 4× smaller than the other's;
    3. ``plausibility``: only one order gives temperatures inside the camera's range (or, without
       one, inside :data:`PLAUSIBLE_C`) for ≥ 95 % of the pixels;
    4. ``default``: nothing decides (a flat frame): little-endian, as most cameras write.
    """
    orders = {"little": stored.byteswap(), "big": stored}
    if info is not None and info.raw_value_range is not None:
        lo, hi = info.raw_value_range
        share = {k: _share_inside(v, lo, hi) for k, v in orders.items()}
        for mine, other in (("little", "big"), ("big", "little")):
            if share[mine] >= _IN_RANGE_CLEAR and share[other] < _IN_RANGE_POOR:
                return orders[mine], mine, "raw-value-range"
    rough = {k: _roughness(v) for k, v in orders.items()}
    for mine, other in (("little", "big"), ("big", "little")):
        if rough[mine] * _ROUGHNESS_RATIO < rough[other]:
            return orders[mine], mine, "smoothness"
    if info is not None:
        lo_c, hi_c = info.range_c
        lo_c = PLAUSIBLE_C[0] if lo_c is None else lo_c
        hi_c = PLAUSIBLE_C[1] if hi_c is None else hi_c
        share = {}
        for k, v in orders.items():
            try:
                celsius = raw_to_celsius(v[::4], info.calibration, info.params)
            except ParameterError:
                share[k] = 0.0
                continue
            share[k] = float(np.count_nonzero((celsius >= lo_c) & (celsius <= hi_c))) / max(celsius.size, 1)
        for mine, other in (("little", "big"), ("big", "little")):
            if share[mine] >= _IN_RANGE_CLEAR and share[other] < _IN_RANGE_CLEAR:
                return orders[mine], mine, "plausibility"
    return orders["little"], "little", "default"


_JPEG_LS_SOF = 0xF7
"""JPEG-LS start-of-frame marker (ITU-T T.87 / ISO 14495-1: SOF55)."""


def _jpeg_frame_marker(body: bytes) -> int | None:
    """The SOFn marker byte of a JPEG stream (0xC0–0xCF except C4/C8/CC, or 0xF7), or None."""
    pos, n = 2, min(len(body), 1 << 16)
    while pos + 4 <= n and body[pos] == 0xFF:
        marker = body[pos + 1]
        if marker == _JPEG_LS_SOF or (0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)):
            return marker
        if marker == 0xDA:
            return None
        pos += 2 + int.from_bytes(body[pos + 2 : pos + 4], "big")
    return None


def _decode_jpeg_ls(body: bytes, width: int, height: int) -> RawArray:
    """A JPEG-LS RawData payload (CSQ video frames, some E-series R-JPEGs) → H×W counts, through
    imagecodecs (CharLS). Any other JPEG flavour is refused by name."""
    marker = _jpeg_frame_marker(body)
    if marker != _JPEG_LS_SOF:
        what = "no frame header" if marker is None else f"SOF marker 0xFF{marker:02X}"
        raise UnsupportedCamera(f"RawData is a JPEG stream ({what}), not JPEG-LS: not supported yet")
    try:
        import imagecodecs

        counts = np.asarray(imagecodecs.jpegls_decode(body))
    except ImportError as exc:  # pragma: no cover - imagecodecs is a dependency
        raise UnsupportedCamera("JPEG-LS compressed FLIR raw needs the imagecodecs package") from exc
    except Exception as exc:
        raise ThermalFormatError(f"JPEG-LS compressed RawData cannot be decoded ({exc})") from exc
    if counts.shape != (height, width) or counts.dtype.kind not in "ui" or counts.dtype.itemsize > 2:
        raise ThermalFormatError(
            f"JPEG-LS RawData decoded to {counts.dtype} {counts.shape}, not {width}×{height} 16-bit"
        )
    return counts.astype(np.uint16, copy=False)


def read_raw_data(
    frame: fff.FffFrame, rec: fff.Record, info: CameraInfo | None = None
) -> tuple[RawArray, str, dict[str, str]]:
    """The RawData record's H×W counts (native uint16), its layout (``png``, ``jpeg-ls``,
    ``raw-le`` or ``raw-be``) and how the byte order was chosen.

    Raw u16 pixels are read in the record's byte order (its marker at +0, as ExifTool does); the
    byte order of PNG samples is decided by :func:`png_byte_order` from ``info`` and the pixels.
    """
    if rec.length < _RECORD_HEADER:
        raise ThermalFormatError(f"RawData record is {rec.length} bytes, shorter than its 0x20-byte header")
    order = frame.record_order(rec)
    start = frame.base + rec.offset
    width, height = struct.unpack_from(order + "HH", frame.data, start + 2)
    _check_size(width, height, "RawData")
    body_start, body_len = start + _RECORD_HEADER, rec.length - _RECORD_HEADER
    head = frame.data[body_start : body_start + 8]
    if head == _PNG_MAGIC:
        stored = _decode_png(frame.data[body_start : body_start + body_len], width, height)
        counts, byte_order, why = png_byte_order(stored, info)
        return counts, "png", {"raw_byte_order": byte_order, "byte_order_evidence": why}
    if head[:3] == _JPEG_MAGIC:
        body = bytes(frame.data[body_start : body_start + body_len])
        return _decode_jpeg_ls(body, width, height), "jpeg-ls", {}
    if body_len < width * height * 2:
        raise ThermalFormatError(f"RawData holds {body_len} bytes, less than {width}×{height} 16-bit pixels")
    counts = np.frombuffer(frame.data, dtype=order + "u2", count=width * height, offset=body_start)
    layout = "raw-le" if order == "<" else "raw-be"
    evidence = {"raw_byte_order": "little" if order == "<" else "big", "byte_order_evidence": "record-marker"}
    return counts.reshape(height, width).astype(np.uint16), layout, evidence


def _gps(frame: fff.FffFrame) -> GeoPosition | None:
    """GPSInfo record (little-endian, ExifTool ``FLIR::GPSInfo``): u32 valid at 0, double latitude
    at 0x10, double longitude at 0x18, float altitude (m) at 0x20. None when absent or invalid."""
    rec = frame.find(fff.GPS_INFO)
    if rec is None or rec.length < 0x24:
        return None
    start = frame.base + rec.offset
    (valid,) = struct.unpack_from("<I", frame.data, start)
    lat, lon, alt = struct.unpack_from("<ddf", frame.data, start + 0x10)
    if valid != 1 or not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None
    # ExifTool notes a "likely invalid value of -1" for the altitude of valid fixes: treat it as missing.
    alt_m = float(alt) if math.isfinite(alt) and alt != -1.0 else None
    return GeoPosition(lat=lat, lon=lon, alt_m=alt_m)


def _embedded_image(frame: fff.FffFrame) -> tuple[bytes | None, str | None]:
    """The EmbeddedImage record's image bytes when they are a JPEG, and the image kind found."""
    rec = frame.find(fff.EMBEDDED_IMAGE)
    if rec is None or rec.length <= _RECORD_HEADER:
        return None, None
    body = frame.payload(rec)[_RECORD_HEADER:]
    if body.startswith(_JPEG_MAGIC):
        return body, "jpeg"
    return None, "png" if body.startswith(_PNG_MAGIC) else "other"


def _details(
    info: CameraInfo, layout: str, frame: fff.FffFrame, visible_kind: str | None, order: dict[str, str]
) -> dict[str, Any]:
    return {
        **info.calibration.to_dict(),
        "camera_model": info.model,
        "lens": info.lens,
        "serial": info.serial,
        "camera_range_c": list(info.range_c),
        "raw_layout": layout,
        **order,
        "raw_value_range": None if info.raw_value_range is None else list(info.raw_value_range),
        "fff_creator": frame.creator,
        "embedded_image": visible_kind,
    }


def _thermogram(frame: fff.FffFrame, info: CameraInfo, source_format: str, index: int) -> Thermogram:
    """Assemble one frame: counts, temperatures at the recorded parameters, metadata."""
    raw_rec = frame.find(fff.RAW_DATA)
    if raw_rec is None:
        raise ThermalFormatError("FFF data has no RawData record")
    raw, layout, order = read_raw_data(frame, raw_rec, info)
    raw.flags.writeable = False
    visible, visible_kind = _embedded_image(frame)
    rjpeg = source_format == "flir-rjpeg"
    meta = ImageMeta(
        model=None if rjpeg else (info.model or None),  # R-JPEG: EXIF Make/Model are merged in by the caller
        gps=_gps(frame),
        captured_at=info.captured_at,
    )
    try:
        celsius = raw_to_celsius(raw, info.calibration, info.params)
    except ParameterError as exc:
        raise ThermalFormatError(f"CameraInfo values cannot be used: {exc.message}") from exc
    return Thermogram(
        celsius=celsius,
        params=info.params,
        source_format=source_format,
        raw=raw,
        meta=meta,
        visible_jpeg=visible,
        frame=index,
        details=_details(info, layout, frame, visible_kind, order),
        recalibrator=PlanckRecalibrator(raw, info.calibration),
    )


def _camera_info(frame: fff.FffFrame) -> CameraInfo | None:
    rec = frame.find(fff.CAMERA_INFO)
    return None if rec is None else read_camera_info(frame, rec)


def decode_rjpeg(data: bytes) -> Thermogram:
    """A FLIR (or DJI XT/XT2) radiometric JPEG → Thermogram (``source_format`` ``flir-rjpeg``)."""
    frame = fff.parse_frame(fff.join_app1(data))
    info = _camera_info(frame)
    if info is None:
        raise ThermalFormatError("FLIR data has no CameraInfo record (no calibration constants)")
    return _thermogram(frame, info, "flir-rjpeg", 0)


def decode_fff_frames(data: bytes) -> list[Thermogram]:
    """A .fff file (one frame, ``flir-fff``) or a .seq/.csq file (frames 0, 1 …), all in memory.

    See :func:`iter_fff_frames`, which this collects.
    """
    return list(iter_fff_frames(io.BytesIO(bytes(data))))


def iter_fff_frames(stream: BinaryIO) -> Iterator[Thermogram]:
    """The frames of a .fff (``flir-fff``), .seq (``flir-seq``) or .csq (``flir-csq``: JPEG-LS raw
    video) stream, decoded one at a time: a 1 GB sequence never sits in memory whole.

    A frame without its own CameraInfo record uses the previous frame's. A frame that cannot be
    decoded raises ThermalFormatError naming the frame index (after the frames before it).
    """
    blobs = fff.iter_blobs(stream)
    first = next(blobs, None)
    if first is None:
        raise ThermalFormatError("FFF data holds no frame")
    second = next(blobs, None)
    multi = second is not None
    info: CameraInfo | None = None
    index = 0
    pending = [first] if second is None else [first, second]
    while pending:
        _pos, blob = pending.pop(0)
        try:
            frame = fff.parse_frame(blob)
            info = _camera_info(frame) or info
            if info is None:
                raise ThermalFormatError("no CameraInfo record (no calibration constants)")
            t = _thermogram(frame, info, "flir-seq" if multi else "flir-fff", index)
            if multi and t.details.get("raw_layout") == "jpeg-ls":
                t = dataclasses.replace(t, source_format="flir-csq")
        except ThermalFormatError as exc:
            if not multi:
                raise
            raise ThermalFormatError(f"SEQ frame {index}: {exc.message}") from exc
        yield t
        index += 1
        if multi and not pending:
            nxt = next(blobs, None)
            if nxt is not None:
                pending.append(nxt)
