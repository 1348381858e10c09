"""The guards of DL/T 664-2016 (standards.md §1.2, §1.7) and NETA, on whole devices."""

from __future__ import annotations

import numpy as np
import pytest

from irpatrol.conditions import Conditions
from irpatrol.diagnosis import diagnose
from irpatrol.errors import InputError, ParameterError, RuleSetError

CLAMP = "parallel-groove-clamp"


def test_clamp_grades_by_hot_spot_temperature_and_names_the_row() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=131.0, ref_c=125.0, ambient_c=25.0)
    assert (d.grade, d.grade_zh, d.rule) == ("critical", "危急", "h1-line-connector")
    assert d.criterion == "hot_c > 130"
    assert "reduce load at once or eliminate the defect immediately" in d.advice
    assert d.delta_t_k == pytest.approx(6.0) and d.rise_k == pytest.approx(106.0)
    assert d.delta_pct == pytest.approx(6.0 / 106.0 * 100)


def test_apparatus_terminal_uses_the_stricter_80_110_row() -> None:
    d = diagnose("dlt664-2016", "apparatus-terminal", hot_c=111.0, ref_c=105.0, ambient_c=25.0)
    assert (d.grade, d.rule) == ("critical", "h1-apparatus-to-metal")
    assert diagnose("dlt664-2016", CLAMP, hot_c=111.0, ref_c=105.0, ambient_c=25.0).grade == "serious"


def test_worst_grade_of_either_criterion() -> None:
    # 60 °C is below every temperature threshold of the clamp row; δ = 96 % is critical.
    d = diagnose("dlt664-2016", CLAMP, hot_c=45.0, ref_c=20.8, ambient_c=20.0)
    assert d.delta_pct == pytest.approx(96.8)
    assert (d.grade, d.criterion) == ("critical", "delta_pct >= 95")


def test_low_rise_does_not_grade_by_delta_but_gives_provisional_general() -> None:
    # τ1 = 8 K < 10 K, δ = 100 %: not graded by δ; provisionally general with re-test advice.
    d = diagnose("dlt664-2016", CLAMP, hot_c=28.0, ref_c=20.0, ambient_c=20.0)
    assert d.delta_pct == pytest.approx(100.0)
    assert (d.grade, d.rule, d.provisional) == ("general", "guard-low-rise", True)
    assert {h.grade for h in d.suppressed} == {"general", "serious", "critical"}
    assert not d.fired
    assert any("re-test at higher load" in a for a in d.advice)


def test_low_rise_with_small_delta_is_no_defect() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=25.0, ref_c=24.0, ambient_c=20.0)
    assert (d.grade, d.provisional, d.suppressed) == ("none", False, ())


def test_low_load_marks_provisional_and_advises_retest() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=95.0, ref_c=30.0, ambient_c=25.0,
                 load_current_a=20.0, rated_current_a=100.0)
    assert "low-load" in d.flags and "guard-low-load" in d.guards
    assert (d.grade, d.provisional) == ("serious", True)
    assert any("re-test at higher load" in a for a in d.advice)
    assert d.corrected_delta_t_k is None and "not extrapolated" in d.correction_note


def test_low_load_does_not_touch_voltage_heating_parts() -> None:
    d = diagnose("dlt664-2016", "surge-arrester", hot_c=22.0, ref_c=21.0, ambient_c=15.0,
                 load_current_a=10.0, rated_current_a=100.0)
    assert "low-load" in d.flags
    assert (d.grade, d.provisional, d.rule) == ("serious", False, "i1-arrester-10-60kv")
    assert "confirm by: DC and AC leakage-current tests" in d.advice
    assert d.corrected_delta_t_k is None


@pytest.mark.parametrize("conditions", [Conditions(wind_m_s=6.0), Conditions(humidity_pct=90.0),
                                        Conditions(rain=True)])
