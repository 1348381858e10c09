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

import io
import math
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
from PIL import Image

from irpatrol.errors import ParameterError, ThermalFormatError
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
    """

    params: CaptureParams
    calibration: PlanckCalibration
    model: str
    lens: str
    serial: str
    range_c: tuple[float | None, float | None]
    captured_at: datetime | None


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
    return CameraInfo(
        params=params,
        calibration=calibration,
        model=_string(buf, 0xD4, 32),
        lens=_string(buf, 0x170, 32),
        serial=_string(buf, 0x104, 16),
        range_c=range_c,
        captured_at=_capture_time(buf, order),
    )


def _check_size(width: int, height: int, what: str) -> None:
    if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ThermalFormatError(f"{what} declares {width}×{height} pixels (at most {MAX_SIDE} a side)")


def _decode_png(png: bytes, width: int, height: int) -> RawArray:
    """A RawData PNG payload → H×W counts. The IHDR is checked against the record's size (and a
    sane maximum) before Pillow sees the data, so a forged header never causes a large allocation.
    FLIR writes the 16-bit samples little-endian although PNG is big-endian: they are swapped back.
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
    return counts.astype(np.uint16, copy=False).byteswap()


def read_raw_data(frame: fff.FffFrame, rec: fff.Record) -> tuple[RawArray, str]:
    """The RawData record's H×W counts (native uint16) and its layout: ``png``, ``raw-le`` or ``raw-be``.

    Raw u16 pixels are read in the record's byte order (its marker at +0, as ExifTool does).
    """
    if rec.length < _RECORD_HEADER:
        raise ThermalFormatError(f"RawData record is {rec.length} bytes, shorter than its 0x20-byte header")
    order = frame.record_order(rec)
    start = frame.base + rec.offset
    width, height = struct.unpack_from(order + "HH", frame.data, start + 2)
    _check_size(width, height, "RawData")
    body_start, body_len = start + _RECORD_HEADER, rec.length - _RECORD_HEADER
    if frame.data[body_start : body_start + 8] == _PNG_MAGIC:
        return _decode_png(frame.data[body_start : body_start + body_len], width, height), "png"
    if body_len < width * height * 2:
        raise ThermalFormatError(f"RawData holds {body_len} bytes, less than {width}×{height} 16-bit pixels")
    counts = np.frombuffer(frame.data, dtype=order + "u2", count=width * height, offset=body_start)
    layout = "raw-le" if order == "<" else "raw-be"
    return counts.reshape(height, width).astype(np.uint16), layout


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


def _details(info: CameraInfo, layout: str, frame: fff.FffFrame, visible_kind: str | None) -> dict[str, Any]:
    return {
        **info.calibration.to_dict(),
        "camera_model": info.model,
        "lens": info.lens,
        "serial": info.serial,
        "camera_range_c": list(info.range_c),
        "raw_layout": layout,
        "fff_creator": frame.creator,
        "embedded_image": visible_kind,
    }


def _thermogram(frame: fff.FffFrame, info: CameraInfo, source_format: str, index: int) -> Thermogram:
    """Assemble one frame: counts, temperatures at the recorded parameters, metadata."""
    raw_rec = frame.find(fff.RAW_DATA)
    if raw_rec is None:
        raise ThermalFormatError("FFF data has no RawData record")
    raw, layout = read_raw_data(frame, raw_rec)
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
        details=_details(info, layout, frame, visible_kind),
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
    """A .fff file (one frame, ``flir-fff``) or a .seq file (``flir-seq``, frames 0, 1 …).

    A SEQ frame without its own CameraInfo record uses the previous frame's. A frame that cannot
    be decoded raises ThermalFormatError naming the frame index.
    """
    frames = fff.split_frames(bytes(data))
    source_format = "flir-fff" if len(frames) == 1 else "flir-seq"
    out: list[Thermogram] = []
    info: CameraInfo | None = None
    for index, frame in enumerate(frames):
        try:
            info = _camera_info(frame) or info
            if info is None:
                raise ThermalFormatError("no CameraInfo record (no calibration constants)")
            out.append(_thermogram(frame, info, source_format, index))
        except ThermalFormatError as exc:
            if source_format == "flir-fff":
                raise
            raise ThermalFormatError(f"SEQ frame {index}: {exc.message}") from exc
    return out
