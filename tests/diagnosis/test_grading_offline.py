"""``diagnose(..., off_line=True)``: a reading off the line structure of an aerial view is graded by
no criterion at all (issue 10 item 3), where ``equipment=False`` alone keeps the absolute limits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.diagnosis import diagnose


@settings(max_examples=60, deadline=None)
@given(hot=st.floats(-20.0, 400.0), ambient=st.floats(-20.0, 40.0),
       ref=st.one_of(st.none(), st.floats(-20.0, 400.0)),
       device=st.sampled_from(["parallel-groove-clamp", "terminal-clamp", "surge-arrester", "dropout-fuse"]))
def test_off_line_readings_are_never_graded(hot: float, ambient: float, ref: float | None,
                                            device: str) -> None:
    d = diagnose("dlt664-2016", device, hot_c=hot, ref_c=ref, ambient_c=ambient, equipment=False,
                 off_line=True)
    assert d.grade == "unrated" and d.grade_level == 0
    assert "off the line structure" in (d.to_dict()["unrated_reason"] or "")


def test_equipment_false_alone_keeps_the_absolute_limit() -> None:
    d = diagnose("dlt664-2016", "terminal-clamp", hot_c=175.0, ambient_c=15.0, equipment=False)
    assert d.grade == "critical"
    off = diagnose("dlt664-2016", "terminal-clamp", hot_c=175.0, ambient_c=15.0, equipment=False,
                   off_line=True)
    assert off.grade == "unrated"
