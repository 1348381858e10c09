"""Radiometric TIFF: float32 °C, uint16 centikelvin or uint16 raw counts, with GPS, time and camera.

No metadata standard says what a thermal TIFF's numbers mean (shared/domain/radiometry.md §3);
the conventions read here:

* float32 (or float64): °C, as DJI Thermal Analysis Tool 3 and ``dirp_measure_ex`` export;
* uint16: centikelvin, T[°C] = v·0.01 − 273.15 (FLIR Duo manual §5.1.7.3.1; senseFly, MicaSense).
  Without our own description the unit is inferred from the values: a frame whose median lies in
  20000–40000 (−73…+127 °C, radiometry.md §3) is centikelvin; the median, not the extremes, so a
  hot spot above 127 °C does not change the decision. 0 is no data (→ NaN);
* int16 / uint16 in 0.1 °C (``dirp_measure``) only when our description says so;
* uint16 **raw camera counts** only when our description says so (``"unit": "raw"``): the
  description then also carries the camera's Planck/atmosphere calibration (the FLIR CameraInfo
  constants R1, R2, B, F, O, α1, α2, β1, β2, X; :class:`~irpatrol.radiometry.planck.PlanckCalibration`)
  and the capture parameters, and :func:`decode` computes °C with the equation of radiometry.md §1
  (:func:`~irpatrol.radiometry.planck.raw_to_celsius`) and keeps a
  :class:`~irpatrol.radiometry.planck.PlanckRecalibrator`, so ``Thermogram.with_params`` recomputes
  the temperatures for another emissivity, distance, reflected temperature … exactly as for a FLIR
  R-JPEG. This is irpatrol's own convention (no other tool reads the calibration from it; they see
  a plain uint16 image).

:func:`encode` writes one uncompressed strip (fast to write and to read back) with baseline tags,
``Make``/``Model``, the Exif IFD (``DateTimeOriginal``, ``SubSecTimeOriginal``,
``OffsetTimeOriginal``, EXIF 2.32) and the GPS IFD (EXIF 2.32 §4.6.6) that QGIS, ODM and Pix4D read,
an XMP packet (tag 700) with the DJI ``drone-dji`` altitude/gimbal fields and ``Camera:BandName``
``LWIR``, and an ``ImageDescription`` JSON ``{"irpatrol": {"unit", "params"[, "calibration"]}}``
from which :func:`decode` restores the capture parameters (and, for raw counts, the calibration).
tifffile cannot write Exif or GPS IFDs (its documentation says so), hence the small writer here;
reading pixels goes through tifffile, so compressed or tiled TIFFs from other tools are read too.
"""

from __future__ import annotations

import io
import json
import math
import struct
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError, ThermalFormatError, UnsupportedCamera
from irpatrol.radiometry import jpeg_meta
from irpatrol.radiometry.planck import PlanckCalibration, PlanckRecalibrator, celsius_to_raw, raw_to_celsius
from irpatrol.radiometry.thermogram import CaptureParams, ImageMeta, Thermogram
from irpatrol.units import KELVIN_OFFSET, CelsiusArray

__all__ = ["SOURCE_FORMAT", "decode", "encode"]

SOURCE_FORMAT = "tiff"
Unit = Literal["celsius", "centikelvin", "raw"]

CENTIKELVIN_MEDIAN_RANGE = (20000, 40000)
"""uint16 frames whose median lies here are read as centikelvin (−73…+127 °C; radiometry.md §3)."""

MAX_PIXELS = 64 * 1024 * 1024
"""Frames with more pixels than this are refused before decoding (a thermal frame has ~1.3 M)."""

_DESCRIPTION_KEY = "irpatrol"
_UNITS_READ = ("celsius", "centikelvin", "decicelsius")

# TIFF 6.0 field types used by the writer.
_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED = 1, 2, 3, 4, 5, 7
_TYPE_SIZE = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8, _UNDEFINED: 1}


# --- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    tag: int
    typ: int
    count: int
    payload: bytes


def _ascii(tag: int, text: str) -> _Entry:
    raw = text.encode("utf-8") + b"\0"
    return _Entry(tag, _ASCII, len(raw), raw)


def _short(tag: int, *values: int) -> _Entry:
    return _Entry(tag, _SHORT, len(values), struct.pack(f"<{len(values)}H", *values))


