"""DJI R-JPEG reading: irpatrol against the raw back-end (``dji_thermal_cli.tsdk``) it wraps.

Issue 2 target: our reader within 10 % of calling the back-end directly (our overhead is small).
Both sides start from the file's bytes in memory. The back-end side does what a user of the
port would do for temperatures: ``tsdk.open(data).measure_temperature_c()``; ours is the full
``irpatrol.radiometry.decode`` (format sniffing, raw frame, parameters, EXIF/XMP metadata).
Timings are the median of interleaved rounds, so load from other processes hits both sides alike.

With ``IRPATROL_DIRP_LIB`` naming DJI's own ``libdirp.so`` (not shipped with irpatrol), the same
files are also decoded through :class:`~irpatrol.radiometry.dji_libdirp.LibdirpBackend` and the
largest temperature difference to the default back-end is printed.

Run: ``.venv/bin/python bench/dji_reader.py [rounds]``
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

from dji_thermal_cli import tsdk

from irpatrol.radiometry import decode
from radiometry import samples_dir  # bench/ is the script's folder

SAMPLES = samples_dir()


def _backend(data: bytes) -> object:
    return tsdk.open(data).measure_temperature_c()


def _ours(data: bytes) -> object:
    return decode(data).celsius


def _time(fn: Callable[[bytes], object], data: bytes) -> float:
    t0 = time.perf_counter()
    fn(data)
    return time.perf_counter() - t0


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    files = sorted(p for p in SAMPLES.glob("dji_*.jpg") if "flir_core" not in p.name)
    if not files:
        print(f"no DJI samples in {SAMPLES}")
        return 1
    blobs = {p.name: p.read_bytes() for p in files}
    for data in blobs.values():  # warm up: tables, imports
        _backend(data)
        _ours(data)
    print(f"DJI R-JPEG decode, median of {rounds} interleaved rounds, bytes in memory")
    print(f"{'file':32} {'tsdk ms':>9} {'irpatrol ms':>12} {'ratio':>7}")
    total_b = total_o = 0.0
    for name, data in blobs.items():
        b_times, o_times = [], []
        for _ in range(rounds):
            b_times.append(_time(_backend, data))
            o_times.append(_time(_ours, data))
        b, o = statistics.median(b_times), statistics.median(o_times)
        total_b += b
        total_o += o
        print(f"{name:32} {b * 1e3:9.2f} {o * 1e3:12.2f} {o / b:7.3f}")
    n = len(blobs)
    label = f"all {n} files"
    print(f"{label:32} {total_b * 1e3:9.2f} {total_o * 1e3:12.2f} {total_o / total_b:7.3f}")
    print(
        f"images/s: dji-thermal-cli {n / total_b:.1f}, irpatrol {n / total_o:.1f} "
        f"(irpatrol time / back-end time = {total_o / total_b:.3f}; target ≤ 1.10)"
    )
    _libdirp_rows(blobs, rounds)
    return 0


def _libdirp_rows(blobs: dict[str, bytes], rounds: int) -> None:
    """irpatrol on DJI's libdirp against irpatrol on the default back-end: time and max |ΔT|."""
    from irpatrol.radiometry import ReadOptions
    from irpatrol.radiometry.dji import backend_named

    lib = os.environ.get("IRPATROL_DIRP_LIB")
    if not lib:
        print("libdirp back-end: not measured (IRPATROL_DIRP_LIB not set; DJI's library is not shipped)")
        return
    options = ReadOptions(dji_backend=backend_named("libdirp", lib))
    total_d = total_o = 0.0
    worst = 0.0
    for data in blobs.values():
        ours = decode(data).celsius
        theirs = decode(data, options).celsius
        worst = max(worst, float(abs(ours - theirs).max()))
        total_o += statistics.median(_time(_ours, data) for _ in range(rounds))
        total_d += statistics.median(_time(lambda d: decode(d, options).celsius, data) for _ in range(rounds))
    print(
        f"libdirp back-end: {total_d * 1e3:.1f} ms vs default {total_o * 1e3:.1f} ms;"
        f" max |ΔT| {worst:.4f} °C"
    )


if __name__ == "__main__":
    sys.exit(main())
