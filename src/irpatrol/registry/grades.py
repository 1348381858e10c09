"""The registry's one door to the grade scale: every rank, "is a defect", re-inspection and grade
name comes from the rule set the grade belongs to (``[[grades]]`` of ``diagnosis/standards/*.toml``).

A grade is always read together with its rule set (``Finding.standard``, ``Defect.standard``);
None means the default rule set, DL/T 664-2016. ``unrated`` (issue 10: the criteria could not be
evaluated) is part of every scale: severity 0, never a defect by itself, never "healthy".

Rows carry their grade's ``severity`` (0–3, :data:`irpatrol.diagnosis.rules.SEVERITY_LEVELS`):
mapper events in :mod:`irpatrol.registry.model` keep ``Finding.severity`` and ``Defect.severity``
in step with ``grade`` through :func:`severity`, so SQL sorts and filters need no grade names.
"""

from __future__ import annotations

from collections.abc import Iterable

from irpatrol.diagnosis.loader import list_standards, load_ruleset
from irpatrol.diagnosis.rules import UNRATED, Grade, RuleSet
from irpatrol.errors import InputError, RuleSetError

__all__ = [
    "DEFAULT_STANDARD",
    "all_grade_ids",
    "defect_grades",
    "grade_of",
    "is_defect",
    "label",
    "reinspects",
    "ruleset",
    "scale",
    "severity",
    "validate",
]

DEFAULT_STANDARD = "dlt664-2016"
"""The rule set of a grade stored without one (rows written before rule sets were recorded)."""

_NOT_A_GRADE = Grade(id="", level=0, en="", zh="")
_LEGACY_NORMAL = frozenset({"none", "normal", "ok"})
"""Names earlier versions wrote for "no defect" (kept readable, never written)."""


def ruleset(standard: str | None) -> RuleSet:
    """The rule set named ``standard`` (None: :data:`DEFAULT_STANDARD`); RuleSetError if unknown."""
    return load_ruleset(standard or DEFAULT_STANDARD)


def grade_of(standard: str | None, grade: str | None) -> Grade:
    """The scale entry of ``grade`` in its rule set. A rule set that cannot be found, or a grade it
    does not have, falls back to the default rule set's scale, then to the first known rule set
    that has the grade (so a grade id alone, as reports keep it, still finds its scale); failing
    that, a grade is a severity-1 defect (the safe side: an unknown grade is looked at, not dropped)."""
    if not grade:
        return _NOT_A_GRADE
    found = _find(grade, (standard or DEFAULT_STANDARD, DEFAULT_STANDARD)) or _find(grade, list_standards())
    if found is not None:
        return found
    if grade in _LEGACY_NORMAL:
        return Grade(id=grade, level=0, en=grade, zh=grade)
    return Grade(id=grade, level=1, en=grade, zh=grade, severity=1, defect=True)


def _find(grade: str, names: Iterable[str]) -> Grade | None:
    for name in dict.fromkeys(names):
        try:
            rules = load_ruleset(name)
        except RuleSetError:
            continue
        if rules.has_grade(grade):
            return rules.grade(grade)
    return None


def severity(standard: str | None, grade: str | None) -> int:
    """Severity 0–3 of ``grade`` in ``standard`` (higher is worse)."""
    return grade_of(standard, grade).severity


def is_defect(standard: str | None, grade: str | None) -> bool:
    """Whether a finding of ``grade`` opens or joins a defect (the rule set's ``defect``)."""
    return grade_of(standard, grade).defect


def reinspects(standard: str | None, grade: str | None) -> bool:
    """Whether a repaired defect of ``grade`` is re-inspected by a later patrol."""
    return grade_of(standard, grade).reinspect


def label(grade: str | None, lang: str = "en", standard: str | None = None) -> str:
    """The short name of ``grade`` in ``lang`` from its rule set. Without ``standard``: the default
    rule set's name when it has the grade, else the first known rule set that has it; a grade no
    rule set knows is shown as given."""
    return grade_of(standard, grade).label(lang)


def scale(standard: str | None) -> tuple[Grade, ...]:
    """The grades of ``standard`` in ascending order, ``unrated`` first."""
    return (UNRATED, *ruleset(standard).grades)


def defect_grades(standard: str | None = None) -> tuple[str, ...]:
    """The grades of ``standard``'s scale (None: :data:`DEFAULT_STANDARD`) that make a defect, worst
    first: the order the ledger's filter, the dashboard's bars and the statistics list them in."""
    return tuple(g.id for g in sorted(ruleset(standard).grades, key=lambda g: -g.severity) if g.defect)


def all_grade_ids() -> list[str]:
    """Every grade id of every known rule set, by severity then first appearance (``unrated`` too)."""
    seen: dict[str, int] = {UNRATED.id: 0}
    for name in [DEFAULT_STANDARD, *list_standards()]:
        try:
            rules = load_ruleset(name)
        except RuleSetError:
            continue
        for g in rules.grades:
            seen.setdefault(g.id, g.severity)
    return sorted(seen, key=lambda g: seen[g])


def validate(standard: str | None, grade: str) -> str:
    """``grade`` when it is a grade of ``standard``'s scale; InputError naming the choices if not."""
    rules = ruleset(standard)
    if not rules.has_grade(grade):
        ids = ", ".join(g.id for g in scale(standard))
        raise InputError(f"unknown grade {grade!r} for {rules.name}; one of {ids}")
    return grade
