"""Diagnosis: grade a hot spot of a component by a standard's rules (pure core, rules as data).

Public API (docs/architecture.md): :func:`diagnose` → :class:`Diagnosis`, :func:`list_standards`,
:func:`load_ruleset`, :func:`catalogue`. Rule sets are TOML files in ``standards/``.
"""

from __future__ import annotations

from irpatrol.diagnosis.catalogue import Component, catalogue, component
from irpatrol.diagnosis.grading import diagnose
from irpatrol.diagnosis.loader import list_standards, load_ruleset, parse_ruleset
from irpatrol.diagnosis.result import Diagnosis, Hit
from irpatrol.diagnosis.rules import RuleRow, RuleSet

__all__ = [
    "Component",
    "Diagnosis",
    "Hit",
    "RuleRow",
    "RuleSet",
    "catalogue",
    "component",
    "diagnose",
    "list_standards",
    "load_ruleset",
    "parse_ruleset",
]
