"""False defects on generated frames with nothing wrong, over several unseen seed bases.

``bench/scenarios.py`` reads one base (the benchmark seed). This script reads a few more, with more
frames per scenario, to show how much the false-defect rate varies between bases:

* the frames with nothing wrong of the scenarios in :data:`scenarios.HEALTHY` (healthy, sunlit
  clutter, a far pole), read as each device kind of the scenarios;
* the frames with nothing wrong inside the defect scenarios, read as their own kind.

A false defect is a finding graded general or worse. T0 is the truth ambient, as in the benchmark.

Per base, the script prints:

* false defects per 100 frames, for each kind;
* each false finding: scenario, seed, kind, grade and box, and whether it lies on the drawn line
  (``scenarios.ON_LINE_PX``: a healthy part of the line graded) or off it (the ground or its clutter,
  never a defect: issue 10 item 3).

Environment:

* ``IRPATROL_BENCH_BASES``: comma-separated seed bases. The default is ``99000000,66000000``. Tuning
  does not use these bases, but three false defects found on them are pinned in
  ``tests/analysis/test_joints.py`` (99000168, 66000039, 66001101). The seventh pass of
  docs/detector.md tuned on ``44000000,33000000`` and pins frames of those in the tests. For a base
  nothing has seen, pass another.
* ``IRPATROL_BENCH_FRAMES``: frames per scenario. The default is 200.

Two worker processes, one OpenCV thread each.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from multiprocessing import Pool

import cv2

from irpatrol.simulate.scene import SCENARIO_DEVICE, SCENARIOS, render_with_line
from scenarios import HEALTHY, graded, near_line, on_line_at  # bench/ is the script's folder

BASES = [int(b) for b in os.environ.get("IRPATROL_BENCH_BASES", "99000000,66000000").split(",")]
FRAMES = int(os.environ.get("IRPATROL_BENCH_FRAMES", "200"))
KINDS = sorted(set(SCENARIO_DEVICE.values()))

Job = tuple[int, int, str, int]
"""(base, scenario index, scenario, frame number)."""
FalseFinding = tuple[str, int, str, str, tuple[int, int, int, int], bool]
"""(scenario, seed, kind, grade, box, on the drawn line)."""


def _read(job: Job) -> tuple[str, list[FalseFinding]]:
    """The false findings of one frame, and how it counts: "healthy" (read as each kind), "inside" (a
    defect scenario's frame with nothing wrong, read as its own kind) or "" (a frame with a defect,
    not read)."""
    cv2.setNumThreads(1)
    base, si, scenario, k = job
    seed = base + 1000 * si + k
    img, truth, line = render_with_line(seed, scenario)
    if truth.defect:
        return "", []
    kinds = KINDS if scenario in HEALTHY else [truth.device]
    on_line = near_line(line)
    out = [(scenario, seed, kind, f.grade, f.hotspot.bbox, on_line_at(on_line, f.hotspot.max_xy))
           for kind in kinds for f in graded(img, truth, kind)]
    return ("healthy" if scenario in HEALTHY else "inside"), out


def main() -> int:
    print(f"false defects on frames with nothing wrong: bases {BASES}, {FRAMES} frames per scenario")
    with Pool(2) as pool:
        for base in BASES:
            jobs = [(base, si, s, k) for si, s in enumerate(SCENARIOS) for k in range(FRAMES)]
            results = pool.map(_read, jobs, chunksize=4)
            healthy = sum(1 for how, _ in results if how == "healthy")
            inside = sum(1 for how, _ in results if how == "inside")
            found = [f for how, fs in results if how == "healthy" for f in fs]
            found_inside = [f for how, fs in results if how == "inside" for f in fs]
            per_kind = Counter(f[2] for f in found)
            print(f"\nbase {base}: {healthy} frames of {', '.join(HEALTHY)} read as each kind "
                  "(false defects / 100 frames, target ≤ 1)")
            for kind in KINDS:
                print(f"  {kind:<26}{100.0 * per_kind[kind] / max(healthy, 1):>6.1f}")
            print(f"  {inside} frames with nothing wrong inside the defect scenarios, as their own kind: "
                  f"{len(found_inside)} false defects")
            print(f"  of the {len(found) + len(found_inside)}, on the drawn line: "
                  f"{sum(f[5] for f in [*found, *found_inside])}")
            for f in [*found, *found_inside]:
                print(f"    {f[0]} {f[1]} {f[2]}: {f[3]} at {f[4]} {'on' if f[5] else 'off'} the line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
