"""Texts the system writes (a defect's description at ingest, timeline comments) read in the
reader's language, with component names from the catalogue and no rule codes; text a user typed
stays as typed."""

from __future__ import annotations

import pytest

from irpatrol.reports.system_text import system_text


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        (
            "parallel-groove-clamp phase A: serious (h1-line-connector)",
            "parallel-groove clamp phase A: serious",
            "并沟线夹（A 相）：严重",
        ),
        ("grade serious", "grade serious", "缺陷等级：严重"),
        (
            "finding #3: grade serious → critical, heating → voltage",
            "finding #3: grade serious → critical, heating → voltage-heated",
            "发现 #3：缺陷等级 严重 → 危急；致热类型 → 电压致热型",
        ),
        (
            "Li Wei / Line crew 2, due 2026-12-06",
            "Li Wei / Line crew 2, due 2026-12-06",
            "Li Wei / Line crew 2，计划完成 2026-12-06",
        ),
        (
            "t-clamp: marked by demo-analyst",
            "T-clamp: marked by demo-analyst",
            "T型线夹：demo-analyst 人工标注",
        ),
        ("Clamp replaced, bolts torqued", "Clamp replaced, bolts torqued", "Clamp replaced, bolts torqued"),
        (None, "", ""),
    ],
)
def test_system_text(text: str | None, en: str, zh: str) -> None:
    assert system_text(text, "en") == en
    assert system_text(text, "zh") == zh
    assert "h1-line-connector" not in system_text(text, "zh")
