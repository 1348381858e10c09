"""Streaming a long FLIR sequence: a 1,000-frame SEQ (raw u16) and CSQ (JPEG-LS raw) read frame by
frame by ``irpatrol.radiometry.iter_frames``, with the peak resident memory printed (issue 11:
a 1 GB CSQ or SEQ is never held in memory whole; memory stays flat).

Each file is written to a temporary folder (deleted afterwards) from one constructed 640×512
frame (``tests/radiometry/flir_build.py``, the builder the tests use), then read in a fresh
process that reports its peak RSS after 10 frames and after all frames: flat memory means the two
are about equal, and both far below the file size.

Run: ``.venv/bin/python bench/stream_frames.py [frames]``
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "radiometry"))

READER = r"""
import json, resource, sys, time
from irpatrol.radiometry import iter_frames
def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter(); n = 0; at10 = None; tmax = -1e9
for t in iter_frames(sys.argv[1]):
    n += 1
    tmax = max(tmax, float(t.celsius.max()))
    if n == 10:
        at10 = peak_mib()
print(json.dumps({"frames": n, "seconds": time.perf_counter() - t0, "peak_at_10_mib": at10,
                  "peak_mib": peak_mib(), "t_max_c": tmax, "format": t.source_format}))
"""


def _write(path: Path, frame: bytes, count: int) -> int:
    with path.open("wb") as fh:
        for _ in range(count):
            fh.write(frame)
    return path.stat().st_size


def main() -> int:
    import flir_build as fb

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    truth = fb.scene(512, 640, hot_c=80.0)
    counts = fb.counts_of(truth)
    print(
        f"{'file':<28} {'frames':>6} {'file MiB':>9} {'s':>7} {'frames/s':>9} {'RSS@10 MiB':>11} "
        f"{'peak MiB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="irpatrol-bench-") as tmp:
        for name, layout in (("flight.seq (raw u16)", "raw"), ("flight.csq (JPEG-LS)", "jpeg-ls")):
            path = Path(tmp) / name.split()[0]
            size = _write(path, fb.flir_frame(counts, layout, order="<"), count)
            out = subprocess.run(
                [sys.executable, "-c", READER, str(path)], capture_output=True, text=True, check=True
            )
            r = json.loads(out.stdout)
            flat = "flat" if r["peak_mib"] <= r["peak_at_10_mib"] * 1.10 else "GROWS"
            print(
                f"{name:<28} {r['frames']:>6} {size / 2**20:>9.0f} {r['seconds']:>7.1f} "
                f"{r['frames'] / r['seconds']:>9.1f} {r['peak_at_10_mib']:>11.0f} "
                f"{r['peak_mib']:>9.0f}  {flat}"
            )
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
