"""Texts the system itself writes into the registry (a defect's description at ingest, the
comments of its timeline events) shown in the reader's language.

The registry stores these in English, as written by :mod:`irpatrol.ingest`,
:mod:`irpatrol.registry.defects`, :mod:`irpatrol.registry.judgement` and
:mod:`irpatrol.registry.findings`; here each known form is recognised and rewritten with the
labels of :mod:`.labels` (grades, statuses, component names), and a rule's code is left out (the
rule is given in words beside it). Text typed by a user matches no form and is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from irpatrol.reports.labels import grade_label
from irpatrol.reports.ledger import component_name

_TEXTS: dict[str, tuple[str, str]] = {
    "phase": ("{component} phase {phase}: {grade}", "{component}（{phase} 相）：{grade}"),
    "grade": ("grade {grade}", "缺陷等级：{grade}"),
    "override": ("finding #{id}: {changes}", "发现 #{id}：{changes}"),
    "grade_change": ("grade {a} → {b}", "缺陷等级 {a} → {b}"),
    "component_change": ("component {a} → {b}", "部件 {a} → {b}"),
    "heating_change": ("heating → {b}", "致热类型 → {b}"),
    "work_order": ("{who}, due {due}", "{who}，计划完成 {due}"),
    "marked": ("{component}: marked by {who}", "{component}：{who} 人工标注"),
    "set_by": ("grade set by {who}: {reason}", "{who} 改判等级：{reason}"),
    "after_recompute": ("{component}: {grade} after recompute", "{component}：重新计算后 {grade}"),
}


HEATING: dict[str, tuple[str, str]] = {
    "current": ("current-heated", "电流致热型"),
    "voltage": ("voltage-heated", "电压致热型"),
    "both": ("current and voltage", "综合致热型"),
}
"""Heating types (DL/T 664-2016 clause 3: current- and voltage-heated equipment)."""


def _t(key: str, lang: str) -> str:
    en, zh = _TEXTS[key]
    return zh if lang == "zh" else en


def _grade(g: str, lang: str) -> str:
    return grade_label(g, lang) or g


def _changes(text: str, lang: str) -> str:
    out = []
    for part in text.split(", "):
        m = re.fullmatch(r"grade (\w+) → (\w+)", part)
        if m:
            out.append(_t("grade_change", lang).format(a=_grade(m[1], lang), b=_grade(m[2], lang)))
            continue
        m = re.fullmatch(r"component (\S+) → (\S+)", part)
        if m:
            a = m[1] if m[1] == "—" else component_name(m[1], lang)
            out.append(_t("component_change", lang).format(a=a, b=component_name(m[2], lang)))
            continue
        m = re.fullmatch(r"heating → (\S+)", part)
        if m:
            pair = HEATING.get(m[1], (m[1], m[1]))
            out.append(_t("heating_change", lang).format(b=pair[1] if lang == "zh" else pair[0]))
        else:
            out.append(part)
    return "；".join(out) if lang == "zh" else ", ".join(out)


_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]], ...] = (
    (re.compile(r"(?P<kind>[a-z0-9-]+) phase (?P<phase>\w+): (?P<grade>\w+)(?: \([^)]*\))?"),
     lambda m, lang: _t("phase", lang).format(component=component_name(m["kind"], lang), phase=m["phase"],
                                               grade=_grade(m["grade"], lang))),
    (re.compile(r"grade (?P<grade>\w+)"),
     lambda m, lang: _t("grade", lang).format(grade=_grade(m["grade"], lang))),
    (re.compile(r"finding #(?P<id>\d+): (?P<changes>(?:grade|component|heating) .+)"),
     lambda m, lang: _t("override", lang).format(id=m["id"], changes=_changes(m["changes"], lang))),
    (re.compile(r"(?P<who>.+), due (?P<due>\d{4}-\d{2}-\d{2})"),
     lambda m, lang: _t("work_order", lang).format(who=m["who"], due=m["due"])),
    (re.compile(r"(?P<kind>[a-z0-9-]+): marked by (?P<who>\S+)"),
     lambda m, lang: _t("marked", lang).format(component=component_name(m["kind"], lang), who=m["who"])),
    (re.compile(r"grade set by (?P<who>\S+): (?P<reason>.+)", re.S),
     lambda m, lang: _t("set_by", lang).format(who=m["who"], reason=m["reason"])),
    (re.compile(r"(?P<kind>[a-z0-9-]+): (?P<grade>\w+) after recompute"),
     lambda m, lang: _t("after_recompute", lang).format(component=component_name(m["kind"], lang),
                                                         grade=_grade(m["grade"], lang))),
)


def system_text(text: str | None, lang: str = "en") -> str:
    """``text`` in ``lang`` when the system wrote it in one of the known forms, else as it is."""
    if not text:
        return text or ""
    for pattern, render in _FORMS:
        m = pattern.fullmatch(text.strip())
        if m is not None:
            return render(m, lang)
    return text
