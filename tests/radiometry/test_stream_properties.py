"""Property tests: the streaming FFF splitter agrees with the in-memory one, and the RawData PNG
byte order is recovered for any textured scene, whichever order the camera wrote."""

from __future__ import annotations

import io

import flir_build as fb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irpatrol.radiometry import decode, fff


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), min_size=1, max_size=5),
    gaps=st.lists(
        st.binary(max_size=40).filter(lambda b: b"FFF\0" not in b and b"AFF\0" not in b), max_size=5
    ),
    order=st.sampled_from(["<", ">"]),
)
def test_iter_blobs_matches_split_frames(sizes: list[tuple[int, int]], gaps: list[bytes], order: str) -> None:
    rng = np.random.default_rng(len(sizes))
    parts = []
    for i, (h, w) in enumerate(sizes):
        parts.append(fb.flir_frame(rng.integers(0, 65535, (h, w), dtype=np.uint16), "raw", order))
        if i < len(gaps):
            parts.append(gaps[i].replace(b"FF", b"F.").replace(b"AF", b"A."))
    data = b"".join(parts)
    expected = [(f.base, data[f.base : f.base + f.end]) for f in fff.split_frames(data)]
    assert list(fff.iter_blobs(io.BytesIO(data))) == expected


@settings(max_examples=20, deadline=None)
@given(
    low=st.floats(-10.0, 40.0),
    span=st.floats(3.0, 80.0),
    noise=st.floats(0.0, 0.3),
    layout=st.sampled_from(["png-le", "png-be"]),
    seed=st.integers(0, 10_000),
)
def test_png_byte_order_is_recovered(low: float, span: float, noise: float, layout: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:24, 0:32]
    truth = low + span * (x + y) / 54.0 + rng.normal(0.0, noise, x.shape)
    counts = fb.counts_of(truth)
    t = decode(fb.rjpeg(fb.flir_frame(counts, layout)))
    assert t.details["raw_byte_order"] == ("little" if layout == "png-le" else "big")
    np.testing.assert_array_equal(t.raw, counts)
