"""Real frames of distribution lines with hot connections: does the reader flag the hot spot a
thermographer marked, and what does it grade elsewhere?

The other real files (``bench/real_frames.py``) show no distribution line. This script reads a public
set that does: <https://github.com/net7971/imagenes_termicas/tree/b11144c>, the data of "Detection of
hot spots in thermal images of Peruvian electrical substations" (its README: submitted to IEEE Latin
America Transactions). Its ``Total/LINES`` folder holds 342 thermal JPEGs of distribution poles seen
from the ground against the sky, from a handheld Guide TP8S camera (384 × 288 px); ``Etiquetadas/LINES``
holds 22 of them with the hot spots marked by hand ("puntoLinea", a line hot point: jumper and strain
clamps, connectors; 28 boxes in YOLO text files beside the images).
The repository states no licence: the files are read from a clone, never copied here.

**What is known of the files, and what is assumed.** The TP8S writes a plain JPEG (the false-colour
view) followed by its own records. Measured on all 342 files (docs/detector.md, thirty-fifth pass):

* 1,851,472 bytes before the end of every file a table of 8,192 little-endian int32 values starts, not
  decreasing, in tenths of a degree Celsius: −50.0 to 309.4 °C (226 files), −50.0 to 320.0 °C (30) or
  −20.0 to 900.0 °C (86: the camera's high range) — the camera's count-to-temperature curve;
* right after it, 384 × 288 little-endian int16 values: a radiometric frame, row by row, which
  reproduces the false-colour view. Its values are small and signed (about −650 to +210) and shift
  from frame to frame with the scene.

Where the frame's zero sits on that curve is in no record found so far. The script assumes that the
frame's line structure (the pixels over the warm-equipment threshold of
:func:`irpatrol.analysis.background.background`: conductors, insulators, crossarms, the pole) reads
:data:`STRUCTURE_C` (20 °C) on the median, as unheated hardware near the air temperature does, and
reads every count from there along the camera's own curve (0.10–0.12 K a count near 20 °C in the
two low ranges, 0.45 K in the high one). The sky behind then reads 4–48 K below that (median 22 K;
5 % and 95 %: 36 and 5 K), which is what docs/physics.md §2 expects of clear to overcast skies.
**Temperatures, ΔT and δ are therefore a proxy** (the scale is the camera's, the zero assumed, a
sunlit pole shifts it): what holds is where the reader puts its findings and whether it flags the
marked hot spots, not their grades.

Each frame is examined as a parallel-groove clamp (a line connector, DL/T 664-2016 Table H.1; the kind
only picks the rule rows), T0 = :data:`STRUCTURE_C` as from the patrol's weather, no object distance
(the reader of aerial frames, as for a drone file without a rangefinder). Printed:

* per marked hot spot: whether a finding lies in its box (±3 px) graded general or worse, or unrated
  and marked for review (rising 10 K over T0), or neither; with the findings there, and for one
  neither graded nor flagged the step that lost it (:func:`lost_at`), counted per step;
* over the frames without marks (which may still hold hot spots nobody marked, the set's README says
  the folder holds frames with and without them): the findings graded general or worse and those
  marked for review, per 100 frames.

Environment: ``IRPATROL_BENCH_LINES_DIR``, the clone's root (the folder holding ``Total`` and
``Etiquetadas``). Without it the script says so and stops. ``IRPATROL_BENCH_LINES_T0=background``
reads every frame with T0 from its background instead (``examine`` without the weather, as a user
who gives none: here the sky's median, 4–48 K below the structure). Two worker processes, one OpenCV thread
each.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np

from irpatrol.analysis.background import background
from irpatrol.analysis.joint_hotspots import REPORT_EXCESS_K
from irpatrol.analysis.joints import find_joints
from irpatrol.analysis.ridges import MAX_CANDIDATES, compact_maxima
from irpatrol.conditions import CAMERA_ACCURACY, accuracy_k
from irpatrol.pipeline import Finding, examine

TABLE_FROM_END = 1_851_472
"""Bytes between the start of the count-to-temperature table and the end of a TP8S file (all 342 files)."""
TABLE_LEN = 8192
"""Entries of that table (int32, tenths of a degree Celsius)."""
WIDTH, HEIGHT = 384, 288
"""The TP8S frame (px)."""
STRUCTURE_C = 20.0
"""Assumed median reading (°C) of a frame's line structure, and T0 of every frame (module docstring)."""
PAD_PX = 3
"""How far (px) outside a marked box a finding's hottest pixel may lie and still be that hot spot
(the scenario benchmark's tolerance, ``irpatrol.simulate.scene.at_truth``)."""
DEVICE = "parallel-groove-clamp"
T0_FROM_BACKGROUND = os.environ.get("IRPATROL_BENCH_LINES_T0") == "background"
"""T0 from each frame's background (the sky here) instead of :data:`STRUCTURE_C` (module docstring)."""

