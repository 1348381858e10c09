"""Radiometric TIFF write and read: irpatrol against plain tifffile.

Ours writes and reads the GPS IFD, Exif time, XMP and capture parameters besides the pixels;
``tifffile.imwrite``/``imread`` (what a user would otherwise call) write and read pixels only.
The flight simulator writes thousands of these and ingest reads them at ≥ 40 images/s end to
end, so both directions must take a few milliseconds at most. In memory, no compression, median
of interleaved rounds.

Run: ``.venv/bin/python bench/tiff_io.py [rounds]``
"""

from __future__ import annotations

import functools
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import numpy as np
import tifffile

from irpatrol.radiometry import decode, tiff
from irpatrol.radiometry.thermogram import CaptureParams, GeoPosition, Gimbal, ImageMeta

META = ImageMeta(
    make="DJI",
    model="M30T",
    gps=GeoPosition(30.59, 114.30, 85.0, 60.0),
    gimbal=Gimbal(12.0, -90.0, 0.0),
    captured_at=datetime(2024, 7, 1, 14, 5, 9, tzinfo=timezone(timedelta(hours=8))),
)
PARAMS = CaptureParams(emissivity=0.95, distance_m=5.0, reflected_c=25.0, humidity=50.0)


def _tifffile_write(c: np.ndarray) -> bytes:
    buf = io.BytesIO()
    tifffile.imwrite(buf, c)
    return buf.getvalue()


def _tifffile_read(data: bytes) -> np.ndarray:
    return np.asarray(tifffile.imread(io.BytesIO(data)))


def _tifffile_write_converted(c: np.ndarray, unit: str) -> bytes:
    """What a user would do: convert to the stored unit, then ``tifffile.imwrite``."""
    return _tifffile_write(c if unit == "celsius" else (c * 100 + 27315).astype(np.uint16))


def _median_s(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print(f"radiometric TIFF, median of {rounds} rounds, in memory")
    print(f"{'case':34} {'tifffile ms':>12} {'irpatrol ms':>12} {'ratio':>7} {'irpatrol img/s':>15}")
    for h, w in ((512, 640), (1024, 1280)):
        c = np.random.default_rng(1).uniform(-10, 80, (h, w)).astype(np.float32)
        for unit in ("celsius", "centikelvin"):
            ref_data = _tifffile_write_converted(c, unit)
            ours_data = tiff.encode(c, META, PARAMS, unit=unit)  # type: ignore[arg-type]
            cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
                "write": (
                    functools.partial(_tifffile_write_converted, c, unit),
                    functools.partial(tiff.encode, c, META, PARAMS, unit=unit),
                ),
                "read": (
                    functools.partial(_tifffile_read, ref_data),
                    functools.partial(decode, ours_data),
                ),
            }
            for what, (theirs, ours) in cases.items():
                t, o = _median_s(theirs, rounds), _median_s(ours, rounds)
                label = f"{what} {w}×{h} {unit}"
                print(f"{label:34} {t * 1e3:12.3f} {o * 1e3:12.3f} {o / t:7.2f} {1 / o:15.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
