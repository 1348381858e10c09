"""Radiometry: camera files → calibrated per-pixel temperatures (pure core).

Entry points:

* :func:`decode` / :func:`decode_frames` take bytes and return Thermograms (no I/O);
* :func:`read` / :func:`read_frames` take a path or bytes (the one place a file is opened).

The format is sniffed from the content, never from the file name:

=================  ======================================  ==========================
content            decoder                                 ``source_format``
=================  ======================================  ==========================
JPEG + APP1 FLIR   :mod:`.flir` (own FFF parser, Planck)   ``flir-rjpeg``
FFF / SEQ          :mod:`.flir`                            ``flir-fff`` / ``flir-seq``
JPEG + DJI APP3/4  :mod:`.dji` (back-end interface)        ``dji-rjpeg``
TIFF               :mod:`.tiff`                            ``tiff``
=================  ======================================  ==========================
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from irpatrol.errors import IrPatrolError, ThermalFormatError
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, Gimbal, ImageMeta, Thermogram

__all__ = [
    "CaptureParams",
    "GeoPosition",
    "Gimbal",
    "ImageMeta",
    "Thermogram",
    "decode",
    "decode_frames",
    "read",
    "read_frames",
    "sniff",
]

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Files larger than this are refused before reading (512 MiB)."""


def sniff(data: bytes) -> str:
    """Name of the container: ``jpeg-flir``, ``jpeg-dji``, ``jpeg``, ``fff`` or ``tiff``."""
    head = bytes(data[:4])
    if head[:2] == b"\xff\xd8":
        from irpatrol.radiometry import jpeg_segments

        kinds = jpeg_segments.thermal_kind(data)
        return kinds
    if head in (b"FFF\0", b"AFF\0"):
        return "fff"
    if head in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):
        return "tiff"
    return "unknown"


def decode_frames(data: bytes) -> list[Thermogram]:
    """Every frame in ``data`` (one for images, several for a FLIR SEQ).

    Raises ThermalFormatError (or a subclass) for anything that is not a readable thermogram;
    no other exception type escapes.
    """
    try:
        kind = sniff(data)
        if kind == "jpeg-flir":
            from irpatrol.radiometry import flir

            frames = [flir.decode_rjpeg(data)]
        elif kind == "fff":
            from irpatrol.radiometry import flir

            frames = flir.decode_fff_frames(data)
        elif kind == "jpeg-dji":
            from irpatrol.radiometry import dji

            frames = [dji.decode(data)]
        elif kind == "tiff":
            from irpatrol.radiometry import tiff

            frames = [tiff.decode(data)]
        elif kind == "jpeg":
            raise ThermalFormatError("JPEG without radiometric data (no FLIR APP1 or DJI APP3/APP4 records)")
        else:
            raise ThermalFormatError("not a radiometric image (unknown content)")
        if kind.startswith("jpeg"):
            frames = [_with_jpeg_meta(f, data) for f in frames]
        return frames
    except IrPatrolError:
        raise
    except (MemoryError, RecursionError) as exc:  # pragma: no cover - defensive
        raise ThermalFormatError(f"file too damaged to decode ({type(exc).__name__})") from exc
    except Exception as exc:
        raise ThermalFormatError(f"corrupt or truncated thermal data ({type(exc).__name__}: {exc})") from exc


def _with_jpeg_meta(t: Thermogram, data: bytes) -> Thermogram:
    """Fill GPS, time, gimbal and rangefinder distance from EXIF/XMP where the decoder left them out."""
    from irpatrol.radiometry import jpeg_meta

    try:
        m = jpeg_meta.read_meta(data)
    except Exception:
        return t
    old = t.meta
    merged = ImageMeta(
        make=old.make or m.make,
        model=old.model or m.model,
        gps=old.gps or m.gps,
        gimbal=old.gimbal or m.gimbal,
        captured_at=old.captured_at or m.captured_at,
        lrf_distance_m=old.lrf_distance_m if old.lrf_distance_m is not None else m.lrf_distance_m,
    )
    return dataclasses.replace(t, meta=merged)


def decode(data: bytes) -> Thermogram:
    """The first (usually only) frame of ``data``. See :func:`decode_frames`."""
    return decode_frames(data)[0]


def _load(path_or_bytes: str | os.PathLike[str] | bytes) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return bytes(path_or_bytes), "<bytes>"
    path = Path(path_or_bytes)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ThermalFormatError(
                f"file is {size} bytes, more than the {MAX_FILE_BYTES} accepted", source=str(path)
            )
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ThermalFormatError(exc.strerror or str(exc), source=str(path)) from exc


def read_frames(path_or_bytes: str | os.PathLike[str] | bytes) -> list[Thermogram]:
    """All frames of a file or bytes; errors name the file."""
    data, name = _load(path_or_bytes)
    try:
        return decode_frames(data)
    except ThermalFormatError as exc:
        if exc.source is None:
            raise type(exc)(exc.message, source=name) from exc
        raise


def read(path_or_bytes: str | os.PathLike[str] | bytes) -> Thermogram:
    """The first frame of a file or bytes; errors name the file."""
    return read_frames(path_or_bytes)[0]
