"""Load correction ΔT × (I_rated / I)^n (Infraspection Institute; standards.md §1.8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.diagnosis.load_correction import rated_load_factor
from irpatrol.diagnosis.readings import Readings
from irpatrol.diagnosis.rules import LoadCorrection
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