def _long(tag: int, *values: int) -> _Entry:
    return _Entry(tag, _LONG, len(values), struct.pack(f"<{len(values)}I", *values))


def _rational(tag: int, *pairs: tuple[int, int]) -> _Entry:
    flat = [v for pair in pairs for v in pair]
    return _Entry(tag, _RATIONAL, len(pairs), struct.pack(f"<{len(flat)}I", *flat))


def _bytes(tag: int, typ: int, raw: bytes) -> _Entry:
    return _Entry(tag, typ, len(raw), raw)


def _ifd_size(entries: list[_Entry]) -> int:
    """Bytes an IFD and its out-of-line values take (values word-aligned, TIFF 6.0 §2)."""
    return (
        2
        + 12 * len(entries)
        + 4
        + sum(len(e.payload) + len(e.payload) % 2 for e in entries if len(e.payload) > 4)
    )


def _ifd_bytes(entries: list[_Entry], offset: int) -> bytes:
    """The IFD at file ``offset``: entries sorted by tag, next-IFD 0, then out-of-line values."""
    entries = sorted(entries, key=lambda e: e.tag)
    head = [struct.pack("<H", len(entries))]
    tail: list[bytes] = []
    value_at = offset + 2 + 12 * len(entries) + 4
    for e in entries:
        if len(e.payload) <= 4:
            head.append(struct.pack("<HHI", e.tag, e.typ, e.count) + e.payload.ljust(4, b"\0"))
        else:
            head.append(struct.pack("<HHII", e.tag, e.typ, e.count, value_at))
            padded = e.payload + b"\0" * (len(e.payload) % 2)
            tail.append(padded)
            value_at += len(padded)
    head.append(b"\0\0\0\0")
    return b"".join(head + tail)