Box = tuple[float, float, float, float]
"""A marked hot spot: x0, y0, x1, y1 (px)."""
Row = tuple[str, int, bool, tuple[int, int], float, float | None, str]
"""A finding: grade, grade level, marked for review, hottest pixel (x, y px), T1 °C, T2 °C or None,
T2 source."""


LOST = ("no maximum", "cut", "no line", "no reference", "as warm as its reference", "dropped", "unrated")
"""The steps at which a marked hot spot neither graded nor flagged was lost (:func:`lost_at`)."""


@dataclass(frozen=True)
class Read:
    """One file's findings (:data:`Row`) and for each of its marked boxes the step that lost it
    (:func:`lost_at`; "" for a box whose hot spot was graded or flagged)."""

    name: str
    boxes: list[Box]
    findings: list[Row]
    error: str | None = None
    lost: tuple[str, ...] = ()


def lost_at(img: np.ndarray, box: Box, t0_c: float) -> str:
    """The step (:data:`LOST`) at which a hot spot marked in ``box`` was lost (T0 ``t0_c`` °C), as
    ``bench/misses.py`` names them: ``no maximum`` (no compact maximum in the box, ±3 px), ``cut``
    (one, beyond ``ridges.MAX_CANDIDATES``), ``no line`` (no joint there: no line confirmed through
    it), ``no reference`` (a joint without T2: with a rise under 10 K it is not reported), ``as warm
    as its reference`` (T2 within 0.5 K of T1 or above it: another phase or a twin as warm),
    ``dropped`` (a joint with a reference set aside later: a speck, in a hotter joint's heat, a row
    that is no row). A box holding a finding that is neither graded nor marked for review is
    ``unrated`` (the difference within the accuracy and margin, the rise under 10 K) without this
    function."""
    every = compact_maxima(img, limit=10 ** 6)
    rank = next((k for k, c in enumerate(every) if _in(box, (c[0], c[1]))), None)
    if rank is None:
        return "no maximum"
    if rank >= MAX_CANDIDATES:
        return "cut"
    joints = [j for j in find_joints(img, t0_c, accuracy_k(t0_c, CAMERA_ACCURACY), REPORT_EXCESS_K)
              if _in(box, j.xy)]
    if not joints:
        return "no line"
    if all(j.t2_c is None for j in joints):
        return "no reference"
    if all(j.t2_c is None or j.t1_c - j.t2_c < 0.5 for j in joints):
        return "as warm as its reference"
    return "dropped"


def celsius_of(data: bytes) -> np.ndarray:
    """The proxy temperatures (°C, float32, 288 × 384) of a TP8S file's bytes (module docstring): the
    camera's table read from the index at which the frame's line structure (the pixels over the warm
    threshold of :func:`irpatrol.analysis.background.background`) reads :data:`STRUCTURE_C` on the median.

    Raises ValueError naming the problem when the records are not where the layout puts them."""
    at = len(data) - TABLE_FROM_END
    end = at + TABLE_LEN * 4 + WIDTH * HEIGHT * 2
    if at <= 0 or end > len(data):
        raise ValueError(f"{len(data)} bytes: too short for a TP8S table and frame")
    table = np.frombuffer(data, "<i4", TABLE_LEN, at).astype(np.float64) / 10.0
    if np.any(np.diff(table) < 0) or not table[0] <= STRUCTURE_C <= table[-1]:
        raise ValueError(f"no count-to-temperature table {TABLE_FROM_END} bytes before the end")
    counts = np.frombuffer(data, "<i2", WIDTH * HEIGHT, at + TABLE_LEN * 4).astype(np.float64)
    entries = np.arange(TABLE_LEN)
    zero = float(np.interp(STRUCTURE_C, table, entries))  # the table's index of STRUCTURE_C

    def read(z: float) -> np.ndarray:
        return np.interp(np.clip(z + counts, 0, TABLE_LEN - 1), entries, table).astype(np.float32)

    first = read(zero)  # a count of 0 at STRUCTURE_C: only to tell the structure from the sky
    structure = counts[first > background(first.reshape(HEIGHT, WIDTH)).threshold_c]
    if structure.size:
        zero -= float(np.median(structure))
    return read(zero).reshape(HEIGHT, WIDTH)


def boxes_of(path: Path) -> list[Box]:
    """The hot spots marked for ``path`` (its YOLO text file: class, centre x, centre y, width, height,
    as shares of the frame), none when it has no such file."""
    label = path.with_suffix(".txt")
    if not label.is_file():
        return []
    out = []
    for line in label.read_text().splitlines():
        fields = line.split()
        if len(fields) == 5:
            cx, cy, w, h = (float(v) for v in fields[1:])
            out.append(((cx - w / 2) * WIDTH, (cy - h / 2) * HEIGHT,
                        (cx + w / 2) * WIDTH, (cy + h / 2) * HEIGHT))
    return out


