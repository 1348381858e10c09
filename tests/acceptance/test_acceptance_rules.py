"""Acceptance and violation rules (pure): decision, marks, rectification and violation workflows,
missions and photo matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.acceptance import rules
from irpatrol.acceptance.matching import distance_m, is_thermal_name, match_pole
from irpatrol.acceptance.mission import pole_mission
from irpatrol.errors import Conflict, InputError, ParameterError, PermissionDenied
from irpatrol.supervision import workflow
from irpatrol.supervision.mission import orbit_mission
from irpatrol.supervision.register import RegisterRow, statistics

RESULTS = st.sampled_from([r.value for r in rules.ItemResult])


@given(
    st.lists(RESULTS, max_size=20), st.lists(st.sampled_from(["open", "rectified", "verified"]), max_size=5)
)
def test_accepted_exactly_when_nothing_pending_failed_or_open(results: list[str], rects: list[str]) -> None:
    d = rules.decide(results, rects)
    expected = (
        bool(results)
        and all(r in ("pass", "na", "waived") for r in results)
        and all(s == "verified" for s in rects)
    )
    assert d.accepted is expected
    assert d.pending == results.count("pending") and d.failed == results.count("fail")


def test_marks() -> None:
    assert rules.check_mark("pending", "n/a") is rules.ItemResult.NA
    with pytest.raises(PermissionDenied):
        rules.check_mark("fail", "waived", reason="x")
    with pytest.raises(InputError):
        rules.check_mark("fail", "waived", may_waive=True)
    with pytest.raises(Conflict):
        rules.check_mark("waived", "pass", may_waive=True)
    with pytest.raises(Conflict):
        rules.check_mark("pass", "pending")


def test_rectification_recheck_failure_needs_a_reason() -> None:
    assert rules.check_rectification("open", "rectified") is rules.RectificationStatus.RECTIFIED
    with pytest.raises(InputError):
        rules.check_rectification("rectified", "open")
    with pytest.raises(Conflict):
        rules.check_rectification("open", "verified")


def test_remeasurement_passes_only_on_grade_none() -> None:
    assert rules.remeasure_result("none") is rules.ItemResult.PASS
    for g in ("general", "serious", "critical"):
        assert rules.remeasure_result(g) is rules.ItemResult.FAIL


def test_violation_workflow() -> None:
    assert workflow.check_transition("reported", "rectified") is workflow.ViolationStatus.RECTIFIED
    with pytest.raises(InputError):
        workflow.check_transition("reported", "escalated")
    with pytest.raises(InputError):
        workflow.check_transition("escalated", "closed")
    assert workflow.check_transition("escalated", "closed", reason="fined") is workflow.ViolationStatus.CLOSED
    with pytest.raises(Conflict):
        workflow.check_transition("closed", "reported")
    with pytest.raises(Conflict):
        workflow.check_transition("reported", "closed")


@given(st.floats(-60, 60), st.floats(-170, 170), st.floats(10, 200), st.integers(3, 36))
def test_orbit_points_lie_on_the_circle_and_face_the_centre(lat: float, lon: float, r: float, n: int) -> None:
    m = orbit_mission("o", lat, lon, radius_m=r, points=n)
    assert len(m.waypoints) == n
    for w in m.waypoints:
        assert distance_m(lat, lon, w.lat, w.lon) == pytest.approx(r, rel=0.01)
        assert -180.0 <= w.heading_deg <= 180.0


def test_orbit_refuses_bad_parameters() -> None:
    with pytest.raises(ParameterError):
        orbit_mission("o", 30, 120, points=2)
    with pytest.raises(ParameterError):
        pole_mission("p", [])


def test_pole_mission_faces_along_the_line() -> None:
    m = pole_mission("p", [(1, 30.0, 120.0), (2, 30.001, 120.0), (3, 30.002, 120.0)])
    assert [w.pole_id for w in m.waypoints] == ["1", "2", "3"]
    assert m.waypoints[0].heading_deg == pytest.approx(0.0, abs=0.1)
    assert m.waypoints[2].heading_deg == pytest.approx(0.0, abs=0.1)


def test_photo_matching() -> None:
    poles = {7: (30.0, 120.0), 8: (30.001, 120.0)}
    assert match_pole("DJI_20260501_0003_T_8.JPG", None, None, poles) == 8
    assert match_pole("IMG_0001.JPG", 30.00005, 120.0, poles) == 7
    assert match_pole("IMG_0001.JPG", 30.0005, 120.0, poles) is None  # 55 m from both
    assert is_thermal_name("DJI_0001_T_8.JPG") and not is_thermal_name("DJI_0001_W_8.JPG")


def test_register_statistics() -> None:
    s = statistics(
        [
            RegisterRow("missing-ppe", "closed", "A", "X"),
            RegisterRow("missing-ppe", "reported", "B", "X"),
            RegisterRow("no-fence-sign", "escalated", "A", ""),
        ]
    )
    assert s.total == 3 and s.open == 2
    assert s.by_type == {"missing-ppe": 2, "no-fence-sign": 1} and s.by_contractor == {"X": 2, "—": 1}
