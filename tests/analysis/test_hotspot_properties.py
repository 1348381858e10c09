"""Properties of find_hotspots: offset invariance of ΔT and rotation invariance of the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.scenes import paste_clamps, synthetic_background
from irpatrol.analysis import Hotspot, find_hotspots
from irpatrol.radiometry import read

QUANTUM = 1 / 64
"""Scene temperatures and offsets are multiples of 1/64 K, exact in float32."""

scenes = st.fixed_dictionaries({
    "seed": st.integers(0, 2**16),
    "plateau": st.integers(20 * 64, 50 * 64).map(lambda v: v * QUANTUM),
    "heats": st.lists(st.integers(0, 25 * 64).map(lambda v: v * QUANTUM), min_size=2, max_size=4),
    "dx": st.integers(0, 12),
})


def _scene(p: dict) -> np.ndarray:
    bg = synthetic_background((96, 144), seed=p["seed"])
    bg = np.round(bg / QUANTUM) * QUANTUM
    n = len(p["heats"])
    centers = [(18 + p["dx"] + 32 * i, 48) for i in range(n)]
    return paste_clamps(bg, centers, plateau_c=p["plateau"], heat_k=p["heats"]).astype(np.float32)


def _signature(hs: list[Hotspot]) -> list[tuple[float, float | None, int, float | None]]:
    rows = [(round(h.t_max_c, 4), None if h.delta_t_k is None else round(h.delta_t_k, 4), h.area_px,
             None if h.t2_c is None else round(h.t2_c, 4)) for h in hs]
    return sorted(rows, key=lambda r: (r[0], r[2], r[1] or 0.0))


@settings(max_examples=25, deadline=None)
@given(p=scenes, offset=st.integers(-20 * 64, 40 * 64).map(lambda v: v * QUANTUM))
def test_uniform_offset_changes_no_delta_t(p: dict, offset: float) -> None:
    scene = _scene(p)
    before = find_hotspots(scene, ambient_c=10.0)
    after = find_hotspots(scene + np.float32(offset), ambient_c=10.0 + offset)
    assert [h.delta_t_k for h in after] == [h.delta_t_k for h in before]
    assert [h.delta_pct for h in after] == [h.delta_pct for h in before]
    assert [h.t_max_c - offset for h in after] == [h.t_max_c for h in before]


@settings(max_examples=25, deadline=None)
@given(p=scenes, k=st.integers(1, 3))
def test_rotating_by_90_degrees_finds_the_same_hotspots(p: dict, k: int) -> None:
    scene = _scene(p)
    assert _signature(find_hotspots(np.rot90(scene, k))) == _signature(find_hotspots(scene))


@settings(max_examples=25, deadline=None)
@given(p=scenes)
def test_the_hottest_clamp_is_found_against_the_coolest_peer(p: dict) -> None:
    heats = p["heats"]
    hotspots = find_hotspots(_scene(p), ambient_c=10.0)
    spread = max(heats) - min(heats)
    if spread >= 0.5:
        assert hotspots, "a clamp 0.5 K or more above its peers must be reported"
        top = hotspots[0]
        assert abs(top.t_max_c - (p["plateau"] + max(heats))) < 1e-3
        assert abs((top.delta_t_k or 0.0) - spread) < 1e-3
    else:
        assert all((h.delta_t_k or 0.0) < 0.5 for h in hotspots if h.t2_source == "similar-component")


REAL = ["dji_m3t_iirp.jpg", "dji_xts_dirp.jpg", "dji_m30t_girp.jpg", "flir_t640.jpg"]


@pytest.mark.parametrize("name", REAL)
def test_real_frames_rotated_by_90_degrees_give_the_same_hotspots(samples: Path, name: str) -> None:
    celsius = read(samples / name).celsius
    reference = _signature(find_hotspots(celsius))
    assert reference, f"{name} should have warm regions to compare"
    for k in (1, 2, 3):
        assert _signature(find_hotspots(np.rot90(celsius, k))) == reference