def test_conditions_not_met_withhold_the_grade_and_say_why(conditions: Conditions) -> None:
    # 60 °C: no absolute limit; δ = 86 % would be serious, but the conditions are not met → unrated
    d = diagnose("dlt664-2016", CLAMP, hot_c=60.0, ref_c=30.0, ambient_c=25.0, conditions=conditions)
    assert (d.grade, d.graded, d.indicative_grade) == ("unrated", False, "serious")
    assert d.rule == "guard-conditions"
    assert d.unrated_reason is not None and d.unrated_reason.startswith("conditions not met")
    assert d.review  # 35 K over T0
    assert d.advice[0].startswith("measurement conditions not met")
    assert any("serious" in a for a in d.advice)


@pytest.mark.parametrize("conditions", [Conditions(wind_m_s=6.0), Conditions(rain=True)])
def test_absolute_limits_still_apply_when_conditions_are_not_met(conditions: Conditions) -> None:
    # wind and rain only cool a hot spot: 140 °C is past the 130 °C limit whatever the weather
    d = diagnose("dlt664-2016", CLAMP, hot_c=140.0, ref_c=30.0, ambient_c=25.0, conditions=conditions)
    assert (d.grade, d.criterion, d.provisional) == ("critical", "hot_c > 130", True)
    assert all(h.quantity in ("hot_c", "rise_k") for h in d.fired)
    assert d.unrated_reason is not None and "guard-conditions" in d.guards


def test_hot_spot_not_above_ambient_is_invalid() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=20.0, ref_c=18.0, ambient_c=20.0)
    assert (d.grade, d.graded, d.rule) == ("unrated", False, "guard-not-above-ambient")
    assert not d.review
    assert "not-above-ambient" in d.flags and d.delta_pct is None
    assert d.advice[0].startswith("invalid reading")


def test_transformer_tank_has_no_automatic_criterion() -> None:
    d = diagnose("dlt664-2016", "transformer-tank", hot_c=120.0, ref_c=40.0, ambient_c=20.0)
    assert (d.grade, d.graded, d.rows) == ("unrated", False, ("h1-transformer-tank",))
    assert "no automatic criterion" in d.advice[0]
    assert d.unrated_reason == "no automatic criterion for transformer-tank in dlt664-2016"


def test_gbt11022_limit_applies_only_with_a_material() -> None:
    args = {"hot_c": 80.0, "ref_c": 76.0, "ambient_c": 30.0}
    assert diagnose("dlt664-2016", "disconnector-blade", **args).grade == "none"
    d = diagnose("dlt664-2016", "disconnector-blade", material="bare", **args)
    assert (d.grade, d.rule) == ("critical", "g-contact-bare")
    assert diagnose("dlt664-2016", "disconnector-blade", material="silver-nickel", **args).grade == "none"
    with pytest.raises(InputError, match="valid: bare, silver-nickel, tin"):
        diagnose("dlt664-2016", "disconnector-blade", material="gold", **args)


def test_zero_value_insulator_is_a_cold_anomaly() -> None:
    d = diagnose("dlt664-2016", "porcelain-insulator", hot_c=18.8, ref_c=20.0, ambient_c=15.0)
    assert (d.grade, d.rule) == ("serious", "i1-porcelain-zero-value")


def test_missing_references_are_named() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=100.0)
    assert d.grade == "serious"
    assert set(d.not_evaluated) == {"delta_t_k", "delta_pct"}
    assert any("give ref_c" in a for a in d.advice)


def test_neta_priorities_from_both_columns() -> None:
    d = diagnose("neta-mts", CLAMP, hot_c=45.0, ref_c=25.0, ambient_c=20.0)  # ΔT 20 → P1; rise 25 → P2
    assert (d.grade, d.grade_zh, d.rule) == ("priority-1", "优先级1", "neta-similar")
    assert d.grade_equivalent == "critical"
    assert d.advice[0] == "major discrepancy; repair immediately"
    d = diagnose("neta-mts", CLAMP, hot_c=45.0, ref_c=43.0, ambient_c=20.0)
    assert (d.grade, d.rule) == ("priority-2", "neta-over-ambient")
    assert diagnose("neta-mts", CLAMP, hot_c=20.5, ref_c=20.5, ambient_c=20.0).grade == "none"


