"""The defect and hazard transition tables (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.errors import Conflict, InputError
from irpatrol.registry import grades, workflow
from irpatrol.registry.workflow import DefectStatus as S

ISSUE_TABLE = {
    ("new", "confirmed"),
    ("new", "rejected"),
    ("confirmed", "repair_scheduled"),
    ("repair_scheduled", "repaired"),
    ("repaired", "verified"),
    ("repaired", "reopened"),
    ("reopened", "confirmed"),
}


def test_table_is_exactly_the_issue_workflow() -> None:
    pairs = {(a.value, b.value) for a, targets in workflow.TRANSITIONS.items() for b in targets}
    assert pairs == ISSUE_TABLE


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_check_transition_agrees_with_table(current: S, target: S) -> None:
    if (current.value, target.value) in ISSUE_TABLE:
        assert workflow.check_transition(current, target, reason="because") == target
    else:
        with pytest.raises(Conflict, match=f"cannot become {target.value}"):
            workflow.check_transition(current, target, reason="because")


@pytest.mark.parametrize("target", ["rejected"])
def test_rejecting_needs_a_reason(target: str) -> None:
    with pytest.raises(InputError, match="reason is required"):
        workflow.check_transition("new", target)
    with pytest.raises(InputError, match="reason is required"):
        workflow.check_transition("new", target, reason="   ")
    assert workflow.check_transition("new", target, reason="reflection of the sun") == S.REJECTED


def test_status_spellings_and_unknown_status() -> None:
    assert workflow.parse_status("Repair-Scheduled") == S.REPAIR_SCHEDULED
    assert workflow.parse_status("repair scheduled") == S.REPAIR_SCHEDULED
    with pytest.raises(InputError, match="unknown defect status 'fixed'"):
        workflow.parse_status("fixed")


def test_closed_statuses_have_no_way_out() -> None:
    for s in workflow.CLOSED:
        assert workflow.TRANSITIONS[s] == frozenset()
    assert S.REPAIRED in workflow.OPEN


def test_hazard_table() -> None:
    assert workflow.check_hazard_transition("open", "cleared") == workflow.HazardStatus.CLEARED
    with pytest.raises(Conflict):
        workflow.check_hazard_transition("rejected", "open")
    with pytest.raises(InputError):
        workflow.check_hazard_transition("open", "rejected")


def test_grade_severity_orders_dlt664_grades() -> None:
    ranks = [grades.severity(None, g) for g in ("none", "general", "serious", "critical")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4
    assert not grades.is_defect(None, "none") and grades.is_defect(None, "serious")
    assert not grades.is_defect("dlt664-2016", "unrated") and grades.severity(None, "unrated") == 0
