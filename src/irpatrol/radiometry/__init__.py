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
CSQ (JPEG-LS raw)  :mod:`.flir`                            ``flir-csq``
InfiRay/HIKMICRO/  :mod:`.vendors` (named and refused)     —
Guide JPEG
=================  ======================================  ==========================

:func:`iter_frames` reads FFF/SEQ/CSQ files one frame at a time, so a sequence of any size is
streamed with the memory of one frame.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from irpatrol.errors import IrPatrolError, ThermalFormatError
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, Gimbal, ImageMeta, Thermogram

if TYPE_CHECKING:
    from irpatrol.radiometry.dji import DjiBackend

__all__ = [
    "MAX_FILE_BYTES",
    "CaptureParams",
    "GeoPosition",
    "Gimbal",
    "ImageMeta",
    "ReadOptions",
    "Thermogram",
    "decode",
    "decode_frames",
    "iter_frames",
    "read",
    "read_frames",
    "sniff",
]

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Files larger than this are refused before reading (512 MiB), except FFF/SEQ/CSQ sequences,
which :func:`iter_frames` streams frame by frame."""


@dataclass(frozen=True)
class ReadOptions:
    """Choices a file cannot always make for itself.

    Attributes:
        tiff_scale_k: K per count of a uint16 kelvin-count TIFF (0.04 or 0.01; ``--tiff-scale``);
            None: decided from the camera model and the values (see :mod:`.tiff`).
        dji_backend: the DJI Thermal SDK implementation for DJI R-JPEGs; None: the default
            (``dji-thermal-cli``).
    """

    tiff_scale_k: float | None = None
    dji_backend: DjiBackend | None = None


_DEFAULT_OPTIONS = ReadOptions()


def sniff(data: bytes) -> str:
    """Name of the container: ``jpeg-flir``, ``jpeg-dji``, ``jpeg-vendor``, ``jpeg``, ``fff`` or ``tiff``."""
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


def decode_frames(data: bytes, options: ReadOptions = _DEFAULT_OPTIONS) -> list[Thermogram]:
    """Every frame in ``data`` (one for images, several for a FLIR SEQ or CSQ).

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

            frames = [dji.decode(data, options.dji_backend)]
        elif kind == "tiff":
            from irpatrol.radiometry import tiff

            frames = [tiff.decode(data, scale_k=options.tiff_scale_k)]
        elif kind in ("jpeg", "jpeg-vendor"):
            _refuse_jpeg(data)
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


def _refuse_jpeg(data: bytes) -> None:
    """Raise the true reason a JPEG without FLIR or DJI records cannot be read: a maker's own
    radiometric layout (UnsupportedCamera naming maker and layout), or no radiometric data."""
    from irpatrol.errors import UnsupportedCamera
    from irpatrol.radiometry import jpeg_segments, vendors

    found = vendors.identify(data, jpeg_segments.segments(data))
    if found is not None and found.radiometric:
        raise UnsupportedCamera(found.message())
    if found is not None:
        raise ThermalFormatError(found.message())
    raise ThermalFormatError("JPEG without radiometric data (no FLIR APP1 or DJI APP3/APP4 records)")


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


def decode(data: bytes, options: ReadOptions = _DEFAULT_OPTIONS) -> Thermogram:
    """The first (usually only) frame of ``data``. See :func:`decode_frames`."""
    return decode_frames(data, options)[0]


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


def _named(exc: ThermalFormatError, name: str) -> ThermalFormatError:
    return exc if exc.source is not None else type(exc)(exc.message, source=name)


def _iter_fff(stream: io.BufferedIOBase | io.BytesIO, name: str) -> Iterator[Thermogram]:
    from irpatrol.radiometry import flir

    try:
        yield from flir.iter_fff_frames(stream)  # type: ignore[arg-type]
    except ThermalFormatError as exc:
        raise _named(exc, name) from exc
    except (MemoryError, RecursionError) as exc:  # pragma: no cover - defensive
        raise ThermalFormatError(f"file too damaged to decode ({type(exc).__name__})", source=name) from exc
    except Exception as exc:
        raise ThermalFormatError(
            f"corrupt or truncated thermal data ({type(exc).__name__}: {exc})", source=name
        ) from exc


def iter_frames(
    path_or_bytes: str | os.PathLike[str] | bytes, options: ReadOptions = _DEFAULT_OPTIONS
) -> Iterator[Thermogram]:
    """The frames of a file or bytes, one at a time; errors name the file.

    An FFF/SEQ/CSQ file is read frame by frame from disk (any size; memory of one frame); other
    files are read whole (at most :data:`MAX_FILE_BYTES`) and decoded by :func:`decode_frames`.
    """
    if not isinstance(path_or_bytes, bytes | bytearray | memoryview):
        path = Path(path_or_bytes)
        try:
            with path.open("rb") as fh:
                if fh.read(4) in (b"FFF\0", b"AFF\0"):
                    fh.seek(0)
                    yield from _iter_fff(fh, str(path))
                    return
        except OSError as exc:
            raise ThermalFormatError(exc.strerror or str(exc), source=str(path)) from exc
    data, name = _load(path_or_bytes)
    try:
        frames = decode_frames(data, options)
    except ThermalFormatError as exc:
        raise _named(exc, name) from exc
    yield from frames


def read_frames(
    path_or_bytes: str | os.PathLike[str] | bytes, options: ReadOptions = _DEFAULT_OPTIONS
) -> list[Thermogram]:
    """All frames of a file or bytes; errors name the file."""
    return list(iter_frames(path_or_bytes, options))


def read(
    path_or_bytes: str | os.PathLike[str] | bytes, options: ReadOptions = _DEFAULT_OPTIONS
) -> Thermogram:
    """The first frame of a file or bytes; errors name the file (a sequence is not read past it)."""
    return next(iter(iter_frames(path_or_bytes, options)))
