"""Checklists and violation types as data: every packaged file loads, and a file with a wrong field
is refused with the file, row and field named."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irpatrol.acceptance.checklist import CHECKLIST_DIR, kinds, load_checklist
from irpatrol.acceptance.tomlrows import DataFileError
from irpatrol.supervision.violations import TYPES_FILE, load_catalogue

ISSUE_KINDS = {
    "new-pole-line",
    "pole-replacement",
    "fitting-replacement",
    "equipment-installation",
    "tree-clearance",
    "ir-defect-repair",
}


def test_every_kind_of_work_of_the_issue_has_a_checklist_in_both_languages() -> None:
    assert set(kinds()) == ISSUE_KINDS
    for kind in kinds():
        c = load_checklist(kind)
        assert c.kind == kind and c.version
        for item in c.items:
            assert item.what_en and item.what_zh and item.criterion_zh and item.evidence_zh
            assert any("\u4e00" <= ch <= "\u9fff" for ch in item.what_zh)
    assert load_checklist("ir-defect-repair").item("ir-remeasure").method == "infrared"


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (CHECKLIST_DIR / "new-pole-line.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_misspelt_field_is_refused_with_row_and_field(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, 'code = "crossarm-level"\nscope', 'code = "crossarm-level"\nscop')
    with pytest.raises(DataFileError) as err:
        load_checklist(path)
    message = str(err.value)
    assert str(path) in message and "row 2 (crossarm-level)" in message and "'scop'" in message


def test_a_bad_method_value_is_refused_with_row_and_field(tmp_path: Path) -> None:
    path = _copy_with(tmp_path, 'method = "measurement"', 'method = "guess"')
    with pytest.raises(DataFileError, match=r"row 5 \(earthing\): field 'method' is 'guess'"):
        load_checklist(path)


def test_a_missing_field_and_a_wrong_type_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"row 1 \(pole-verticality\): missing field 'what_zh'"):
        load_checklist(_copy_with(tmp_path, 'what_zh = "电杆垂直度及位置"\n', ""))
    with pytest.raises(DataFileError, match=r"header: field 'version' has the wrong type"):
        load_checklist(_copy_with(tmp_path, 'version = "2026.1"', "version = 2026"))


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(DataFileError, match="new-pole-line"):
        load_checklist("bridge-building")


@given(st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
def test_any_unknown_item_field_is_refused(field: str) -> None:
    from irpatrol.acceptance.checklist import parse_checklist

    allowed = {
        "code",
        "scope",
        "method",
        "what_en",
        "what_zh",
        "criterion_en",
        "criterion_zh",
        "evidence_en",
        "evidence_zh",
        "source",
    }
    row = {k: "x" for k in allowed} | {"code": "c1", "scope": "pole", "method": "visible"}
    doc = {"kind": "k", "version": "1", "name_en": "n", "name_zh": "名", "item": [row | {field: "v"}]}
    if field in allowed:
        assert parse_checklist(doc).items[0].code == "c1"
    else:
        with pytest.raises(DataFileError, match=f"row 1 \\(c1\\): unknown field '{field}'"):
            parse_checklist(doc)


def test_violation_types_load_and_a_wrong_field_is_named(tmp_path: Path) -> None:
    cat = load_catalogue()
    assert {"missing-earthing", "no-fence-sign", "missing-ppe", "outside-ticket-area", "unsafe-distance"} <= {
        t.code for t in cat.types
    }
    assert cat.type("missing-earthing").measure == "earthing-set"
    bad = tmp_path / "types.toml"
    bad.write_text(
        TYPES_FILE.read_text(encoding="utf-8").replace(
            'name_zh = "未设围栏或标示牌"', 'nam_zh = "未设围栏或标示牌"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"violation row 2 \(no-fence-sign\): unknown field 'nam_zh'"):
        load_catalogue(bad)
