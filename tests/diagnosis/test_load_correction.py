"""Load correction ΔT × (I_rated / I)^n (Infraspection Institute; standards.md §1.8) and the advisory
wind correction (standards.md §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.conditions import Conditions
from irpatrol.diagnosis import diagnose
from irpatrol.diagnosis.load_correction import rated_load_factor, wind_factor
from irpatrol.diagnosis.readings import Readings
from irpatrol.diagnosis.rules import LoadCorrection, WindCorrection
from irpatrol.errors import ParameterError

RULE = LoadCorrection(exponent=1.6, min_load_fraction=0.3, source="test", clause="test", confidence="V")


def test_factor_is_the_current_ratio_to_the_exponent() -> None:
    f = rated_load_factor(40.0, 100.0, RULE)
    assert f.load_fraction == pytest.approx(0.4)
    assert f.factor == pytest.approx(2.5 ** 1.6)


def test_not_applied_below_the_minimum_fraction_or_without_currents() -> None:
    assert rated_load_factor(29.0, 100.0, RULE).factor is None
    assert rated_load_factor(30.0, 100.0, RULE).factor == pytest.approx((100 / 30) ** 1.6)
    assert rated_load_factor(None, 100.0, RULE).factor is None
    assert rated_load_factor(50.0, None, RULE).factor is None


def test_overload_scales_down() -> None:
    f = rated_load_factor(150.0, 100.0, RULE).factor
    assert f is not None and f < 1


@pytest.mark.parametrize(("load", "rated"), [(-1.0, 10.0), (1.0, 0.0), (float("inf"), 10.0)])
def test_bad_currents(load: float, rated: float) -> None:
    with pytest.raises(ParameterError):
        rated_load_factor(load, rated, RULE)


@given(hot=st.floats(-20, 200), t2_share=st.floats(0, 1), rise=st.floats(0.5, 150), factor=st.floats(0.1, 12))
def test_scaling_rises_keeps_delta_and_scales_delta_t(hot: float, t2_share: float, rise: float,
                                                      factor: float) -> None:
    r = Readings(hot_c=hot, ref_c=hot - rise + t2_share * rise, ambient_c=hot - rise)
    s = r.scaled(factor)
    assert s.ambient_c == r.ambient_c
    assert s.rise_k == pytest.approx(r.rise_k * factor, rel=1e-6, abs=1e-6)  # type: ignore[operator]
    assert s.delta_t_k == pytest.approx(r.delta_t_k * factor, rel=1e-6, abs=1e-6)  # type: ignore[operator]
    assert s.delta_pct == pytest.approx(r.delta_pct, rel=1e-6, abs=1e-6)


def test_a_reference_below_ambient_is_not_scaled() -> None:
    r = Readings(hot_c=40.0, ref_c=-10.0, ambient_c=20.0).scaled(11.0)
    assert (r.hot_c, r.ref_c, r.ambient_c) == (240.0, -10.0, 20.0)


WIND = WindCorrection(speeds_m_s=(1.0, 2.0, 3.0), factors=(1.0, 1.36, 1.64), source="t", clause="t",
                      confidence="L")


@pytest.mark.parametrize(("wind", "factor"), [(0.0, 1.0), (1.0, 1.0), (1.5, 1.18), (2.0, 1.36), (3.0, 1.64),
                                              (3.1, None), (None, None)])
def test_wind_factor_interpolates_the_table(wind: float | None, factor: float | None) -> None:
    got = wind_factor(wind, WIND)
    assert got == (None if factor is None else pytest.approx(factor))


def test_wind_correction_is_advisory_in_a_diagnosis() -> None:
    calm = diagnose("dlt664-2016", "strain-clamp", hot_c=40.0, ref_c=30.0, ambient_c=20.0)
    windy = diagnose("dlt664-2016", "strain-clamp", hot_c=40.0, ref_c=30.0, ambient_c=20.0,
                     conditions=Conditions(wind_m_s=4.0))
    assert windy.wind_factor == pytest.approx(1.86)  # shipped table, standards.md §2
    assert windy.wind_corrected_delta_t_k == pytest.approx(18.6)
    assert windy.grade == calm.grade == "general"  # δ = 50 %; the calm ΔT 18.6 K changes nothing
    assert any("ΔT in calm air ≈ 18.6 K" in a for a in windy.advice)
    assert calm.wind_factor is None