def _dms(deg: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """|deg| as EXIF (degrees, minutes, seconds) rationals; seconds to 1e-6″ (≈ 3e-8 m)."""
    micro_arcsec = round(abs(deg) * 3600 * 1_000_000)
    d, rest = divmod(micro_arcsec, 3600 * 1_000_000)
    m, s = divmod(rest, 60 * 1_000_000)
    return (d, 1), (m, 1), (s, 1_000_000)


def _gps_entries(meta: ImageMeta) -> list[_Entry]:
    gps = meta.gps
    if gps is None:
        return []
    entries = [
        _bytes(0, _BYTE, bytes([2, 3, 0, 0])),  # GPSVersionID 2.3.0.0
        _ascii(1, "S" if gps.lat < 0 else "N"),
        _rational(2, *_dms(gps.lat)),
        _ascii(3, "W" if gps.lon < 0 else "E"),
        _rational(4, *_dms(gps.lon)),
        _ascii(18, "WGS-84"),  # GPSMapDatum
    ]
    if gps.alt_m is not None and math.isfinite(gps.alt_m):
        entries += [
            _bytes(5, _BYTE, bytes([1 if gps.alt_m < 0 else 0])),
            _rational(6, (round(abs(gps.alt_m) * 1000), 1000)),  # mm resolution
        ]
    return entries


def _exif_entries(captured_at: datetime | None) -> list[_Entry]:
    entries = [_bytes(0x9000, _UNDEFINED, b"0232")]  # ExifVersion 2.32
    if captured_at is not None:
        entries.append(_ascii(0x9003, captured_at.strftime("%Y:%m:%d %H:%M:%S")))
        if captured_at.microsecond:
            entries.append(_ascii(0x9291, f"{captured_at.microsecond:06d}"))
        offset = captured_at.utcoffset()
        if offset is not None:
            minutes = round(offset.total_seconds() / 60)
            sign = "-" if minutes < 0 else "+"
            entries.append(_ascii(0x9011, f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"))
    return entries


def _pixels(celsius: npt.ArrayLike, unit: Unit) -> np.ndarray:
    arr = np.asarray(celsius)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ParameterError(f"a thermal frame must be a non-empty H×W array, got shape {arr.shape}")
    if arr.dtype.kind not in "fiu":
        raise ParameterError(f"temperatures must be numbers, got dtype {arr.dtype}")
    if unit == "celsius":
        return np.ascontiguousarray(arr, dtype="<f4")
    if unit == "centikelvin":
        ck = np.rint((arr.astype(np.float32) + np.float32(KELVIN_OFFSET)) * np.float32(100.0))
        finite = np.isfinite(ck)
        bad = finite & ((ck < 1) | (ck > 65535))
        if bad.any():
            raise ParameterError(
                f"{int(bad.sum())} temperature(s) outside the uint16 centikelvin range −273.14…382.20 °C"
            )
        ck[~finite] = 0  # no data
        return ck.astype("<u2")
    raise ParameterError(f"unit must be 'celsius', 'centikelvin' or 'raw', got {unit!r}")


def _raw_counts(celsius: npt.ArrayLike, params: CaptureParams, calibration: PlanckCalibration) -> np.ndarray:
    """uint16 counts (little-endian) the camera of ``calibration`` reads from objects at ``celsius``
    (°C) under ``params``: :func:`~irpatrol.radiometry.planck.celsius_to_raw`, rounded to the
    nearest integer (half a count at most; see :func:`encode` for the bound in °C)."""
    arr = np.asarray(celsius)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ParameterError(f"a thermal frame must be a non-empty H×W array, got shape {arr.shape}")
    if arr.dtype.kind not in "fiu":
        raise ParameterError(f"temperatures must be numbers, got dtype {arr.dtype}")
    for name, value in asdict(calibration).items():
        if not math.isfinite(value):
            raise ParameterError(f"calibration constant {name} must be finite, got {value}")
    counts = np.rint(celsius_to_raw(arr.astype(np.float64), calibration, params))
    bad = ~np.isfinite(counts) | (counts < 0) | (counts > 65535)
    if bad.any():
        raise ParameterError(
            f"{int(bad.sum())} temperature(s) give no uint16 count with this calibration"
            " (NaN, or outside the camera's range; raw counts have no no-data value)"
        )
    return counts.astype("<u2")


def encode(
    celsius: npt.ArrayLike,
    meta: ImageMeta = ImageMeta(),  # a frozen dataclass: a safe default
    params: CaptureParams | None = None,
    unit: Unit = "celsius",
    *,
    calibration: PlanckCalibration | None = None,
) -> bytes:
    """A radiometric TIFF of H×W temperatures (°C) that :func:`decode` reads back.

    ``unit="celsius"`` stores float32 °C (bit-exact round trip); ``"centikelvin"`` stores uint16
    K×100 (0.01 K steps, NaN → 0 = no data; ParameterError outside −273.14…382.20 °C).

    ``unit="raw"`` stores uint16 camera counts: the counts the camera of ``calibration`` (required)
    would read from objects at ``celsius`` under ``params`` (required; emissivity, distance,
    reflected/atmospheric temperature, humidity), by
    :func:`~irpatrol.radiometry.planck.celsius_to_raw`, rounded to the nearest integer. The round
    trip is therefore exact up to half a count: |T_decoded − T| ≤ 0.5 / (∂raw/∂T) at that
    temperature (plus float32 rounding, < 1e-5 K at ordinary temperatures). With a FLIR Tau-like
    calibration (R1 17096.453, R2 0.048084795, B 1428, F 1, O −370) at ε 0.95 and 5 m that is
    ≤ 0.012 K above 20 °C, ≤ 0.015 K at 0 °C and ≤ 0.027 K at −40 °C. NaN temperatures and counts
    outside 0…65535 raise ParameterError (raw counts have no no-data value).

    GPS (to 1e-6″ and 1 mm), capture time (with its UTC offset when aware), make/model, gimbal,
    relative altitude and rangefinder distance are kept.
    """
    own: dict[str, Any] = {"unit": unit, "params": asdict(params) if params is not None else None}
    if unit == "raw":
        if params is None or calibration is None:
            raise ParameterError("a raw-count TIFF needs the capture parameters and the camera's calibration")
        pixels = _raw_counts(celsius, params, calibration)
        own["calibration"] = asdict(calibration)
    else:
        pixels = _pixels(celsius, unit)
    height, width = pixels.shape
    description = json.dumps({_DESCRIPTION_KEY: own}, allow_nan=True)
    ifd0 = [
        _long(256, width),
        _long(257, height),
        _short(258, pixels.dtype.itemsize * 8),
        _short(259, 1),  # no compression
        _short(262, 1),  # BlackIsZero
        _ascii(270, description),
        _long(273, 0),  # StripOffsets, set below
        _short(277, 1),
        _long(278, height),
        _long(279, pixels.nbytes),
        _rational(282, (1, 1)),
        _rational(283, (1, 1)),
        _short(296, 1),  # ResolutionUnit: none
        _ascii(305, "irpatrol"),
        _short(339, 3 if pixels.dtype.kind == "f" else 1),  # SampleFormat IEEE float / uint
        _bytes(700, _BYTE, jpeg_meta.xmp_packet(meta)),
        _long(0x8769, 0),  # Exif IFD, set below
    ]
    if meta.make:
        ifd0.append(_ascii(271, meta.make))
    if meta.model:
        ifd0.append(_ascii(272, meta.model))
    exif = _exif_entries(meta.captured_at)
    gps = _gps_entries(meta)
    if gps:
        ifd0.append(_long(0x8825, 0))
    ifd0_at = 8
    exif_at = ifd0_at + _ifd_size(ifd0)
    gps_at = exif_at + _ifd_size(exif)
    data_at = gps_at + (_ifd_size(gps) if gps else 0)
    data_at += -data_at % 16  # align the pixels
    pointers = {273: data_at, 0x8769: exif_at, 0x8825: gps_at}
    ifd0 = [_long(e.tag, pointers[e.tag]) if e.tag in pointers else e for e in ifd0]
    parts: Iterable[bytes] = (
        b"II*\0" + struct.pack("<I", ifd0_at),
        _ifd_bytes(ifd0, ifd0_at),
        _ifd_bytes(exif, exif_at),
        _ifd_bytes(gps, gps_at) if gps else b"",
    )
    head = b"".join(parts)
    return head + b"\0" * (data_at - len(head)) + pixels.tobytes()


# --- reading ---------------------------------------------------------------------------------------


def _own_description(text: object) -> dict[str, Any]:
    if not isinstance(text, str) or _DESCRIPTION_KEY not in text:
        return {}
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    own = doc.get(_DESCRIPTION_KEY) if isinstance(doc, dict) else None
    return own if isinstance(own, dict) else {}


def _params(own: dict[str, Any]) -> CaptureParams | None:
    raw = own.get("params")
    if not isinstance(raw, dict):
        return None
    try:
        values: dict[str, Any] = {k: (None if v is None else float(v)) for k, v in raw.items()}
        return CaptureParams(**values)
    except (TypeError, ValueError):
        return None


def _calibration(own: dict[str, Any]) -> PlanckCalibration:
    """The Planck/atmosphere constants of a raw-count TIFF (ThermalFormatError when absent or bad)."""
    raw = own.get("calibration")
    if not isinstance(raw, dict):
        raise ThermalFormatError("raw-count TIFF without the camera's calibration in its description")
    try:
        values = {k: float(v) for k, v in raw.items()}
        cal = PlanckCalibration(**values)
    except (TypeError, ValueError) as exc:
        raise ThermalFormatError(f"raw-count TIFF with a bad calibration: {exc}") from None
    if not all(math.isfinite(v) for v in values.values()) or cal.r2 == 0.0:
        raise ThermalFormatError(f"raw-count TIFF with a bad calibration: {cal.to_dict()}")
    return cal


def _decode_raw(
    arr: np.ndarray, own: dict[str, Any], params: CaptureParams | None
) -> tuple[CelsiusArray, PlanckCalibration]:
    """(°C, calibration) of a raw-count frame; ThermalFormatError for anything inconsistent."""
    if arr.dtype.kind != "u" or arr.dtype.itemsize != 2:
        raise ThermalFormatError(f"raw-count TIFF must hold uint16 samples, found {arr.dtype}")
    if params is None:
        raise ThermalFormatError("raw-count TIFF without capture parameters in its description")
    cal = _calibration(own)
    try:
        return raw_to_celsius(arr, cal, params), cal
    except (ParameterError, ArithmeticError) as exc:  # parameters outside the calibration's domain
        raise ThermalFormatError(f"raw-count TIFF: {exc}") from None


def _read_pixels(data: bytes) -> np.ndarray:
    import tifffile

    try:
        with tifffile.TiffFile(io.BytesIO(data)) as tf:
            if not tf.pages:
                raise ThermalFormatError("TIFF has no image")
            page = tf.pages.first
            shape = tuple(int(s) for s in page.shape)
            if math.prod(shape) > MAX_PIXELS:
                raise ThermalFormatError(f"TIFF frame {shape} is larger than {MAX_PIXELS} pixels")
            if page.samplesperpixel != 1 or page.imagedepth != 1:
                raise ThermalFormatError(f"a radiometric TIFF has one band; this one has shape {shape}")
            arr = page.asarray()
            return arr.reshape(page.imagelength, page.imagewidth)
    except ThermalFormatError:
        raise
    except Exception as exc:  # tifffile raises many types on damaged files
        raise ThermalFormatError(f"unreadable TIFF ({type(exc).__name__}: {exc})") from exc


TIFF_SCALES_K = (0.04, 0.01)
"""Kelvin per count of FLIR radiometric TIFFs: 0.04 K (Tau 2 cores in Duo Pro R / Vue Pro R,
normal mode), 0.01 K (high-resolution mode; shared/domain/radiometry.md §3)."""

FLIR_TIFF_MODELS = ("duo pro r", "duo r", "vue pro r", "duo pro", "vue pro")
"""Camera models (EXIF Model, case-insensitive prefix) that write radiometric TIFFs as uint16
kelvin counts at 0.04 K or 0.01 K per count."""

PLAUSIBLE_MEDIAN_C = (-73.15, 126.85)
"""A scene's median temperature (°C) must lie here for a count scale to be plausible (the
centikelvin window 20000–40000 of radiometry.md §3)."""


def _flir_tiff_camera(ifd0: dict[int, Any]) -> str | None:
    """``make model`` when the tags name a FLIR camera that writes kelvin-count TIFFs, else None."""
    make = str(ifd0.get(271) or "").strip()
    model = str(ifd0.get(272) or "").strip()
    if "flir" not in make.lower() and "flir" not in model.lower():
        return None
    name = model.lower().removeprefix("flir").strip()
    return f"{make} {model}".strip() if name.startswith(FLIR_TIFF_MODELS) else None


def _plausible_scales(median: float) -> list[float]:
    lo, hi = PLAUSIBLE_MEDIAN_C
    return [k for k in TIFF_SCALES_K if lo <= median * k - KELVIN_OFFSET <= hi]


def _count_scale(arr: np.ndarray, ifd0: dict[int, Any], scale_k: float | None) -> tuple[float, str]:
    """(K per count, how it was decided) of a uint16 kelvin-count TIFF.

    ``scale_k`` (the user's ``--tiff-scale``) wins. Otherwise the median of the non-zero counts must
    give a plausible scene temperature (:data:`PLAUSIBLE_MEDIAN_C`) with exactly one scale: 0.01 K
    (centikelvin) for any camera, 0.04 K only for a camera model of :data:`FLIR_TIFF_MODELS`.
    Raises UnsupportedCamera naming ``--tiff-scale`` when this does not decide.
    """
    if scale_k is not None:
        if scale_k not in TIFF_SCALES_K:
            raise ParameterError(f"--tiff-scale must be 0.04 or 0.01 (K per count), got {scale_k:g}")
        return scale_k, "option"
    nonzero = arr[arr > 0]
    median = float(np.median(nonzero)) if nonzero.size else 0.0
    camera = _flir_tiff_camera(ifd0)
    plausible = _plausible_scales(median)
    if camera is None:
        plausible = [k for k in plausible if k == 0.01]
    if len(plausible) == 1:
        return plausible[0], "camera-model+plausibility" if camera else "plausibility"
    who = camera or "uint16 TIFF of an unknown camera"
    if not plausible:
        why = f"median value {median:g} gives no plausible temperature at 0.04 K or 0.01 K per count"
        if camera is None and _plausible_scales(median):
            why = (
                f"median value {median:g} is plausible only at 0.04 K per count,"
                " and the camera model is not one known to write that scale"
            )
    else:
        why = f"median value {median:g} is plausible at both 0.04 K and 0.01 K per count"
    raise UnsupportedCamera(
        f"{who}: count scale unknown ({why}); give --tiff-scale 0.04 or --tiff-scale 0.01"
    )


def _to_celsius(
    arr: np.ndarray, declared: object, ifd0: dict[int, Any] | None = None, scale_k: float | None = None
) -> tuple[CelsiusArray, str, float | None, str | None]:
    """(°C, source unit, K per count and how it was decided — None unless the unit was inferred)
    for the stored values; see the module docstring."""
    kind = arr.dtype.kind
    unit = declared if declared in _UNITS_READ else None
    scale: float | None = None
    how: str | None = None
    if unit is None:
        if kind == "f":
            unit = "celsius"
        elif arr.dtype == np.uint16:
            scale, how = _count_scale(arr, ifd0 or {}, scale_k)
            unit = "centikelvin" if scale == 0.01 else "kelvin-counts"
        else:
            raise UnsupportedCamera(f"TIFF samples of type {arr.dtype} carry no known temperature unit")
    if unit == "celsius":
        if kind not in "fiu":
            raise ThermalFormatError(f"TIFF samples of type {arr.dtype} are not temperatures")
        return np.ascontiguousarray(arr, dtype=np.float32), unit, None, None
    if kind not in "iu":
        raise ThermalFormatError(f"{unit} TIFF must hold integers, found {arr.dtype}")
    values = arr.astype(np.float32)
    if unit in ("centikelvin", "kelvin-counts"):
        scale = 0.01 if scale is None else scale
        out = values * np.float32(scale) - np.float32(KELVIN_OFFSET)
        out[arr == 0] = np.nan
        return out, unit, scale, how
    return values * np.float32(0.1), unit, None, None  # decicelsius


def decode(data: bytes, *, scale_k: float | None = None) -> Thermogram:
    """Thermogram of a radiometric TIFF (``source_format`` ``tiff``).

    ``details["unit"]`` is the stored unit; ``params`` are the ones :func:`encode` recorded, else
    unknown: emissivity 1 and distance 0 (the values are apparent temperatures) with NaN reflected
    temperature. A temperature TIFF has no raw data, so ``with_params`` raises ParameterError; a
    raw-count TIFF (``unit`` ``raw``) has ``raw`` (uint16 counts), its calibration in ``details``
    (ExifTool tag names, as for FLIR files) and a recalibrator, so ``with_params`` works.
    A uint16 TIFF without our description holds kelvin counts: 0.01 K (centikelvin) or, for
    FLIR Duo Pro R / Vue Pro R class cameras, 0.04 K per count, decided by :func:`_count_scale`
    or given as ``scale_k`` (``--tiff-scale``); ``details["scale_k"]`` and ``details["scale_source"]``
    say which. LZW/Deflate (with predictor) and other compressions are read through imagecodecs.
    Raises ThermalFormatError (UnsupportedCamera for an unknown sample unit or count scale).
    """
    arr = _read_pixels(data)
    ifd0, exif, gps = jpeg_meta.read_exif_tiff(data)
    own = _own_description(ifd0.get(270))
    xmp = ifd0.get(700)
    meta = jpeg_meta.meta_from_tags(
        ifd0, exif, gps, jpeg_meta.read_xmp_fields(xmp) if isinstance(xmp, bytes) else {}
    )
    params = _params(own)
    if own.get("unit") == "raw":
        celsius, cal = _decode_raw(arr, own, params)
        assert params is not None  # _decode_raw refuses a file without them
        return Thermogram(
            celsius=celsius,
            params=params,
            source_format=SOURCE_FORMAT,
            raw=arr,
            meta=meta,
            details={"unit": "raw", "dtype": str(arr.dtype), "params_known": True, **cal.to_dict()},
            recalibrator=PlanckRecalibrator(raw=arr, calibration=cal),
        )
    celsius, unit, scale, how = _to_celsius(arr, own.get("unit"), ifd0, scale_k)
    extra: dict[str, Any] = {} if how is None else {"scale_k": scale, "scale_source": how}
    return Thermogram(
        celsius=celsius,
        params=params or CaptureParams(emissivity=1.0, distance_m=0.0, reflected_c=math.nan),
        source_format=SOURCE_FORMAT,
        meta=meta,
        details={"unit": unit, "dtype": str(arr.dtype), "params_known": params is not None, **extra},
    )
