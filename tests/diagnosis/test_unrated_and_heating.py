"""Issue 10 items 4 and 5: an unjudged reading is ``unrated``, never ``none``; one heating table at a
time; IEC 60694 terminal limits; the low-ambient and outside-calibrated-range guards."""

from __future__ import annotations

import pytest

from irpatrol.conditions import Conditions
from irpatrol.diagnosis import diagnose, load_ruleset
from irpatrol.errors import InputError

BOTH = ["transformer-bushing", "current-transformer", "shunt-capacitor"]


@pytest.mark.parametrize(("device", "hot", "ref"), [("transformer-bushing", 30.0, 27.5),
                                                     ("current-transformer", 35.0, 30.5),
                                                     ("shunt-capacitor", 31.0, 28.5)])
def test_local_hot_spot_on_a_both_kind_is_not_graded_by_voltage_rows(device: str, hot: float,
                                                                     ref: float) -> None:
    # standards-verification.md §4 pitfall 1: these came out "serious" through the I.1 rows
    d = diagnose("dlt664-2016", device, hot_c=hot, ref_c=ref, ambient_c=25.0)
    assert d.grade == "none"
    assert d.heating_used == "current" and d.heating_basis == "default"
    assert not any(r.startswith("i1-") for r in d.rows)


def test_analyst_chooses_voltage_heating_and_only_those_rows_apply() -> None:
    d = diagnose("dlt664-2016", "transformer-bushing", hot_c=30.0, ref_c=27.5, ambient_c=25.0,
                 heating="voltage")
    assert (d.grade, d.rule, d.heating_basis) == ("serious", "i1-hv-bushing", "analyst")
    assert all(r.startswith("i1-") for r in d.rows)


def test_whole_body_pattern_selects_voltage_rows() -> None:
    d = diagnose("dlt664-2016", "current-transformer", hot_c=35.0, ref_c=30.5, ambient_c=25.0,
                 pattern="whole-body")
    assert (d.heating_used, d.heating_basis, d.rule) == ("voltage", "pattern", "i1-ct-cast-resin")
    local = diagnose("dlt664-2016", "current-transformer", hot_c=35.0, ref_c=30.5, ambient_c=25.0,
                     pattern="local")
    assert local.heating_used == "current" and local.grade == "none"


@pytest.mark.parametrize("device", ["parallel-groove-clamp", "transformer-bushing"])
@pytest.mark.parametrize("heating", ["current", "voltage"])
def test_never_both_heating_types_at_once(device: str, heating: str) -> None:
    rules = load_ruleset("dlt664-2016")
    try:
        d = diagnose(rules, device, hot_c=60.0, ref_c=30.0, ambient_c=20.0, heating=heating)
    except InputError as exc:
        assert f"no {heating}-heating row" in str(exc)
        return
    kinds = {r.heating for r in rules.rows if r.id in d.rows} - {"any"}
    assert kinds == {heating}


def test_unknown_heating_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="valid: current, voltage"):
        diagnose("dlt664-2016", "transformer-bushing", hot_c=30.0, heating="both")


def test_no_reference_is_unrated_not_healthy_and_absolute_limits_still_apply() -> None:
    # FLIR panel sample: a neutral wire at 87 °C, 53 K over its surroundings, no T2 chosen
    d = diagnose("dlt664-2016", "terminal-clamp", hot_c=87.0, ambient_c=34.0)
    assert (d.grade, d.graded) == ("unrated", False)
    assert d.unrated_reason is not None and d.unrated_reason.startswith("no reference")
    assert d.review  # ≥ 10 K over T0: an analyst must look
    hot = diagnose("dlt664-2016", "terminal-clamp", hot_c=112.0, ambient_c=34.0)
    assert (hot.grade, hot.rule, hot.criterion) == ("critical", "g-terminal-external", "hot_c > 105")
    assert hot.unrated_reason is not None and hot.provisional


def test_no_reference_with_a_small_rise_is_unrated_without_review() -> None:
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=24.0, ambient_c=20.0)
    assert d.grade == "unrated" and not d.review
    assert d.to_dict()["unrated_reason"] == d.unrated_reason


def test_every_criterion_evaluated_and_none_fired_is_none() -> None:
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=32.0, ref_c=31.0, ambient_c=20.0)
    assert (d.grade, d.unrated_reason, d.graded) == ("none", None, True)


