"""One mapping from a hotspot and its diagnosis to a Finding row: every column it fills exists, the
numbers are the hotspot's, the judgement the diagnosis's, the validity flags computed once."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from irpatrol.analysis.hotspots import Hotspot
from irpatrol.diagnosis import diagnose
from irpatrol.registry.finding_row import REVIEW_FLAG, finding_row, validity_flags
from irpatrol.registry.model import Finding


def _hotspot(t1_c: float, t2_c: float | None, t0_c: float) -> Hotspot:
    return Hotspot(
        bbox=(10, 20, 8, 6),
        contour=np.array([[10, 20], [17, 20], [17, 25], [10, 25]]),
        area_px=48,
        t_max_c=t1_c,
        max_xy=(13, 22),
        t_mean_c=t1_c - 5.0,
        t2_c=t2_c,
        t2_source="similar-component" if t2_c is not None else "none",
        t2_bbox=None,
        t0_c=t0_c,
        t0_source="background-median",
        delta_t_k=None if t2_c is None else t1_c - t2_c,
        rise_k=t1_c - t0_c,
        delta_pct=None if t2_c is None else (t1_c - t2_c) / (t1_c - t0_c) * 100.0,
    )


def test_the_row_fills_finding_columns_from_the_hotspot_and_the_diagnosis() -> None:
    h = _hotspot(95.0, 30.0, 20.0)
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=95.0, ref_c=30.0, ambient_c=20.0)
    row = finding_row(h, d, extra={"ambient_source": "background-median"})
    columns = row.columns()
    assert set(columns) <= {c.key for c in Finding.__table__.columns}
    assert (columns["t_max_c"], columns["t_ref_c"], columns["t_ambient_c"]) == (95.0, 30.0, 20.0)
    assert (row.t1_c, row.t2_c, row.t0_c) == (95.0, 30.0, 20.0)
    assert columns["delta_pct"] == pytest.approx((95.0 - 30.0) / (95.0 - 20.0) * 100.0)
    assert columns["delta_pct"] == pytest.approx(d.delta_pct)  # the standard's formula, one value
    assert (columns["grade"], columns["rule"], columns["standard"]) == (d.grade, d.rule, d.standard)
    assert columns["bbox_x"] == 10 and columns["max_y"] == 22 and len(columns["contour"]) == 4
    assert columns["diagnosis"]["ambient_source"] == "background-median"
    assert columns["diagnosis"]["grade"] == d.grade  # the stored JSON keeps its keys
    finding = Finding()
    row.apply(finding, keep=("contour",))
    assert finding.t_ref_c == 30.0 and finding.contour is None


def test_validity_flags_add_review_once() -> None:
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=40.0, ambient_c=20.0)
    flagged = dataclasses.replace(d, review=True, flags=("low-load",))
    assert validity_flags(flagged) == ("low-load", REVIEW_FLAG)
    assert finding_row(_hotspot(40.0, None, 20.0), flagged).flags == ("low-load", REVIEW_FLAG)
    assert validity_flags(dataclasses.replace(d, review=False, flags=())) == ()
