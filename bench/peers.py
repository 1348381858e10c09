"""Where the grade errors of the structure reading come from: the reference parts (T2) it takes.

On the generated multi-phase defect frames of ``bench/scenarios.py`` (current heating; single-phase and
voltage-heating scenarios left out), per scenario:

* **ideal reader**: T1 read where the truth reads it (``Truth.xy``, the hot spot's peak) and T2 at
  the corresponding points of the other phases (``Truth.peers_xy`` moved as ``Truth.xy`` lies from
  the centre of ``Truth.bbox``, :func:`_corresponding`) of the rendered frame (blur and noise
  included), graded by the same rules:
  the share of grades right, of |T2 error| ≤ 1 K and of |δ error| ≤ 2 pp. This is the ceiling of a
  reader that finds the right parts; also with the warmest pixel within ±1 px.
* **irpatrol**: for the defects it grades against a row of peers (``t2_source = "similar-component"``),
  how often those peers are the generated parts (both within 5 px) and how T2 and the grade fare in
  either case; and how many of the generated peer parts are compact maxima at all
  (``irpatrol.analysis.ridges.compact_maxima``, within 3 px), the candidates its rows are made of.

Environment: ``IRPATROL_BENCH_FRAMES`` frames per scenario (default 60), ``IRPATROL_BENCH_SEED`` seed
base (default 20261202, as bench/scenarios.py).
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import cv2
import numpy as np

from irpatrol.analysis.ridges import compact_maxima
from irpatrol.diagnosis import diagnose
from irpatrol.pipeline import examine
from irpatrol.simulate.scene import SCENARIOS, Truth, at_truth, render
from scenarios import RULES, SEED, _truth_grade  # the benchmark's seeds, rules, truth and match

FRAMES = int(os.environ.get("IRPATROL_BENCH_FRAMES", "60"))
MULTI_PHASE = ("hot-joint", "strain-clamp", "terminal-clamp", "disconnector-contact", "dropout-fuse")


def _corresponding(t: Truth) -> list[tuple[int, int]]:
    """The other phases' points corresponding to the truth's T1 position (px): each peer centre moved
    by the offset of ``t.xy`` from the centre of the hot part's box (the parts of the three phases are
    drawn alike; the box centre is the part's centre within half a pixel)."""
    assert t.xy is not None and t.bbox is not None
    bx, by, bw, bh = t.bbox
    dx, dy = t.xy[0] - (bx + bw / 2.0), t.xy[1] - (by + bh / 2.0)
    return [(round(p[0] + dx), round(p[1] + dy)) for p in t.peers_xy]


def _read(img: np.ndarray, xy: tuple[int, int], half: int) -> float:
    x, y = xy
    return float(img[max(0, y - half): y + half + 1, max(0, x - half): x + half + 1].max())


def main() -> int:
    cv2.setNumThreads(1)
    print(f"reference parts on {FRAMES} frames per scenario, seed {SEED} (bench/scenarios.py numbering)")
    print(f"{'scenario':<22}{'defects':>8}{'ideal grade/T2/δ':>20}{'±1 px':>16}"
          f"{'rows':>6}{'right parts':>12}{'T2 ok r/w':>11}{'grade ok r/w':>13}{'peers are maxima':>18}")
    total: Counter[str] = Counter()
    for scenario in MULTI_PHASE:
        si = SCENARIOS.index(scenario)
        c: Counter[str] = Counter()
        for k in range(FRAMES):
            img, t = render(SEED + 1000 * si + k, scenario)
            if not (t.defect and t.resolved and t.xy and t.peers_xy and t.t1_c is not None):
                continue
            grade, level, delta = _truth_grade(t)
            if level < 1 or t.t2_c is None:
                continue
            c["defects"] += 1
            corr = _corresponding(t)
            for half, tag in ((0, "ideal"), (1, "ideal1")):
                t1, t2 = _read(img, t.xy, half), min(_read(img, p, half) for p in corr)
                d = diagnose(RULES, t.device, hot_c=t1, ref_c=t2, ambient_c=t.t0_c)
                c[f"{tag} grade"] += d.grade == grade
                c[f"{tag} t2"] += abs(t2 - t.t2_c) <= 1.0
                c[f"{tag} delta"] += (d.delta_pct is not None and delta is not None
                                      and abs(d.delta_pct - delta) <= 2.0)
            maxima = compact_maxima(img)
            c["peers"] += len(t.peers_xy)
            c["peers maxima"] += sum(any(abs(m[0] - p[0]) <= 3 and abs(m[1] - p[1]) <= 3 for m in maxima)
                                     for p in t.peers_xy)
            ex = examine(img, device=t.device, ambient_c=t.t0_c, ambient_source="patrol")
            at = [f for f in ex.hotspots if at_truth(f.hotspot.bbox, t.xy)]
            if not at:
                continue
            f = max(at, key=lambda f: f.diagnosis.grade_level)
            h = f.hotspot
            if h.t2_source != "similar-component" or not h.peer_bboxes or h.t2_c is None:
                continue
            right = all(min(np.hypot(b[0] + 1 - p[0], b[1] + 1 - p[1]) for p in t.peers_xy) <= 5.0
                        for b in h.peer_bboxes)
            tag = "r" if right else "w"
            c["rows"] += 1
            c[f"rows {tag}"] += 1
            c[f"t2 {tag}"] += abs(h.t2_c - t.t2_c) <= 1.0
            c[f"grade {tag}"] += f.grade == grade
        total.update(c)
        _row(scenario, c)
    _row("all", total)
    return 0


def _pct(a: int, b: int) -> str:
    return "–" if b == 0 else f"{100.0 * a / b:.0f}"


def _row(name: str, c: Counter[str]) -> None:
    n = c["defects"]
    ideal = f"{_pct(c['ideal grade'], n)}/{_pct(c['ideal t2'], n)}/{_pct(c['ideal delta'], n)} %"
    ideal1 = f"{_pct(c['ideal1 grade'], n)}/{_pct(c['ideal1 t2'], n)}/{_pct(c['ideal1 delta'], n)} %"
    parts = f"{c['rows r']}/{c['rows']}"
    t2 = f"{_pct(c['t2 r'], c['rows r'])}/{_pct(c['t2 w'], c['rows w'])} %"
    grade = f"{_pct(c['grade r'], c['rows r'])}/{_pct(c['grade w'], c['rows w'])} %"
    maxima = f"{_pct(c['peers maxima'], c['peers'])} % of {c['peers']}"
    print(f"{name:<22}{n:>8}{ideal:>20}{ideal1:>16}{c['rows']:>6}{parts:>12}{t2:>11}{grade:>13}{maxima:>18}")


if __name__ == "__main__":
    sys.exit(main())