@pytest.mark.parametrize(("material", "hot", "grade"), [(None, 106.0, "critical"), (None, 104.0, "serious"),
                                                       ("bare", 91.0, "critical")])
def test_terminal_to_external_conductor_limit_iec_60694(material: str | None, hot: float, grade: str) -> None:
    d = diagnose("dlt664-2016", "terminal-clamp", hot_c=hot, ref_c=hot - 5.0, ambient_c=40.0,
                 material=material)
    assert d.grade == grade
    if grade == "critical":
        assert d.rule is not None and d.rule.startswith("g-terminal-external")
        assert any("GB/T 11022" in a for a in d.advice)


def test_terminal_rise_limit_65_k() -> None:
    d = diagnose("dlt664-2016", "apparatus-terminal", hot_c=70.0, ref_c=66.0, ambient_c=4.0)
    assert (d.grade, d.criterion) == ("critical", "rise_k > 65")


def test_coated_bolted_115_c_limit_no_longer_applies_to_terminals() -> None:
    rules = load_ruleset("dlt664-2016")
    bolted = next(r for r in rules.rows if r.id == "g-bolted-silver-nickel")
    assert "terminal-clamp" not in bolted.devices and "apparatus-terminal" not in bolted.devices


def test_low_ambient_makes_the_grade_provisional() -> None:
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=60.0, ref_c=10.0, ambient_c=0.0)
    assert "low-ambient" in d.flags and "guard-low-ambient" in d.guards
    assert d.provisional and d.grade == "serious"
    warm = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=60.0, ref_c=7.0, ambient_c=5.0)
    assert "low-ambient" not in warm.flags


def test_reading_outside_the_calibrated_range_is_unrated_but_absolute_limits_apply() -> None:
    cond = Conditions(extra_flags=("outside-calibrated-range",))
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=60.0, ref_c=25.0, ambient_c=20.0,
                 conditions=cond)
    assert (d.grade, d.indicative_grade) == ("unrated", "serious")
    assert d.unrated_reason.startswith("reading outside the camera's calibrated range")
    hot = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=150.0, ref_c=30.0, ambient_c=20.0,
                   conditions=cond)
    assert hot.grade == "critical" and hot.criterion == "hot_c > 130"


def test_difference_within_camera_accuracy_is_never_a_defect_by_itself() -> None:
    # arrester 1.5 K over its neighbour: I.1 says serious at 0.5 K, but ±2 K is the camera's accuracy
    d = diagnose("dlt664-2016", "surge-arrester", hot_c=22.5, ref_c=21.0, ambient_c=15.0,
                 accuracy=(2.0, 2.0))
    assert d.grade == "unrated" and d.unrated_reason is not None and "accuracy" in d.unrated_reason
    assert d.accuracy_k == pytest.approx(2.0)
    # 2 % of 150 °C is 3 K: a 2.5 K difference is within it
    assert diagnose("dlt664-2016", "surge-arrester", hot_c=150.0, ref_c=147.5, ambient_c=15.0,
                    accuracy=(2.0, 2.0)).accuracy_k == pytest.approx(3.0)
    analyst = diagnose("dlt664-2016", "surge-arrester", hot_c=22.5, ref_c=21.0, ambient_c=15.0)
    assert analyst.grade == "serious"


def test_low_rise_guard_is_general_provisional_and_names_its_1999_edition() -> None:
    rules = load_ruleset("dlt664-2016")
    guard = rules.guard("low-rise")
    assert guard is not None and guard.edition == "1999" and "1999" in guard.clause
    d = diagnose(rules, "parallel-groove-clamp", hot_c=28.0, ref_c=20.0, ambient_c=20.0, accuracy=(2.0, 2.0))
    assert (d.grade, d.provisional) == ("general", True)
    assert any("general — provisional, re-test" in a for a in d.advice)
    # rise 0.7 K and δ ≥ 35 %: the difference is within the camera's accuracy, no provisional defect
    small = diagnose(rules, "parallel-groove-clamp", hot_c=20.7, ref_c=20.4, ambient_c=20.0,
                     accuracy=(2.0, 2.0))
    assert small.grade == "unrated"


def test_every_guard_names_its_edition() -> None:
    for name in ("dlt664-2016", "neta-mts"):
        for g in load_ruleset(name).guards:
            assert g.edition, g.id
