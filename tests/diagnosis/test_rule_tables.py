"""Every criterion of every row of every shipped rule set, on both sides of its threshold.

Each case grades a reading against a rule set reduced to that one row, built so that the criterion's
quantity sits just past (or just short of) the row's number while the other quantities stay small.
The expected grade is computed here from the row's own numbers with plain comparisons.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterator

import pytest

from irpatrol.diagnosis import RuleRow, RuleSet, diagnose, list_standards, load_ruleset

EPS = {"hot_c": 0.01, "delta_t_k": 0.01, "cold_delta_k": 0.01, "rise_k": 0.01, "delta_pct": 0.05}
OPS = {">": operator.gt, ">=": operator.ge}
RISE_FOR_DELTA = 12.0
"""τ1 used for δ cases (K): above the 10 K low-rise guard, small enough that ΔT stays below 15 K."""


def _reading(quantity: str, x: float) -> tuple[dict[str, float], dict[str, float]]:
    """(diagnose keyword temperatures, the quantities they give) with ``quantity`` = x."""
    if quantity == "hot_c":
        temps = {"hot_c": x, "ref_c": x, "ambient_c": x - 20.0}
        return temps, {"hot_c": x, "delta_t_k": 0.0, "cold_delta_k": 0.0, "rise_k": 20.0, "delta_pct": 0.0}
    if quantity == "delta_t_k":
        temps = {"hot_c": 20.0 + x, "ref_c": 20.0, "ambient_c": -80.0}
        rise = 100.0 + x
        return temps, {"hot_c": 20.0 + x, "delta_t_k": x, "cold_delta_k": -x, "rise_k": rise,
                       "delta_pct": x / rise * 100}
    if quantity == "cold_delta_k":
        temps = {"hot_c": 20.0 - x, "ref_c": 20.0, "ambient_c": -80.0}
        rise = 100.0 - x
        return temps, {"hot_c": 20.0 - x, "delta_t_k": -x, "cold_delta_k": x, "rise_k": rise,
                       "delta_pct": -x / rise * 100}
    if quantity == "rise_k":
        temps = {"hot_c": 20.0 + x, "ref_c": 20.0 + x, "ambient_c": 20.0}
        return temps, {"hot_c": 20.0 + x, "delta_t_k": 0.0, "cold_delta_k": 0.0, "rise_k": x,
                       "delta_pct": 0.0}
    assert quantity == "delta_pct"
    dt = x * RISE_FOR_DELTA / 100
    temps = {"hot_c": 20.0 + RISE_FOR_DELTA, "ref_c": 20.0 + RISE_FOR_DELTA - dt, "ambient_c": 20.0}
    return temps, {"hot_c": 20.0 + RISE_FOR_DELTA, "delta_t_k": dt, "cold_delta_k": -dt,
                   "rise_k": RISE_FOR_DELTA, "delta_pct": x}


def _expected(rules: RuleSet, row: RuleRow, q: dict[str, float]) -> str:
    """The worst grade among the row's cells whose number the quantities pass."""
    order = [g.id for g in rules.grades]
    met = [c.grade for c in row.criteria if OPS[c.op](q[c.quantity], c.value)]
    return max(met, key=order.index, default=order[0])


def _cases() -> Iterator[object]:
    for name in list_standards():
        for row in load_ruleset(name).rows:
            for i, c in enumerate(row.criteria):
                label = f"{name}:{row.id}:{c.grade}:{c.quantity}{c.op}{c.value:g}"
                yield pytest.param(name, row.id, i, id=label)


def _single_row(name: str, row_id: str) -> tuple[RuleSet, RuleRow, str]:
    rules = load_ruleset(name)
    row = next(r for r in rules.rows if r.id == row_id)
    if not row.devices:  # a reference row: give it a kind so it can be graded in isolation
        row = dataclasses.replace(row, devices=("conductor",))
    device = "parallel-groove-clamp" if "*" in row.devices else row.devices[0]
    return dataclasses.replace(rules, rows=(row,)), row, device


@pytest.mark.parametrize(("name", "row_id", "index"), list(_cases()))
def test_each_threshold_on_both_sides(name: str, row_id: str, index: int) -> None:
    rules, row, device = _single_row(name, row_id)
    c = row.criteria[index]
    eps = EPS[c.quantity]
    beyond = c.value if c.op == ">=" else c.value + eps
    short = c.value - eps if c.op == ">=" else c.value
    for x, should_fire in ((beyond, True), (short, False)):
        temps, q = _reading(c.quantity, x)
        d = diagnose(rules, device, material=row.material or None, **temps)
        fired = {(h.rule, h.quantity, h.threshold) for h in d.fired}
        assert ((row.id, c.quantity, c.value) in fired) is should_fire, (x, d.fired)
        assert d.grade == _expected(rules, row, q), (x, d.fired)
        assert d.graded
        if should_fire and d.grade == c.grade:
            assert d.rule == row.id
            assert d.clause == row.clause
            assert d.confidence in {c.confidence, row.confidence}


def test_every_shipped_row_is_traceable() -> None:
    for name in list_standards():
        for row in load_ruleset(name).rows:
            assert row.source and row.clause and row.edition and row.confidence in "VSML", row.id


def test_cases_cover_every_criterion() -> None:
    total = sum(len(r.criteria) for n in list_standards() for r in load_ruleset(n).rows)
    assert len(list(_cases())) == total > 100
