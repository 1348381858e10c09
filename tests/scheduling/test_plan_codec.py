from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irpatrol.errors import InputError
from irpatrol.scheduling.core.campaign import plan_campaign
from irpatrol.scheduling.core.codec import county_from_dict, county_to_dict, plan_from_dict, plan_to_dict
from irpatrol.scheduling.core.model import Policy
from irpatrol.scheduling.files import read_plan, read_weather, write_plan


def test_county_round_trips(small_county):
    assert county_from_dict(json.loads(json.dumps(county_to_dict(small_county)))) == small_county


def test_plan_round_trips_through_a_json_file(small_county, tmp_path: Path):
    first = date(2026, 11, 2)
    plan = plan_campaign(replace(small_county, weather=()),
                         Policy(start=first, deadline=first + timedelta(days=29)), time_limit_s=0.0)
    write_plan(tmp_path / "p.json", plan)
    assert read_plan(tmp_path / "p.json") == plan
    assert plan_from_dict(plan_to_dict(plan)) == plan


@pytest.mark.parametrize("doc", [{}, {"schema": "other"}, [], {"schema": "irpatrol.plan/1"}])
def test_not_a_plan_is_an_input_error(doc):
    with pytest.raises(InputError):
        plan_from_dict(doc, source="x.json")


def test_unreadable_files_name_the_file(tmp_path: Path):
    with pytest.raises(InputError, match=r"missing\.json"):
        read_plan(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(InputError, match=r"bad\.json"):
        read_plan(tmp_path / "bad.json")


def test_weather_csv_errors_name_the_row(tmp_path: Path):
    f = tmp_path / "w.csv"
    f.write_text("day,area,rain,wind_m_s\n2026-11-02,A1,no,3.5\n2026-11-03,A1,maybe,2\n")
    with pytest.raises(InputError, match=r"w.csv: row 3"):
        read_weather(f)
    f.write_text("area,rain\nA1,no\n")
    with pytest.raises(InputError, match="missing column"):
        read_weather(f)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2035, 1, 1)),
                               st.sampled_from(["A1", "A2", "东区"]), st.booleans(),
                               st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 1))),
                     max_size=20))
def test_weather_csv_and_json_read_back_what_was_written(tmp_path_factory, rows):
    d = tmp_path_factory.mktemp("w")
    body = "".join(f"{a},{b},{'yes' if c else 'no'},{w}\n" for a, b, c, w in rows)
    csv_text = "day,area,rain,wind_m_s\n" + body
    (d / "w.csv").write_text(csv_text, encoding="utf-8")
    (d / "w.json").write_text(json.dumps([{"day": a.isoformat(), "area": b, "rain": c, "wind_m_s": w}
                                          for a, b, c, w in rows]), encoding="utf-8")
    for name in ("w.csv", "w.json"):
        got = read_weather(d / name)
        assert [(x.day, x.area, x.rain, x.wind_m_s) for x in got] == rows
