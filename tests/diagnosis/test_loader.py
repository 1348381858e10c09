"""User rule files: a valid one grades; every kind of mistake is a RuleSetError naming row and field."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.diagnosis import diagnose, list_standards, load_ruleset, parse_ruleset
from irpatrol.diagnosis.loader import ruleset_from_mapping
from irpatrol.diagnosis.rules import RuleSet
from irpatrol.errors import RuleSetError

USER_RULES = """
[ruleset]
name = "utility-x"
title = "Utility X stricter clamp rule"
standard = "Utility X work instruction"
edition = "2025"
version = "1"
source = "internal"

[[grades]]
id = "none"
en = "no defect"
zh = "无"

[[grades]]
id = "general"
en = "general defect"
zh = "一般"
advice_en = "plan repair"
advice_zh = "计划检修"

[[grades]]
id = "critical"
en = "critical defect"
zh = "危急"
advice_en = "reduce load at once"
advice_zh = "立即降低负荷"

[[guards]]
id = "g-invalid"
kind = "withhold"
flags = ["not-above-ambient"]
clause = "4.1"
edition = "2025"
source = "internal"
confidence = "V"
advice_en = "invalid"
advice_zh = "无效"

[load_correction]
exponent = 1.8
min_load_fraction = 0.3
clause = "5"
source = "internal"
confidence = "L"

[[rows]]
id = "ux-clamp"
table = "1"
clause = "3.2"
edition = "2025"
source = "internal"
confidence = "V"
heating = "current"
device_class = "line clamps"
devices = ["parallel-groove-clamp", "strain-clamp"]
criteria = [
  { grade = "general", quantity = "delta_t_k", op = ">", value = 10.0 },
  { grade = "critical", quantity = "hot_c", op = ">", value = 100.0 },
]
"""


def _doc() -> dict[str, Any]:
    return tomllib.loads(USER_RULES)


def test_a_user_rule_file_by_path_grades(tmp_path: Path) -> None:
    path = tmp_path / "utility-x.toml"
    path.write_text(USER_RULES, encoding="utf-8")
    d = diagnose(str(path), "strain-clamp", hot_c=101.0, ref_c=95.0, ambient_c=20.0,
                 load_current_a=90.0, rated_current_a=100.0)
    assert (d.standard, d.grade, d.rule) == ("utility-x", "critical", "ux-clamp")
    assert (d.clause, d.confidence) == ("3.2", "V")
    assert d.correction_exponent == 1.8
    assert d.correction_factor == pytest.approx((100 / 90) ** 1.8)
    assert diagnose(path, "strain-clamp", hot_c=40.0, ref_c=25.0, ambient_c=20.0).grade == "general"
    assert diagnose(path, "surge-arrester", hot_c=40.0, ref_c=25.0, ambient_c=20.0).graded is False


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("rows", 0, "criteria", 0, "op"), "<", ["rows[1] (id 'ux-clamp')", "criteria[1]", "'op'", "'>', '>='"]),
    (("rows", 0, "criteria", 1, "value"), "hot", ["rows[1] (id 'ux-clamp')", "criteria[2]", "'value'"]),
    (("rows", 0, "criteria", 0, "grade"), "serious", ["rows[1]", "'grade'", "'general', 'critical'"]),
    (("rows", 0, "criteria", 0, "quantity"), "temp", ["rows[1]", "'quantity'", "'hot_c'"]),
    (("rows", 0, "criteria", 1), {"grade": "critical", "quantity": "delta_t_k", "op": ">", "value": 5.0},
     ["rows[1] (id 'ux-clamp')", "'criteria[2].value'", "beyond the general threshold (10)"]),
    (("rows", 0, "devices"), ["clamp"], ["rows[1] (id 'ux-clamp')", "'devices[0]'", "valid kinds"]),
    (("rows", 0, "confidence"), "X", ["rows[1]", "'confidence'", "'V', 'S', 'M', 'L'"]),
    (("rows", 0, "clause"), _DELETE, ["rows[1] (id 'ux-clamp')", "'clause'", "missing"]),
    (("rows", 0, "threshold"), 3, ["rows[1] (id 'ux-clamp')", "'threshold'", "unknown field"]),
    (("rows", 0, "heating"), "magnetic", ["rows[1]", "'heating'"]),
    (("guards", 0, "flags"), ["fog"], ["guards[1] (id 'g-invalid')", "'flags[0]'", "unknown flag"]),
    (("guards", 0, "kind"), "maybe", ["guards[1]", "'kind'"]),
    (("load_correction", "exponent"), 2.5, ["load_correction", "'exponent'", "1.6 and 2"]),
    (("load_correction", "min_load_fraction"), 0.0, ["'min_load_fraction'"]),
    (("ruleset", "name"), "", ["ruleset", "'name'"]),
    (("grades",), [], ["'grades'"]),
    (("wind_correction",), {"speeds_m_s": [1, 2], "factors": [1.0, 0.9], "clause": "c", "source": "s",
                            "confidence": "L"}, ["wind_correction", "'factors'", "never decrease"]),
    (("wind_correction",), {"speeds_m_s": [2, 1], "factors": [1.0, 1.2], "clause": "c", "source": "s",
                            "confidence": "L"}, ["wind_correction", "'speeds_m_s'", "ascending"]),
    (("wind_correction",), {"speeds_m_s": [1, 2], "factors": [1.0], "clause": "c", "source": "s",
                            "confidence": "L"}, ["wind_correction", "'factors'", "one factor per speed"]),
])
def test_validation_errors_name_row_and_field(path: tuple[Any, ...], value: Any, expected: list[str]) -> None:
    with pytest.raises(RuleSetError) as info:
        ruleset_from_mapping(_set(_doc(), path, value), source="mine.toml")
    message = str(info.value)
    assert message.startswith("mine.toml: ")
    for part in expected:
        assert part in message, (part, message)


def test_duplicate_row_ids_are_named() -> None:
    doc = _doc()
    doc["rows"].append(copy.deepcopy(doc["rows"][0]))
    with pytest.raises(RuleSetError, match=r"rows\[2\]: duplicate id 'ux-clamp'"):
        ruleset_from_mapping(doc)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="not valid TOML"):
        parse_ruleset("[ruleset\nname=", source="bad.toml")
    with pytest.raises(RuleSetError, match="cannot read rule file"):
        load_ruleset(tmp_path / "absent.toml")


def test_shipped_sets_load_and_are_cached() -> None:
    assert list_standards() == ["dlt664-2016", "neta-mts"]
    assert load_ruleset("dlt664-2016") is load_ruleset("dlt664-2016")
    assert [g.zh for g in load_ruleset("dlt664-2016").grades] == ["无", "一般", "严重", "危急"]


_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True),
                    st.text(max_size=8), st.lists(st.text(max_size=5), max_size=3), st.just({}))


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(_doc())


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(PATHS), value=_values)
def test_any_single_corruption_is_a_rule_set_error_or_a_rule_set(path: tuple[Any, ...], value: Any) -> None:
    doc = _set(_doc(), path, value)
    try:
        rules = ruleset_from_mapping(doc, source="fuzz.toml")
    except RuleSetError as exc:
        assert str(exc).startswith("fuzz.toml: ")
    else:
        assert isinstance(rules, RuleSet)
