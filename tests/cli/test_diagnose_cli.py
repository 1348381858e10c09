"""``irpatrol diagnose`` and ``irpatrol standards``: JSON contract keys, text output, errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from irpatrol.cli.main import app

runner = CliRunner()
CONTRACT_KEYS = {"grade", "grade_zh", "delta_t_k", "rise_k", "delta_pct", "corrected_delta_t_k", "rule",
                 "clause", "confidence", "flags", "advice", "standard", "device"}


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_diagnose_json_has_the_contract_keys_and_values() -> None:
    d = _json(["diagnose", "--standard", "dlt664-2016", "--device", "parallel-groove-clamp", "--hot", "95",
               "--ref", "30", "--ambient", "25", "--load-current", "60", "--rated-current", "100",
               "--wind", "2", "--humidity", "60", "--json"])
    assert isinstance(d, dict) and d.keys() >= CONTRACT_KEYS
    assert (d["grade"], d["grade_zh"], d["rule"]) == ("serious", "严重", "h1-line-connector")
    assert d["delta_t_k"] == 65 and d["rise_k"] == 70
    assert abs(d["delta_pct"] - 65 / 70 * 100) < 1e-9
    assert abs(d["corrected_delta_t_k"] - 65 * (100 / 60) ** 2) < 1e-9
    assert d["flags"] == [] and d["wind_m_s"] == 2 and d["humidity_pct"] == 60


def test_diagnose_rain_withholds_the_grade() -> None:
    d = _json(["diagnose", "--device", "surge-arrester", "--hot", "22", "--ref", "20", "--ambient", "15",
               "--rain", "--json"])
    assert isinstance(d, dict)
    assert (d["grade"], d["graded"], d["indicative_grade"]) == ("unrated", False, "serious")
    assert d["flags"] == ["rain"] and d["unrated_reason"].startswith("conditions not met")


def test_diagnose_heating_option_chooses_one_table() -> None:
    args = ["diagnose", "--device", "transformer-bushing", "--hot", "30", "--ref", "27.5", "--ambient", "25",
            "--json"]
    current = _json(args)
    voltage = _json([*args, "--heating", "voltage"])
    assert isinstance(current, dict) and isinstance(voltage, dict)
    assert (current["grade"], current["heating_used"]) == ("none", "current")
    assert (voltage["grade"], voltage["rule"]) == ("serious", "i1-hv-bushing")
    assert voltage["heating_basis"] == "analyst"


def test_diagnose_text_output() -> None:
    result = runner.invoke(app, ["diagnose", "--device", "t-clamp", "--hot", "131", "--ref", "40",
                                 "--ambient", "20"])
    assert result.exit_code == 0
    assert "grade: critical (危急)" in result.stdout
    assert "rule: h1-line-connector, hot_c > 130" in result.stdout
    assert "reduce load at once" in result.stdout


def test_diagnose_bad_device_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["diagnose", "--device", "widget", "--hot", "50"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "valid kinds: strain-clamp" in result.stderr
    assert "Traceback" not in result.output


def test_standards_list_and_show_json() -> None:
    listed = _json(["standards", "list", "--json"])
    assert isinstance(listed, list) and [s["name"] for s in listed] == ["dlt664-2016", "neta-mts"]
    shown = _json(["standards", "show", "neta-mts", "--json"])
    assert isinstance(shown, dict)
    assert [r["id"] for r in shown["rows"]] == ["neta-similar", "neta-over-ambient"]
    assert shown["rows"][1]["criteria"][-1] == {"grade": "priority-1", "quantity": "rise_k", "op": ">",
                                                "value": 40.0, "confidence": "V"}


def test_standards_show_prints_the_tables() -> None:
    result = runner.invoke(app, ["standards", "show", "dlt664-2016"])
    assert result.exit_code == 0
    for text in ("h1-line-connector", "hot_c > 130 °C", "guard-low-rise", "i1-arrester-10-60kv", "危急"):
        assert text in result.stdout, text


def test_standards_show_a_bad_user_file_names_row_and_field(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/irpatrol/diagnosis/standards/neta-mts.toml").read_text("utf-8")
    bad = tmp_path / "mine.toml"
    bad.write_text(text.replace('op = ">", value = 40.0', 'op = "≥", value = 40.0'), encoding="utf-8")
    result = runner.invoke(app, ["standards", "show", str(bad)])
    assert result.exit_code == 2
    assert "rows[2] (id 'neta-over-ambient')" in result.stderr and "'op'" in result.stderr


def test_standards_devices_json() -> None:
    items = _json(["standards", "devices", "--json"])
    assert isinstance(items, list)
    clamp = next(i for i in items if i["kind"] == "strain-clamp")
    assert clamp["name_zh"] == "耐张线夹" and "h1-line-connector" in clamp["rows"]["dlt664-2016"]
