"""Radiometric decoding speed: ``irpatrol.radiometry.read`` against the tool a user would otherwise use.

* FLIR R-JPEGs: flyr 5.1.0, ``flyr.unpack(path).celsius`` (the reference decoder of reference.csv).
* DJI XT2/XTR (FLIR core): flyr fails on them (KeyError), so only our figure is printed.
* DJI R-JPEGs: dji-thermal-cli's own API, ``tsdk.open(data).measure_temperature_c()`` at the
  embedded parameters, which our DJI back-end wraps (issue 2 target: within 10 %).

Both sides start from the file path and end with a float °C array. Each file is timed ``REPEAT``
times, alternating with the baseline; a group's rate is its file count over the sum of the
per-file medians (images/s, one process).
Samples: ``IRPATROL_SAMPLES_DIR`` or ../shared/data/thermal-samples.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from irpatrol.radiometry import read

REPEAT_FLIR = 9
REPEAT_DJI = 3
FLIR_TARGET = 5.0
"""Issue 2: FLIR 640×480 at ≥ 5× flyr's rate."""
DJI_TARGET = 0.9
"""Issue 2: DJI within 10 % of the raw back-end."""


def samples_dir() -> Path:
    """The shared camera samples: ``IRPATROL_SAMPLES_DIR``, else ../shared/data/thermal-samples beside
    the repository (the one place the bench scripts take it from)."""
    env = os.environ.get("IRPATROL_SAMPLES_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data" / "thermal-samples"


def _seconds(fn: Callable[[Path], Any], path: Path) -> float:
    t0 = time.perf_counter()
    fn(path)
    return time.perf_counter() - t0


def _rates(fns: list[Callable[[Path], Any]], paths: list[Path], repeat: int) -> list[float]:
    """Images per second of each of ``fns`` over ``paths``: len(paths) / Σ per-file median time.

    The functions are timed alternately on each file (after one warm-up call each), so a change
    in the load of the shared machine affects both sides alike.
    """
    totals = [0.0] * len(fns)
    for path in paths:
        times: list[list[float]] = [[] for _ in fns]
        for fn in fns:
            fn(path)
        for _ in range(repeat):
            for i, fn in enumerate(fns):
                times[i].append(_seconds(fn, path))
        for i, t in enumerate(times):
            totals[i] += statistics.median(t)
    return [len(paths) / total for total in totals]


def ours(path: Path) -> Any:
    return read(path).celsius


def flyr_celsius(path: Path) -> Any:
    import flyr

    return flyr.unpack(str(path)).celsius


def tsdk_celsius(path: Path) -> Any:
    from dji_thermal_cli import tsdk

    return tsdk.open(path.read_bytes()).measure_temperature_c()


def _row(label: str, n: int, ours_rate: float, base_rate: float | None, target: float | None) -> str:
    if base_rate is None:
        return f"{label:<34} {n:>5} {ours_rate:>10.1f} {'n/a':>10} {'':>7} {'':>8}"
    ratio = ours_rate / base_rate
    verdict = "" if target is None else ("ok" if ratio >= target else "MISSED")
    target_txt = "" if target is None else f"≥{target:g}×"
    return (
        f"{label:<34} {n:>5} {ours_rate:>10.1f} {base_rate:>10.1f} {ratio:>6.2f}× {target_txt:>6} {verdict}"
    )


def _planck_row(path: Path) -> None:
    """The equation alone on one 640×480 frame: our per-frame scalars + lookup table against flyr's
    float64 array expression (its private ``__raw_to_kelvin``), ms per frame."""
    from flyr.thermogram import FlyrThermogram

    from irpatrol.radiometry.planck import raw_to_celsius

    t = read(path)
    raw, p = t.raw, t.params
    cal = t.recalibrator.calibration  # type: ignore[union-attr]
    flyr_eq = FlyrThermogram._FlyrThermogram__raw_to_kelvin  # type: ignore[attr-defined]

    def theirs() -> Any:
        return flyr_eq(
            raw.astype("float64"), p.emissivity, p.distance_m, p.atmospheric_c + 273.15,
            p.ir_window_c + 273.15, p.ir_window_transmission, p.reflected_c + 273.15, p.humidity / 100,
            cal.r1, cal.r2, cal.b, cal.f, cal.o, cal.alpha1, cal.alpha2, cal.beta1, cal.beta2, cal.x,
        )  # fmt: skip

    times: list[list[float]] = [[], []]
    for _ in range(REPEAT_FLIR * 3):
        for i, fn in enumerate((lambda: raw_to_celsius(raw, cal, p), theirs)):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    ours_ms, flyr_ms = (statistics.median(x) * 1e3 for x in times)
    print(
        f"{'Planck equation only, 640×480':<34} {1:>5} {ours_ms:>7.2f} ms {flyr_ms:>7.2f} ms "
        f"{flyr_ms / ours_ms:>6.2f}×  (ms/frame)"
    )


def main() -> int:
    folder = samples_dir()
    if not folder.is_dir():
        print(f"samples not found at {folder}; set IRPATROL_SAMPLES_DIR")
        return 1
    warnings.simplefilter("ignore")  # flyr's DeprecationWarnings
    flir = sorted(folder.glob("flir_*.jpg"))
    groups = [
        ("FLIR T640 640×480 (PNG raw)", [p for p in flir if "t640" in p.name], FLIR_TARGET),
        ("FLIR SC660 640×480 (raw u16)", [p for p in flir if "sc660" in p.name], FLIR_TARGET),
        ("all FLIR samples", flir, None),
    ]
    print(f"{'group':<34} {'files':>5} {'ours img/s':>10} {'base img/s':>10} {'ratio':>7} {'target':>6}")
    print("baseline: flyr 5.1.0 flyr.unpack(path).celsius")
    for label, paths, target in groups:
        ours_rate, flyr_rate = _rates([ours, flyr_celsius], paths, REPEAT_FLIR)
        print(_row(label, len(paths), ours_rate, flyr_rate, target))
    _planck_row(folder / "flir_t640.jpg")
    xt = sorted(folder.glob("dji_xt*_flir_core.jpg"))
    print(_row("DJI XT2/XTR 640×512 (flyr fails)", len(xt), _rates([ours], xt, REPEAT_FLIR)[0], None, None))

    print("baseline: dji-thermal-cli tsdk.open(data).measure_temperature_c()")
    dji = [p for p in sorted(folder.glob("dji_*.jpg")) if not p.name.endswith("_flir_core.jpg")]
    try:
        import irpatrol.radiometry.dji  # noqa: F401 - the back-end of another part; may be missing
    except ImportError as exc:
        print(f"{'DJI R-JPEG':<34} {len(dji):>5}  missing: irpatrol.radiometry.dji not importable ({exc})")
        return 0
    ours_rate, tsdk_rate = _rates([ours, tsdk_celsius], dji, REPEAT_DJI)
    print(_row("DJI R-JPEG (all TSDK samples)", len(dji), ours_rate, tsdk_rate, DJI_TARGET))
    return 0


if __name__ == "__main__":
    sys.exit(main())