def _in(box: Box, xy: tuple[int, int]) -> bool:
    return box[0] - PAD_PX <= xy[0] <= box[2] + PAD_PX and box[1] - PAD_PX <= xy[1] <= box[3] + PAD_PX


def _row(f: Finding) -> Row:
    h = f.hotspot
    return (f.grade, f.diagnosis.grade_level, f.diagnosis.review, h.max_xy, h.t_max_c, h.t2_c, h.t2_source)


def _read(job: tuple[Path, list[Box]]) -> Read:
    cv2.setNumThreads(1)
    path, boxes = job
    try:
        img = celsius_of(path.read_bytes())
    except ValueError as exc:
        return Read(path.name, boxes, [], f"{path}: {exc}")
    ex = (examine(img, device=DEVICE) if T0_FROM_BACKGROUND
          else examine(img, device=DEVICE, ambient_c=STRUCTURE_C, ambient_source="patrol"))
    rows = [_row(f) for f in ex.hotspots]
    lost = tuple("" if any(_in(b, f[3]) and (f[1] >= 1 or f[2]) for f in rows)
                 else "unrated" if any(_in(b, f[3]) for f in rows) else lost_at(img, b, ex.t0_c)
                 for b in boxes)
    return Read(path.name, boxes, rows, lost=lost)


def jobs(root: Path) -> list[tuple[Path, list[Box]]]:
    """Each distinct file of ``Total/LINES`` with the boxes marked on its copy in ``Etiquetadas/LINES``."""
    marked = {hashlib.sha256(p.read_bytes()).hexdigest(): boxes_of(p)
              for p in sorted((root / "Etiquetadas" / "LINES").glob("*.JPG"))}
    seen: set[str] = set()
    out = []
    for path in sorted((root / "Total" / "LINES").glob("*.JPG")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append((path, marked.get(digest, [])))
    return out


def _text(r: Row) -> str:
    grade, _, review, xy, t1, t2, source = r
    t2_text = "–" if t2 is None else f"{t2:.1f}"
    return f"{grade}{' (review)' if review else ''} at {xy} T1 {t1:.1f} T2 {t2_text} {source}"


def main() -> int:
    root = os.environ.get("IRPATROL_BENCH_LINES_DIR")
    if not root or not (Path(root) / "Total" / "LINES").is_dir():
        print("IRPATROL_BENCH_LINES_DIR names no clone of net7971/imagenes_termicas: nothing read")
        return 0
    with Pool(2) as pool:
        reads = pool.map(_read, jobs(Path(root)))
    for r in reads:
        if r.error:
            print(f"skipped {r.error}")
    ok = [r for r in reads if r.error is None]
    marked = [r for r in ok if r.boxes]
    points = [(r, b, step) for r in marked for b, step in zip(r.boxes, r.lost, strict=True)]
    graded = flagged = 0
    lines = []
    steps = dict.fromkeys(LOST, 0)
    for r, b, step in points:
        there = [f for f in r.findings if _in(b, f[3])]
        g = any(f[1] >= 1 for f in there)
        flag = g or any(f[2] for f in there)
        graded += g
        flagged += flag
        verdict = "graded" if g else "review" if flag else f"missed [{step}]"
        if step:
            steps[step] += 1
        lines.append(f"  {r.name} box {tuple(round(v) for v in b)} {verdict}: "
                     + ("; ".join(_text(f) for f in there) or "no finding"))
    t0 = "from the background" if T0_FROM_BACKGROUND else f"{STRUCTURE_C:.0f} °C"
    print(f"real line frames (TP8S, proxy temperatures, T0 {t0}, as {DEVICE}): "
          f"{len(ok)} read, {len(marked)} with {len(points)} marked hot spots")
    print(f"marked hot spots graded general or worse: {graded} of {len(points)}; "
          f"flagged (graded or marked for review): {flagged} of {len(points)}")
    print("missed, by the step that lost them: " + ", ".join(f"{k} {v}" for k, v in steps.items()))
    print("\n".join(lines))
    rest = [r for r in ok if not r.boxes]
    others = [(r.name, f) for r in rest for f in r.findings if f[1] >= 1 or f[2]]
    n_graded = sum(1 for _, f in others if f[1] >= 1)
    n_review = len(others) - n_graded
    print(f"\nframes without marks: {len(rest)}; findings graded general or worse {n_graded} "
          f"({100.0 * n_graded / max(1, len(rest)):.1f} per 100 frames), marked for review {n_review} "
          f"({100.0 * n_review / max(1, len(rest)):.1f} per 100); in frames "
          f"{len({name for name, _ in others})}")
    outside = [(r.name, f) for r in marked for f in r.findings
               if (f[1] >= 1 or f[2]) and not any(_in(b, f[3]) for b in r.boxes)]
    print(f"findings graded or for review outside the marked boxes of the marked frames: {len(outside)}")
    if os.environ.get("IRPATROL_BENCH_LIST") == "1":
        for name, f in sorted(others + outside, key=lambda x: x[0]):
            print(f"  {name} {_text(f)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
