"""The compiled kernels (``analysis.compiled.kernel``) where numba can cache nothing: a read-only
install run by a user with no writable home. numba then refuses ``cache=True`` at import; the
kernels are compiled in each process instead, with the same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from irpatrol.analysis.ridges import _pool, line_sides
from irpatrol.simulate.scene import render

PROBE = """
import json, numpy as np
from irpatrol.analysis.ridges import _pool, line_sides
from irpatrol.simulate.scene import render
img, _ = render(5552003, "hot-joint")
sides, contrast = line_sides(img, np.array([[370, 282], [100, 50]]), 3.0)
print(json.dumps([sides.tolist(), contrast.tolist(), float(_pool(img).sum())]))
"""


def test_kernels_run_where_numba_can_cache_nothing():
    # the IPython notebook locator is the only one allowed: outside a notebook it finds no place
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "IPythonCacheLocator"}
    refused = subprocess.run([sys.executable, "-c", "import numba\n@numba.njit(cache=True)\ndef f(): pass"],
                             env=env, capture_output=True, text=True)
    assert "no locator available" in refused.stderr  # what the kernels' decorator must get round
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    img, _ = render(5552003, "hot-joint")
    sides, contrast = line_sides(img, np.array([[370, 282], [100, 50]]), 3.0)
    assert json.loads(done.stdout) == [sides.tolist(), contrast.tolist(), float(_pool(img).sum())]
