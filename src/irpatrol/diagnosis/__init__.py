"""Diagnosis: grade a hot spot of a component by a standard's rules (pure core, rules as data).

Public API (docs/architecture.md): :func:`diagnose` → :class:`Diagnosis`, :func:`list_standards`,
:func:`load_ruleset`, :func:`catalogue`. Rule sets are TOML files in ``standards/`` or in a folder
given to :func:`set_search_path`; each declares its grade scale (:class:`Grade`,
:data:`SEVERITY_LEVELS`).
"""

from __future__ import annotations

from irpatrol.diagnosis.catalogue import Component, catalogue, component
from irpatrol.diagnosis.grading import diagnose
from irpatrol.diagnosis.loader import (
    list_standards,
    load_ruleset,
    parse_ruleset,
    search_path,
    set_search_path,
)
from irpatrol.diagnosis.result import Diagnosis, Hit
from irpatrol.diagnosis.rules import SEVERITY_LEVELS, UNRATED, Grade, RuleRow, RuleSet

__all__ = [
    "SEVERITY_LEVELS",
    "UNRATED",
    "Component",
    "Diagnosis",
    "Grade",
    "Hit",
    "RuleRow",
    "RuleSet",
    "catalogue",
    "component",
    "diagnose",
    "list_standards",
    "load_ruleset",
    "parse_ruleset",
    "search_path",
    "set_search_path",
]
