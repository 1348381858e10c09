"""``make bench``: run every benchmark script under bench/ in one go and print their tables.

Each script is standalone (``python bench/<name>.py``) and prints its own figures; this runner
only sequences them and reports which failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["radiometry", "analysis", "scheduling", "ingest", "defect_list", "api_defects", "web"]


def main() -> int:
    scripts = [HERE / f"{name}.py" for name in ORDER if (HERE / f"{name}.py").exists()]
    scripts += sorted(
        p for p in HERE.glob("*.py")
        if p not in scripts and p.name != Path(__file__).name and not p.name.startswith("_")
    )
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {script.stem}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
