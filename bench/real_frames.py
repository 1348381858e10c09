"""Graded findings on real camera files that show no distribution-line defect: the false defects a crew
would see on frames nobody here drew.

``bench/false_defects.py`` counts false defects on generated frames. Those frames come from our own
simulator, so they say little about the roofs, cars, solar arrays and façades of real flights. This
script reads real radiometric files (``irpatrol.radiometry.read``) and examines each as each device
kind of the scenario benchmark (``simulate.scene.SCENARIO_DEVICE``). T0 comes from the frame's
background, as for a user who gives no weather. A finding graded general or worse is counted as a
false defect: none of these frames shows a distribution line, and the power structures some of them
show (transmission towers with their insulator strings, a substation's bushings: DJI H30T 0004 and
0005, M2EA 0001 and 0003, M4T 0001 and 0003) show no hot spot. The one frame of a real electrical fault,
the FLIR T640 panel whose neutral wire reads 87 °C (issue 10), is in :data:`KNOWN_FAULTS`: its findings
are listed apart and not counted.

The frames:

* the shared samples (``IRPATROL_SAMPLES_DIR``, default ``../shared/data/thermal-samples``);
* any further folders named in ``IRPATROL_BENCH_REAL_DIRS`` (separated by ``os.pathsep``). The
  further frames used in docs/detector.md (twenty-fourth pass) are the DJI Thermal SDK sample images
  in <https://github.com/SanNianYiSi/thermal_parser/tree/b83e5ec/images> (the subfolders H20N, H20T,
  H30T, M2EA, M30T, M3T, M3TD, M4T and XTS, 53 files, the shared ones among them). They are DJI's,
  under the DJI SDK EULA: for testing, not to be shipped, so the repository does not hold them.
  Clone that repository and pass its ``images`` subfolders.

Files with the same bytes are read once. A file without radiometric data is named with the reason
and skipped.

Per device kind the script prints the frames read, the frames with a graded finding, and graded
findings per 100 frames. Then it lists each graded finding: file, kind, grade, box, T1, T2 and its
source, and the thermal pattern.

Two worker processes, one OpenCV thread each.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import cv2

from irpatrol.errors import IrPatrolError
from irpatrol.pipeline import examine
from irpatrol.radiometry import read
from irpatrol.simulate.scene import SCENARIO_DEVICE
from radiometry import samples_dir  # bench/ is the script's folder

KINDS = sorted(set(SCENARIO_DEVICE.values()))
SHARED = samples_dir()
FURTHER = [Path(p) for p in os.environ.get("IRPATROL_BENCH_REAL_DIRS", "").split(os.pathsep) if p]
SUFFIXES = (".jpg", ".jpeg")
KNOWN_FAULTS = {"flir_t640.jpg": "a loaded panel's neutral wire at 87 °C, 53 K over its surroundings"}
"""Real frames of an electrical fault (file name: what it shows), whose findings are not false."""

Graded = tuple[str, str, str, tuple[int, int, int, int], float, float | None, str, str]
"""(file, kind, grade, box, T1 °C, T2 °C, T2 source, pattern)."""


def frames(folders: list[Path]) -> list[Path]:
    """The image files of ``folders`` (not recursive), each content once, in name order per folder."""
    seen: set[str] = set()
    out = []
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                out.append(path)
    return out


def _read(path: Path) -> tuple[str, str | None, list[Graded]]:
    """The graded findings of one file as each kind; the reason it could not be read, else None."""
    cv2.setNumThreads(1)
    name = f"{path.parent.name}/{path.name}"
    try:
        thermogram = read(path)
    except IrPatrolError as exc:
        return name, str(exc), []
    out: list[Graded] = []
    for kind in KINDS:
        for f in examine(thermogram, device=kind).hotspots:
            if f.diagnosis.grade_level >= 1:
                h = f.hotspot
                out.append((name, kind, f.grade, h.bbox, h.t_max_c, h.t2_c, h.t2_source, h.pattern))
    return name, None, out


def main() -> int:
    folders = [d for d in [SHARED, *FURTHER] if d.is_dir()]
    for d in [SHARED, *FURTHER]:
        if not d.is_dir():
            print(f"not a folder, skipped: {d}")
    files = frames(folders)
    if not files:
        print("no real frames to read")
        return 0
    with Pool(2) as pool:
        results = pool.map(_read, files)
    read_ok = [r for r in results if r[1] is None]
    for name, error, _ in results:
        if error is not None:
            print(f"skipped {name}: {error}")
    faults = [g for _, _, found in read_ok for g in found if Path(g[0]).name in KNOWN_FAULTS]
    graded = [g for _, _, found in read_ok for g in found if Path(g[0]).name not in KNOWN_FAULTS]
    n = len([name for name, _, _ in read_ok if Path(name).name not in KNOWN_FAULTS])
    if n == 0:
        print("no real frames without a known fault were read")
        return 0
    print(f"real frames with no distribution-line defect: {n} files from {len(folders)} folder(s), "
          "each examined as each kind; a finding graded general or worse is a false defect "
          f"({len(read_ok) - n} frame(s) of a known fault listed apart)")
    print(f"{'kind':26} {'frames':>6} {'with one':>8} {'per 100':>8}")
    findings = Counter(g[1] for g in graded)
    with_one = Counter(kind for kind, _ in {(g[1], g[0]) for g in graded})
    for kind in KINDS:
        print(f"{kind:26} {n:6d} {with_one[kind]:8d} {100.0 * findings[kind] / n:8.1f}")
    print(f"{'all kinds':26} {n * len(KINDS):6d} {sum(with_one.values()):8d} "
          f"{100.0 * len(graded) / (n * len(KINDS)):8.1f}")
    print("\ngraded findings (file, kind, grade, box x y w h, T1 °C, T2 °C, T2 source, pattern)")
    for name, kind, grade, box, t1, t2, source, pattern in sorted(graded):
        t2_text = "–" if t2 is None else f"{t2:.1f}"
        print(f"  {name} {kind} {grade} {box} {t1:.1f} {t2_text} {source} {pattern}")
    if faults:
        print("\nfindings on the frames of a known fault (not counted)")
        for name, kind, grade, box, t1, t2, source, pattern in sorted(faults):
            t2_text = "–" if t2 is None else f"{t2:.1f}"
            print(f"  {name} ({KNOWN_FAULTS[Path(name).name]}) {kind} {grade} {box} {t1:.1f} {t2_text} "
                  f"{source} {pattern}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
