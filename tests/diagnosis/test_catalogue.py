"""The component catalogue and its mapping onto the shipped rule rows."""

from __future__ import annotations

import pytest

from irpatrol.diagnosis import catalogue, component, list_standards, load_ruleset
from irpatrol.errors import InputError

REQUIRED = ["strain-clamp", "parallel-groove-clamp", "t-clamp", "splice-sleeve", "terminal-clamp",
            "apparatus-terminal", "disconnector-head", "disconnector-blade", "dropout-fuse", "surge-arrester",
            "porcelain-insulator", "composite-insulator", "transformer-bushing", "transformer-tank",
            "cable-termination", "conductor", "breaker-contact"]


def test_the_issue_kinds_are_all_there_with_both_names() -> None:
    kinds = {c.kind: c for c in catalogue()}
    for kind in REQUIRED:
        c = kinds[kind]
        assert c.name_en and c.name_zh and c.name_zh != c.name_en
        assert c.to_dict()["kind"] == kind


@pytest.mark.parametrize("kind", [c.kind for c in catalogue() if c.kind != "transformer-tank"])
def test_every_kind_has_graded_rows_in_dlt664(kind: str) -> None:
    rows = load_ruleset("dlt664-2016").rows_for(kind)
    assert any(r.criteria for r in rows), kind
    heating = component(kind).heating
    assert {r.heating for r in rows if r.criteria} <= {"current", "voltage"}
    if heating in ("current", "voltage"):
        assert all(r.heating == heating for r in rows), kind


def test_line_clamps_use_the_connector_row_and_apparatus_terminals_the_stricter_one() -> None:
    rules = load_ruleset("dlt664-2016")
    for kind in ("strain-clamp", "parallel-groove-clamp", "t-clamp", "splice-sleeve", "terminal-clamp"):
        assert "h1-line-connector" in [r.id for r in rules.rows_for(kind)]
    assert "h1-apparatus-to-metal" in [r.id for r in rules.rows_for("apparatus-terminal")]


def test_neta_rows_cover_every_kind() -> None:
    rules = load_ruleset("neta-mts")
    for c in catalogue():
        assert [r.id for r in rules.rows_for(c.kind)] == ["neta-similar", "neta-over-ambient"]


def test_every_shipped_row_names_only_catalogue_kinds() -> None:
    kinds = {c.kind for c in catalogue()} | {"*"}
    for name in list_standards():
        for row in load_ruleset(name).rows:
            assert set(row.devices) <= kinds, row.id


def test_unknown_kind_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        component("Strain-Clamp")
    assert "valid kinds: " + ", ".join(c.kind for c in catalogue()) in str(info.value)
