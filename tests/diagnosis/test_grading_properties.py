"""Monotonicity of grading (hypothesis): a hotter hot spot, a larger δ or a lower load never lowers
the grade, for every device kind of every shipped rule set.

δ is raised through T2 (a colder normal point) with T1 and T0 fixed: raising δ by shrinking the rise
instead can cross the 10 K low-rise guard, below which DL/T 664 forbids grading by δ. The cold
criterion of zero-value insulators (T2 − T1) is a cold anomaly and is left out of the hot-spot
properties; it has its own test in test_rule_tables.py and test_guards.py.
"""

from __future__ import annotations

import dataclasses
import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.conditions import Conditions
from irpatrol.diagnosis import RuleSet, catalogue, diagnose, list_standards, load_ruleset

KINDS = [c.kind for c in catalogue()]
temps = st.floats(min_value=-30.0, max_value=200.0, allow_nan=False)
steps = st.floats(min_value=0.0, max_value=80.0, allow_nan=False)


@functools.cache
def _hot_rules(name: str) -> RuleSet:
    rules = load_ruleset(name)
    rows = tuple(r for r in rules.rows if all(c.quantity != "cold_delta_k" for c in r.criteria))
    return dataclasses.replace(rules, rows=rows)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    name = draw(st.sampled_from(list_standards()))
    kind = draw(st.sampled_from(KINDS))
    materials = load_ruleset(name).materials_for(kind)
    hot = draw(temps)
    rise = draw(st.none() | st.floats(min_value=-5.0, max_value=150.0))
    below_hot = draw(st.none() | st.floats(min_value=-10.0, max_value=100.0))
    return {
        "standard": _hot_rules(name),
        "device": kind,
        "hot_c": hot,
        "ref_c": None if below_hot is None else hot - below_hot,
        "ambient_c": None if rise is None else hot - rise,
        "material": draw(st.sampled_from([None, *materials])),
        "load_current_a": draw(st.none() | st.floats(min_value=0.0, max_value=1000.0)),
        "rated_current_a": draw(st.none() | st.floats(min_value=1.0, max_value=1000.0)),
        "conditions": Conditions(wind_m_s=draw(st.none() | st.floats(0.0, 10.0)),
                                 humidity_pct=draw(st.none() | st.floats(0.0, 100.0)),
                                 rain=draw(st.integers(0, 9)) == 0),
    }


def _level(case: dict[str, object], **change: object) -> int:
    return diagnose(**(case | change)).grade_level  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(case=cases(), more=steps)
def test_hotter_hot_spot_never_lowers_the_grade(case: dict[str, object], more: float) -> None:
    hot = float(case["hot_c"])  # type: ignore[arg-type]
    assert _level(case, hot_c=hot + more) >= _level(case)


@settings(max_examples=150, deadline=None)
@given(case=cases(), colder=steps)
def test_larger_delta_never_lowers_the_grade(case: dict[str, object], colder: float) -> None:
    if case["ref_c"] is None:
        return
    ref = float(case["ref_c"])  # type: ignore[arg-type]
    before = diagnose(**case)  # type: ignore[arg-type]
    after = diagnose(**(case | {"ref_c": ref - colder}))  # type: ignore[arg-type]
    if before.delta_pct is not None:
        assert after.delta_pct is not None and after.delta_pct >= before.delta_pct
    assert after.grade_level >= before.grade_level


@settings(max_examples=150, deadline=None)
@given(case=cases(), load=st.floats(0.0, 150.0), fraction=st.floats(0.0, 1.0))
def test_lower_load_never_lowers_the_grade(case: dict[str, object], load: float, fraction: float) -> None:
    case = case | {"rated_current_a": 100.0, "load_current_a": load}
    assert _level(case, load_current_a=load * fraction) >= _level(case)


@settings(max_examples=100, deadline=None)
@given(case=cases())
def test_grade_is_the_worst_criterion_met_when_no_guard_acts(case: dict[str, object]) -> None:
    d = diagnose(**case)  # type: ignore[arg-type]
    rules = case["standard"]
    assert isinstance(rules, RuleSet)
    if d.graded and not d.guards:
        worst = max((rules.grade(h.grade).level for h in d.fired), default=0)
        assert d.grade_level == worst
    if not d.graded:
        assert (d.grade, d.grade_level) == ("unrated", 0) and d.unrated_reason
    if d.grade == rules.lowest.id:  # "none" only when every applicable criterion was evaluated
        assert d.unrated_reason is None and not d.not_evaluated
