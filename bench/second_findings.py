"""Second findings of one fault: in the frames of ``bench/scenarios.py`` that hold a defect of a clamp,
contact or fuse, the findings graded general or worse besides the one at the hot part, per scenario.

The scenario benchmark scores the finding at the hot part and the frames with nothing wrong; a frame
with a defect may still carry more graded findings. In the field each is a ledger entry of its own: the
heat a hot part conducts down its lead read as a second fault (``joint_hotspots._down_its_lead``,
docs/detector.md "eighth pass"), a second maximum of the same part just outside its box, a healthy part
graded against a wrong row. The arrester and bushing scenarios (whole-body readings) are not read.

Same frames and truth as ``bench/scenarios.py``: ``IRPATROL_BENCH_SEED`` (seed base),
``IRPATROL_BENCH_FRAMES`` (frames per scenario). ``IRPATROL_BENCH_LIST=1`` also prints each second
finding (scenario, seed, grade, box).
"""

from __future__ import annotations

import os
import sys

import cv2

from irpatrol.pipeline import examine
from irpatrol.simulate.scene import SCENARIOS, at_truth, render
from scenarios import FRAMES_PER_SCENARIO, SEED  # bench/ is the script's folder

READ = ("hot-joint", "hot-joint-single-phase", "strain-clamp", "terminal-clamp", "disconnector-contact",
        "dropout-fuse")
"""The scenarios whose defect frames are read: a hot part on the line structure."""


def main() -> int:
    cv2.setNumThreads(1)
    listing = os.environ.get("IRPATROL_BENCH_LIST") == "1"
    print(f"second graded findings in defect frames: seed {SEED}, {FRAMES_PER_SCENARIO} frames per scenario")
    print(f"{'scenario':<24}{'frames':>8}{'second':>8}")
    frames = seconds = 0
    for si, scenario in enumerate(SCENARIOS):
        if scenario not in READ:
            continue
        n = extra = 0
        for k in range(FRAMES_PER_SCENARIO):
            seed = SEED + 1000 * si + k
            img, t = render(seed, scenario)
            if not t.defect or t.xy is None:
                continue
            n += 1
            ex = examine(img, device=t.device, ambient_c=t.t0_c, ambient_source="patrol")
            for f in ex.hotspots:
                if f.diagnosis.grade_level >= 1 and not at_truth(f.hotspot.bbox, t.xy):
                    extra += 1
                    if listing:
                        print(f"  {scenario} {seed} {f.grade} {f.hotspot.bbox}")
        frames += n
        seconds += extra
        print(f"{scenario:<24}{n:>8}{extra:>8}")
    print(f"{'all':<24}{frames:>8}{seconds:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
