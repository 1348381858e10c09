"""Why the defects of the scenario benchmark are not graded right: each defect of ``bench/scenarios.py``
(same frames, same truth, same scoring) put in one class, per scenario.

Classes, in the order they are tested:

* ``right``: the hotspot at the joint carries the truth grade;
* ``missed``: no hotspot within ±3 px of the joint (not a compact maximum, not confirmed on a line,
  or dropped — e.g. a half-height outline without the 3×3 px measurement spot below the rise at
  which an unresolved reading is still reported);
* ``no-T2``: a hotspot without a reference (``unrated``, no reference found);
* ``T2-off``: a reference more than 1 K from the truth T2 (a row of parts that are not the other
  phases, or the conductor read through the optics blur);
* ``T1-off``: the hottest reading more than 1 K from the truth T1;
* ``margin``: T1 and T2 within 1 K of the truth, but the difference lies within the camera's accuracy
  plus the reference's margin (``unrated``: a row that runs out nowhere, parts on no visible
  conductor, the joint's own conductor);
* ``edge``: T1 and T2 within 1 K and graded, one grade off (δ or ΔT near a threshold).

A second table splits the missed defects by the step that lost them (:data:`LOST`, :func:`lost_at`):

* whole-body heating (arresters, bushings): ``no body`` (no body of ``analysis.bodies.find_bodies``
  holds the truth point) or ``no row`` (a body, but no row of three was found or completed);
* a hot part (current heating): ``no maximum`` (the part stands under ``ridges.MIN_EXCESS_K`` over the
  warmest pixel on its ring at every scale: a background as warm as the part, or its own heated lead,
  blade or conductor crossing the ring), ``cut`` (a compact maximum, but beyond
  ``ridges.MAX_CANDIDATES``), ``no line`` (a candidate that ``joints.find_joints`` confirmed on no
  line) or ``dropped`` (a joint, not reported: no T2 and rising under 10 K, no 3×3 px spot, or in a
  hotter joint's heat).

A third table splits the current-heating defects with two healthy phases by how many of those read
below their surroundings (:func:`dark_phases`): bare metal reflecting a cold sky before sunlit ground,
where neither the healthy parts nor, often, the hot one stand out as maxima (docs/detector.md,
nineteenth pass).

A fourth table counts the classes of the first by the truth grade (general, serious, critical): the
errors that matter most to a crew are those of the serious and critical defects.

Environment as ``bench/scenarios.py`` (``IRPATROL_BENCH_SEED``, ``IRPATROL_BENCH_FRAMES``);
``IRPATROL_BENCH_LIST=1`` also prints each defect that is not right (seed, class, truth and reading;
for a missed one, the step that lost it in brackets).
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import cv2
import numpy as np

from irpatrol.analysis.bodies import find_bodies
from irpatrol.analysis.joint_hotspots import REPORT_EXCESS_K
from irpatrol.analysis.joints import below_surroundings, find_joints
from irpatrol.analysis.ridges import MAX_CANDIDATES, compact_maxima
from irpatrol.conditions import CAMERA_ACCURACY, accuracy_k
from irpatrol.diagnosis.rules import SEVERITY_LEVELS
from irpatrol.pipeline import Finding, examine
from irpatrol.simulate.scene import SCENARIOS, Truth, at_truth, render
from scenarios import FRAMES_PER_SCENARIO, SEED, _truth_grade  # bench/ is the script's folder

CLASSES = ("right", "missed", "no-T2", "T2-off", "T1-off", "margin", "edge")
GRADES = tuple(SEVERITY_LEVELS[level] for level in (1, 2, 3))
"""The truth grades a defect of the benchmark carries (general or worse), mildest first."""
TOLERANCE_K = 1.0
"""T1 or T2 error (K) beyond which a reading is off (the benchmark's T2 target)."""


LOST = ("no body", "no row", "no maximum", "cut", "no line", "dropped")
"""The steps a missed defect may be lost at (module docstring), whole-body heating first."""


def lost_at(img: np.ndarray, t: Truth) -> str:
    """The step (:data:`LOST`) at which the missed defect ``t`` of the frame ``img`` (°C) was lost: at
    the truth point means within ±3 px, as a hotspot is at it (``irpatrol.simulate.scene.at_truth``)."""
    assert t.xy is not None
    if t.heating == "voltage":
        box = t.bbox or (t.xy[0], t.xy[1], 1, 1)
        bodies = [b for per_angle in find_bodies(img) for b in per_angle]
        return "no row" if any(at_truth(box, (round(b.xy[0]), round(b.xy[1]))) for b in bodies) else "no body"
    every = compact_maxima(img, limit=10 ** 6)
    rank = next((k for k, c in enumerate(every) if at_truth((c[0], c[1], 1, 1), t.xy)), None)
    if rank is None:
        return "no maximum"
    if rank >= MAX_CANDIDATES:
        return "cut"
    joints = find_joints(img, t.t0_c, accuracy_k(t.t0_c, CAMERA_ACCURACY), REPORT_EXCESS_K)
    return "dropped" if any(at_truth((*j.xy, 1, 1), t.xy) for j in joints) else "no line"


def dark_phases(img: np.ndarray, t: Truth) -> int | None:
    """How many of the healthy phases of the current-heating defect ``t`` read below their
    surroundings in ``img`` (°C) at their generated places (``joints.below_surroundings``: bare metal
    reflecting a cold sky before sunlit ground, docs/physics.md §1); None for a defect without two."""
    if t.heating != "current" or len(t.peers_xy) != 2:
        return None
    return sum(below_surroundings(img, x, y) for x, y in t.peers_xy)


def classify(t: Truth, grade: str, found: list[Finding]) -> str:
    """The class (:data:`CLASSES`) of one defect: ``t`` its truth, ``grade`` its truth grade,
    ``found`` the hotspots read from its frame."""
    assert t.xy is not None and t.t1_c is not None
    at = [f for f in found if at_truth(f.hotspot.bbox, t.xy)]
    best = max(at, key=lambda f: f.diagnosis.grade_level, default=None)
    if best is None:
        return "missed"
    if best.grade == grade:
        return "right"
    h = best.hotspot
    if h.t2_c is None:
        return "no-T2"
    if t.t2_c is not None and abs(h.t2_c - t.t2_c) > TOLERANCE_K:
        return "T2-off"
    if abs(h.t_max_c - t.t1_c) > TOLERANCE_K:
        return "T1-off"
    return "margin" if best.grade == "unrated" else "edge"


def main() -> int:
    cv2.setNumThreads(1)
    listing = os.environ.get("IRPATROL_BENCH_LIST") == "1"
    total: Counter[str] = Counter()
    lost: dict[str, Counter[str]] = {}
    dark: dict[str, Counter[tuple[int, bool]]] = {}  # (dark phases, graded right) per scenario
    by_grade: dict[str, Counter[str]] = {}  # class per truth grade
    print(f"why defects are not graded right: seed {SEED}, {FRAMES_PER_SCENARIO} frames per scenario")
    print(f"{'scenario':<24}{'defects':>8}" + "".join(f"{c:>8}" for c in CLASSES))
    for si, scenario in enumerate(SCENARIOS):
        counts: Counter[str] = Counter()
        for k in range(FRAMES_PER_SCENARIO):
            seed = SEED + 1000 * si + k
            img, t = render(seed, scenario)
            grade, level, _ = _truth_grade(t)
            if not (t.defect and t.resolved and level >= 1 and t.xy is not None):
                continue
            ex = examine(img, device=t.device, ambient_c=t.t0_c, ambient_source="patrol")
            cls = classify(t, grade, ex.hotspots)
            counts[cls] += 1
            by_grade.setdefault(grade, Counter())[cls] += 1
            if (n_dark := dark_phases(img, t)) is not None:
                dark.setdefault(scenario, Counter())[(n_dark, cls == "right")] += 1
            step = lost_at(img, t) if cls == "missed" else ""
            if step:
                lost.setdefault(scenario, Counter())[step] += 1
            if listing and cls != "right":
                read = [(f.grade, f.hotspot.bbox, f.hotspot.t2_c) for f in ex.hotspots][:4]
                where = f" [{step}]" if step else ""
                print(f"  {scenario} {seed} {cls}:{where} truth {grade} T1 {t.t1_c:.1f}",
                      f"T2 {t.t2_c} at {t.xy}; read {read}")
        total.update(counts)
        if sum(counts.values()):
            print(f"{scenario:<24}{sum(counts.values()):>8}" + "".join(f"{counts[c]:>8}" for c in CLASSES))
    print(f"{'all':<24}{sum(total.values()):>8}" + "".join(f"{total[c]:>8}" for c in CLASSES))
    print("\nmissed defects, by the step that lost them (module docstring)")
    print(f"{'scenario':<24}{'missed':>8}" + "".join(f"{c:>11}" for c in LOST))
    every: Counter[str] = Counter()
    for scenario, steps in lost.items():
        every.update(steps)
        print(f"{scenario:<24}{sum(steps.values()):>8}" + "".join(f"{steps[c]:>11}" for c in LOST))
    print(f"{'all':<24}{sum(every.values()):>8}" + "".join(f"{every[c]:>11}" for c in LOST))
    print("\ncurrent-heating defects with two healthy phases, by how many of them read below their"
          " surroundings: right / defects")
    print(f"{'scenario':<24}" + "".join(f"{c:>11}" for c in ("none", "one", "both")))
    both: Counter[tuple[int, bool]] = Counter()
    for scenario, c in dark.items():
        both.update(c)
        print(f"{scenario:<24}" + "".join(f"{f'{c[(n, True)]}/{c[(n, True)] + c[(n, False)]}':>11}"
                                          for n in range(3)))
    print(f"{'all':<24}" + "".join(f"{f'{both[(n, True)]}/{both[(n, True)] + both[(n, False)]}':>11}"
                                   for n in range(3)))
    print("\nthe classes of the first table by the truth grade")
    print(f"{'grade':<24}{'defects':>8}" + "".join(f"{c:>8}" for c in CLASSES))
    for grade in GRADES:
        if grade in by_grade:
            c = by_grade[grade]
            print(f"{grade:<24}{sum(c.values()):>8}" + "".join(f"{c[k]:>8}" for k in CLASSES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
