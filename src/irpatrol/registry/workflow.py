"""Defect and hazard life cycles as data: transition tables and the checks on them (pure).

Defects (issue 4, "Defect workflow")::

    new ──► confirmed ──► repair_scheduled ──► repaired ──► verified
     │         ▲                                  │
     ▼         └──────────── reopened ◄───────────┘
    rejected   (false positive; a reason is required)

A ``repaired`` defect becomes ``verified`` when a later patrol finds the component normal (ingest
does this) or an analyst verifies it with evidence; otherwise it is ``reopened`` and confirmed
again. ``verified`` and ``rejected`` are closed; every other status is open.

Hazards: open → mitigation_scheduled → cleared; open/mitigation_scheduled → rejected (reason
required); cleared → reopened → mitigation_scheduled.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from irpatrol.errors import Conflict, InputError


class DefectStatus(StrEnum):
    """Where a defect is in its life."""

    NEW = "new"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    REPAIR_SCHEDULED = "repair_scheduled"
    REPAIRED = "repaired"
    VERIFIED = "verified"
    REOPENED = "reopened"


class HazardStatus(StrEnum):
    """Where a corridor hazard is in its life."""

    OPEN = "open"
    MITIGATION_SCHEDULED = "mitigation_scheduled"
    CLEARED = "cleared"
    REJECTED = "rejected"
    REOPENED = "reopened"


TRANSITIONS: Mapping[DefectStatus, frozenset[DefectStatus]] = {
    DefectStatus.NEW: frozenset({DefectStatus.CONFIRMED, DefectStatus.REJECTED}),
    DefectStatus.CONFIRMED: frozenset({DefectStatus.REPAIR_SCHEDULED}),
    DefectStatus.REPAIR_SCHEDULED: frozenset({DefectStatus.REPAIRED}),
    DefectStatus.REPAIRED: frozenset({DefectStatus.VERIFIED, DefectStatus.REOPENED}),
    DefectStatus.REOPENED: frozenset({DefectStatus.CONFIRMED}),
    DefectStatus.VERIFIED: frozenset(),
    DefectStatus.REJECTED: frozenset(),
}
"""Allowed defect status changes: from → {to}."""

REASON_REQUIRED: frozenset[DefectStatus] = frozenset({DefectStatus.REJECTED, DefectStatus.REOPENED})
"""Target statuses that must be given a reason (a false positive, a failed repair)."""

CLOSED: frozenset[DefectStatus] = frozenset({DefectStatus.VERIFIED, DefectStatus.REJECTED})
"""Statuses in which a defect needs no more work."""

OPEN: frozenset[DefectStatus] = frozenset(DefectStatus) - CLOSED
"""Statuses in which a defect still needs work (a new finding at its component joins it)."""

HAZARD_TRANSITIONS: Mapping[HazardStatus, frozenset[HazardStatus]] = {
    HazardStatus.OPEN: frozenset(
        {HazardStatus.MITIGATION_SCHEDULED, HazardStatus.CLEARED, HazardStatus.REJECTED}
    ),
    HazardStatus.MITIGATION_SCHEDULED: frozenset({HazardStatus.CLEARED, HazardStatus.REJECTED}),
    HazardStatus.CLEARED: frozenset({HazardStatus.REOPENED}),
    HazardStatus.REOPENED: frozenset({HazardStatus.MITIGATION_SCHEDULED, HazardStatus.CLEARED}),
    HazardStatus.REJECTED: frozenset(),
}
"""Allowed hazard status changes: from → {to}."""

HAZARD_REASON_REQUIRED: frozenset[HazardStatus] = frozenset({HazardStatus.REJECTED, HazardStatus.REOPENED})
"""Hazard target statuses that must be given a reason."""

HAZARD_CLOSED: frozenset[HazardStatus] = frozenset({HazardStatus.CLEARED, HazardStatus.REJECTED})
"""Hazard statuses that need no more work."""


def _parse[S: StrEnum](statuses: type[S], value: str, what: str) -> S:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return statuses(key)
    except ValueError:
        raise InputError(f"unknown {what} status {value!r}; one of {', '.join(statuses)}") from None


def parse_status(value: str) -> DefectStatus:
    """The DefectStatus named ``value`` (``repair-scheduled`` and ``repair scheduled`` accepted)."""
    return _parse(DefectStatus, value, "defect")


def parse_hazard_status(value: str) -> HazardStatus:
    """The HazardStatus named ``value`` (``-`` and spaces accepted for ``_``)."""
    return _parse(HazardStatus, value, "hazard")


def allowed(current: str, target: str) -> bool:
    """True when a defect may go from ``current`` to ``target``."""
    return parse_status(target) in TRANSITIONS[parse_status(current)]


def check_transition(current: str, target: str, *, reason: str | None = None) -> DefectStatus:
    """The target status when the move is allowed; Conflict when the table forbids it,
    InputError when a reason is required and missing."""
    cur, to = parse_status(current), parse_status(target)
    if to not in TRANSITIONS[cur]:
        nexts = ", ".join(sorted(TRANSITIONS[cur])) or "none (closed)"
        raise Conflict(f"a {cur} defect cannot become {to}; allowed: {nexts}")
    if to in REASON_REQUIRED and not (reason and reason.strip()):
        raise InputError(f"a reason is required to make a defect {to}")
    return to


def check_hazard_transition(current: str, target: str, *, reason: str | None = None) -> HazardStatus:
    """Like :func:`check_transition` for hazards."""
    cur, to = parse_hazard_status(current), parse_hazard_status(target)
    if to not in HAZARD_TRANSITIONS[cur]:
        nexts = ", ".join(sorted(HAZARD_TRANSITIONS[cur])) or "none (closed)"
        raise Conflict(f"a {cur} hazard cannot become {to}; allowed: {nexts}")
    if to in HAZARD_REASON_REQUIRED and not (reason and reason.strip()):
        raise InputError(f"a reason is required to make a hazard {to}")
    return to
