"""Analysis time per 640×512 frame: find_hotspots against two baselines, on one core.

Frames: every 640×512 sample image in the samples folder (``IRPATROL_SAMPLES_DIR`` or
../shared/data/thermal-samples) as is, with three clamps pasted in, and rotated by 90°; padded
with synthetic frames to at least 50. Each frame is timed ``REPEAT`` times; the figure is the
median over frames of the per-frame median, in wall time (``time.perf_counter``) and in CPU time
of this process (``time.process_time``), which a machine shared with other jobs disturbs less.

Baselines, what one would write without irpatrol's analysis (neither chooses T2 or T0):
* fixed threshold (frame mean + 5 K) and scipy-free numpy labelling by iterated 8-neighbour
  minimum propagation, per-label max with ``np.maximum.at`` (timed on 3 frames: it is slow);
* fixed threshold and ``cv2.connectedComponentsWithStats`` only, the usual OpenCV recipe.
``examine`` adds the DL/T 664-2016 diagnosis of every hotspot to ``find_hotspots``.

``find_hotspots`` segments against a local background with hysteresis and splits merged
look-alikes (irpatrol.analysis.segmentation.segment_local); the previous single global threshold
costs about a fifth of that. The machine's load matters: compare with the OpenCV baseline row.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import cv2
import numpy as np

from irpatrol.analysis import find_hotspots
from radiometry import samples_dir  # bench/ is the script's folder

REPEAT = 5
MIN_FRAMES = 50
TARGET_MS = 10.0


def _paste_clamps(frame: np.ndarray, heat_k: float) -> np.ndarray:
    out = frame.copy()
    h, w = out.shape
    plateau = float(np.median(frame)) + 8.0
    for i, cx in enumerate((w // 2 - 120, w // 2, w // 2 + 120)):
        mask = np.zeros(out.shape, np.uint8)
        cv2.ellipse(mask, (cx, h // 2), (5, 13), 0, 0, 360, 1, thickness=-1)
        out[mask.astype(bool)] = plateau + (heat_k if i == 1 else 0.0)
    return out


def frames() -> tuple[list[np.ndarray], int]:
    """The benchmark frames and how many of them come from real files."""
    real: list[np.ndarray] = []
    folder = samples_dir()
    if folder.is_dir():
        from irpatrol.errors import IrPatrolError
        from irpatrol.radiometry import read

        for path in sorted(folder.glob("*.jpg")):
            try:
                c = read(path).celsius
            except IrPatrolError:
                continue
            if c.shape == (512, 640):
                real.append(c)
    out = [f for c in real for f in (c, _paste_clamps(c, 12.0), np.ascontiguousarray(np.rot90(c)))]
    n_real = len(out)
    rng = np.random.default_rng(0)
    while len(out) < MIN_FRAMES:
        bg = (15.0 + rng.normal(0.0, 0.3, (512, 640))).astype(np.float32)
        out.append(_paste_clamps(bg, float(rng.uniform(0, 20))))
    return out, n_real


def numpy_label(frame: np.ndarray) -> dict[int, float]:
    """Baseline: fixed threshold, numpy label propagation, per-label max."""
    mask = frame > frame.mean() + 5.0
    big = np.iinfo(np.int64).max
    labels = np.where(mask, np.arange(mask.size).reshape(mask.shape), big)
    while True:
        p = np.pad(labels, 1, constant_values=big)
        h, w = labels.shape
        nb = np.min([p[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)], axis=0)
        new = np.where(mask, nb, big)
        if np.array_equal(new, labels):
            break
        labels = new
    ids, inv = np.unique(labels[mask], return_inverse=True)
    peak = np.full(len(ids), -np.inf)
    np.maximum.at(peak, inv, frame[mask])
    return dict(zip(ids.tolist(), peak.tolist(), strict=True))


def opencv_fixed(frame: np.ndarray) -> int:
    """Baseline: fixed threshold and OpenCV connected components, nothing else."""
    n, *_ = cv2.connectedComponentsWithStats((frame > frame.mean() + 5.0).view(np.uint8), connectivity=8)
    return int(n)


def per_frame_ms(fn: Callable[[np.ndarray], object], data: list[np.ndarray], repeat: int = REPEAT,
                 ) -> tuple[list[float], list[float]]:
    """Median wall time and median CPU time (ms) of ``fn`` per frame."""
    wall, cpu = [], []
    for f in data:
        fn(f)
        w_times, c_times = [], []
        for _ in range(repeat):
            c, t = time.process_time(), time.perf_counter()
            fn(f)
            w_times.append((time.perf_counter() - t) * 1e3)
            c_times.append((time.process_time() - c) * 1e3)
        wall.append(statistics.median(w_times))
        cpu.append(statistics.median(c_times))
    return wall, cpu


def main() -> int:
    cv2.setNumThreads(1)
    data, n_real = frames()
    from irpatrol.pipeline import examine

    rows = [
        ("irpatrol find_hotspots", per_frame_ms(find_hotspots, data)),
        ("irpatrol examine (+ diagnosis)", per_frame_ms(examine, data)),
        ("fixed threshold + cv2 CC stats", per_frame_ms(opencv_fixed, data)),
        ("fixed threshold + numpy labels", per_frame_ms(numpy_label, data[:3], repeat=1)),
    ]
    ours = statistics.median(rows[0][1][0])
    print(f"analysis per 640×512 frame, one core: {len(data)} frames ({n_real} from real samples)")
    print(f"{'method':<32}{'frames':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}{'÷ irpatrol':>12}"
          f"{'CPU median ms':>15}")
    for name, (ms, cpu) in rows:
        med = statistics.median(ms)
        p90 = float(np.percentile(ms, 90))
        print(f"{name:<32}{len(ms):>7}{med:>11.2f}{p90:>9.2f}{max(ms):>9.2f}{med / ours:>12.2f}"
              f"{statistics.median(cpu):>15.2f}")
    verdict = "meets" if ours <= TARGET_MS else "MISSES"
    print(f"target ≤ {TARGET_MS:.0f} ms median: {verdict} ({ours:.2f} ms wall, "
          f"{statistics.median(rows[0][1][1]):.2f} ms CPU)")
    return 0 if ours <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
