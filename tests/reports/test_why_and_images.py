"""The explanation of a grade (one decimal everywhere, the rule in words in both languages, the
analyst's override beside the automatic grade) and the rendered thermograms (colour bar, a hot
clamp standing out from its neighbours, a fixed range)."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from irpatrol.diagnosis import diagnose
from irpatrol.reports.images import full_range, thermal_png
from irpatrol.reports.why import Facts, explain, one_decimal


@given(st.floats(min_value=-300, max_value=3000, allow_nan=False))
def test_one_decimal_never_rounds_to_a_whole_number(value: float) -> None:
    text = one_decimal(value, "%")
    assert text.endswith(" %") and "." in text
    assert abs(float(text.split()[0]) - value) <= 0.05 + 1e-9


def _facts(**kw: object) -> Facts:
    d = diagnose("dlt664-2016", "parallel-groove-clamp", hot_c=85.0, ref_c=25.9, ambient_c=22.0).to_dict()
    base = {"grade": d["grade"], "t1_c": 85.0, "t2_c": 25.9, "t2_source": "similar-component",
            "t0_c": 22.0, "t0_source": "patrol", "delta_t_k": d["delta_t_k"],
            "rise_k": d["rise_k"], "delta_pct": d["delta_pct"], "rule": d["rule"], "clause": d["clause"],
            "confidence": d["confidence"], "flags": d["flags"], "diagnosis": d,
            "params": {"emissivity": 0.9, "distance_m": 6.0, "reflected_c": 22.0}}
    return Facts(**{**base, **kw})  # type: ignore[arg-type]


def test_explanation_shows_delta_to_one_decimal_and_the_rule_in_words() -> None:
    facts = _facts()
    assert facts.delta_pct is not None and 93.0 < facts.delta_pct < 94.0  # (85−25.9)/(85−22) = 93.8 %
    en = {line.key: line.value for line in explain(facts, "en")}
    zh = {line.key: line.value for line in explain(facts, "zh")}
    assert en["why_delta_pct"] == f"{facts.delta_pct:.1f} %"
    assert en["why_t2"] == "25.9 °C (same part on a healthy phase)" and "正常相同部位" in zh["why_t2"]
    assert en["why_t0"] == "22.0 °C (patrol weather record)" and zh["why_t0"] == "22.0 °C (巡检气象记录)"
    assert "→" in en["why_rule"] and "h1-" not in en["why_rule"]  # words, not the row's code
    assert "并沟线夹" in zh["why_rule"] and "parallel-groove" in en["why_rule"]
    assert en["why_params"] == "ε 0.90, distance 6.0 m, reflected 22.0 °C"
    assert en["why_advice"] != zh["why_advice"]  # the Chinese advice text, not the English one


def test_override_keeps_the_automatic_grade_in_view() -> None:
    facts = _facts(override={"grade": "critical", "reason": "loose bolt seen", "user": "li"})
    grade = next(line.value for line in explain(facts, "en") if line.key == "why_grade")
    assert grade.startswith("critical") and "loose bolt seen" in grade
    assert f"automatic: {facts.grade}" in grade


def _scene() -> np.ndarray:
    celsius = np.full((120, 160), 25.0, dtype=np.float32)
    celsius[50:56, 40:46] = 100.0  # the hot clamp
    celsius[50:56, 100:106] = 27.0  # its healthy neighbour
    return celsius


def test_rendered_thermogram_has_a_colour_bar_and_shows_the_hot_clamp() -> None:
    celsius = _scene()
    assert full_range(celsius) == (25.0, 100.0)
    img = np.asarray(Image.open(io.BytesIO(thermal_png(celsius))).convert("RGB")).astype(int)
    scale = img.shape[0] // celsius.shape[0]
    assert img.shape[1] > celsius.shape[1] * scale + 30  # the colour bar beside the image
    hot = img[52 * scale, 42 * scale]
    neighbour = img[52 * scale, 102 * scale]
    assert np.abs(hot - neighbour).sum() > 200  # 100 °C does not look like 27 °C


def test_fixed_range_and_isotherm() -> None:
    celsius = _scene()
    narrow = np.asarray(Image.open(io.BytesIO(thermal_png(celsius, t_range=(20.0, 30.0), colorbar=False))))
    wide = np.asarray(Image.open(io.BytesIO(thermal_png(celsius, t_range=(0.0, 200.0), colorbar=False))))
    assert not np.array_equal(narrow, wide)
    def rgb(**kw: float) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(thermal_png(celsius, colorbar=False, **kw))).convert("RGB"))

    plain, alarm = rgb(), rgb(isotherm_c=50.0)
    scale = plain.shape[0] // celsius.shape[0]
    hot, neighbour = (52 * scale, 42 * scale), (52 * scale, 102 * scale)
    assert tuple(alarm[hot]) != tuple(plain[hot])  # above the alarm level: the isotherm colour
    assert tuple(alarm[neighbour]) == tuple(plain[neighbour])  # below it: unchanged
