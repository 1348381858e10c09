"""Export a Thermogram's temperatures as radiometric TIFF, NumPy ``.npy`` or CSV (pure: bytes out).

All three hold float32 °C, one value per pixel of the thermal frame:

* ``tiff``: :func:`irpatrol.radiometry.tiff.encode`, keeping make/model, GPS, capture time,
  gimbal, rangefinder distance and the capture parameters (QGIS/ODM/Pix4D read the EXIF GPS);
* ``npy``: NumPy format 1.0, H×W little-endian float32;
* ``csv``: H lines of W comma-separated values in °C with 4 decimals (0.1 mK, finer than any
  camera's NETD), NaN written as an empty field.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np

from irpatrol.errors import ParameterError
from irpatrol.radiometry import tiff
from irpatrol.radiometry.thermogram import Thermogram

__all__ = ["FORMATS", "ExportFormat", "export_bytes", "to_csv", "to_npy"]

ExportFormat = Literal["tiff", "npy", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("tiff", "npy", "csv")


def to_npy(celsius: np.ndarray) -> bytes:
    """``.npy`` bytes of H×W float32 °C."""
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(celsius, dtype="<f4"), allow_pickle=False)
    return buf.getvalue()


def to_csv(celsius: np.ndarray) -> bytes:
    """CSV bytes: one line per pixel row, values in °C with 4 decimals, NaN/inf as an empty field.

    One ``%`` over the whole frame (formatting in C) is ~7× faster than ``np.savetxt``.
    """
    c = np.asarray(celsius, dtype=np.float32)
    if c.ndim != 2:
        raise ParameterError(f"temperatures must be an H×W array, got shape {c.shape}")
    row = ",".join(["%.4f"] * c.shape[1]) + "\n"
    text = (row * c.shape[0]) % tuple(c.ravel().tolist())
    if not np.isfinite(c).all():
        text = text.replace("-inf", "").replace("inf", "").replace("nan", "")
    return text.encode("ascii")


def export_bytes(thermogram: Thermogram, fmt: str) -> bytes:
    """The thermogram's temperatures in format ``fmt`` (``tiff``, ``npy`` or ``csv``)."""
    if fmt == "tiff":
        return tiff.encode(thermogram.celsius, thermogram.meta, thermogram.params, unit="celsius")
    if fmt == "npy":
        return to_npy(thermogram.celsius)
    if fmt == "csv":
        return to_csv(thermogram.celsius)
    raise ParameterError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