def test_load_correction_scales_rises_to_rated_current() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=40.0, ref_c=36.0, ambient_c=20.0,
                 load_current_a=50.0, rated_current_a=100.0)
    assert d.correction_factor == pytest.approx(4.0)  # (100 / 50) ** 2
    assert d.corrected_delta_t_k == pytest.approx(16.0) and d.corrected_rise_k == pytest.approx(80.0)
    assert (d.grade, d.corrected_grade) == ("none", "serious")  # 20 + 80 = 100 °C > 90 °C at rated
    assert any("at rated current" in a for a in d.advice)


def test_explicit_currents_override_conditions() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=40.0, ref_c=30.0, ambient_c=20.0, load_current_a=80.0,
                 conditions=Conditions(load_current_a=10.0, rated_current_a=100.0))
    assert d.load_fraction == pytest.approx(0.8) and "low-load" not in d.flags


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"hot_c": float("nan")}, ParameterError),
    ({"hot_c": -300.0}, ParameterError),
    ({"hot_c": 50.0, "load_current_a": -1.0, "rated_current_a": 10.0}, ParameterError),
    ({"hot_c": 50.0, "load_current_a": 1.0, "rated_current_a": 0.0}, ParameterError),
])
def test_impossible_numbers_are_parameter_errors(kwargs: dict[str, float], error: type[Exception]) -> None:
    with pytest.raises(error):
        diagnose("dlt664-2016", CLAMP, **kwargs)


def test_unknown_device_lists_the_kinds() -> None:
    with pytest.raises(InputError, match="valid kinds: strain-clamp, parallel-groove-clamp"):
        diagnose("dlt664-2016", "flux-capacitor", hot_c=50.0)


def test_unknown_standard_lists_the_shipped_ones() -> None:
    with pytest.raises(RuleSetError, match="shipped: dlt664-2016, neta-mts"):
        diagnose("dlt664-2099", CLAMP, hot_c=50.0)


def test_to_dict_has_the_contract_keys() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=95.0, ref_c=30.0, ambient_c=25.0, load_current_a=60.0,
                 rated_current_a=100.0, conditions=Conditions(wind_m_s=2.0)).to_dict()
    for key in ("grade", "grade_zh", "delta_t_k", "rise_k", "delta_pct", "corrected_delta_t_k", "rule",
                "clause", "confidence", "flags", "advice", "standard", "device", "hot_c", "ref_c",
                "ambient_c", "load_current_a", "rated_current_a", "wind_m_s"):
        assert key in d, key
    assert d["grade"] == "serious" and d["standard"] == "dlt664-2016" and d["device"] == CLAMP


def test_informational_flags_become_notes_without_changing_the_grade() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=95.0, ref_c=30.0, ambient_c=25.0,
                 conditions=Conditions(target_px=4, default_emissivity=True))
    assert d.flags == ("small-target", "default-emissivity")
    assert (d.grade, d.graded) == ("serious", True)
    assert "note: target smaller than the trusted size at this distance" in d.advice


def test_numpy_scalars_are_accepted_and_reported_as_plain_floats() -> None:
    d = diagnose("dlt664-2016", CLAMP, hot_c=np.float32(95.0), ref_c=np.float32(30.0),
                 ambient_c=np.float64(25.0), load_current_a=np.float32(60.0), rated_current_a=np.int64(100))
    assert d.grade == "serious"
    for key in ("hot_c", "ref_c", "ambient_c", "delta_t_k", "load_current_a", "rated_current_a"):
        assert type(d.to_dict()[key]) is float, key
