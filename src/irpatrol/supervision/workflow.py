"""The life of a violation seen on a work site (pure)::

    reported ──► rectified ──► closed
        │            ▲
        ▼            │
    escalated ───────┘ ──► closed (reason required)

A supervisor records a violation (``reported``); the crew rectifies it on site (``rectified``); the
supervisor confirms and closes it. A violation that is not rectified on site is ``escalated``
(reason required) to the managers, and is rectified or closed from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from irpatrol.errors import Conflict, InputError


class ViolationStatus(StrEnum):
    """Where a violation is."""

    REPORTED = "reported"
    RECTIFIED = "rectified"
    ESCALATED = "escalated"
    CLOSED = "closed"


TRANSITIONS: Mapping[ViolationStatus, frozenset[ViolationStatus]] = {
    ViolationStatus.REPORTED: frozenset({ViolationStatus.RECTIFIED, ViolationStatus.ESCALATED}),
    ViolationStatus.RECTIFIED: frozenset({ViolationStatus.CLOSED, ViolationStatus.REPORTED}),
    ViolationStatus.ESCALATED: frozenset({ViolationStatus.RECTIFIED, ViolationStatus.CLOSED}),
    ViolationStatus.CLOSED: frozenset(),
}
"""Allowed violation status changes: from → {to} (``rectified → reported``: not really rectified)."""
REASON_REQUIRED: Mapping[ViolationStatus, frozenset[ViolationStatus]] = {
    ViolationStatus.ESCALATED: frozenset({ViolationStatus.CLOSED}),
}
"""from → targets that need a reason."""
REASON_TARGETS = frozenset({ViolationStatus.ESCALATED})
"""Targets that always need a reason."""
OPEN = frozenset({ViolationStatus.REPORTED, ViolationStatus.RECTIFIED, ViolationStatus.ESCALATED})
"""Statuses of a violation that still needs work (shown on the dashboard)."""
ACTION: Mapping[ViolationStatus, str] = {
    ViolationStatus.RECTIFIED: "site.rectify",
    ViolationStatus.REPORTED: "site.close",
    ViolationStatus.ESCALATED: "site.escalate",
    ViolationStatus.CLOSED: "site.close",
}
"""The permission (:mod:`irpatrol.acceptance.permissions`) needed to move a violation to a status."""


def parse_status(value: str) -> ViolationStatus:
    """The status named ``value``; InputError otherwise."""
    try:
        return ViolationStatus(value.strip().lower())
    except ValueError:
        raise InputError(f"unknown violation status {value!r}; one of {', '.join(ViolationStatus)}") from None


def check_transition(current: str, target: str, *, reason: str | None = None) -> ViolationStatus:
    """The target status when a violation may move; Conflict when the table forbids it, InputError
    when a reason is required and missing."""
    cur, to = parse_status(current), parse_status(target)
    if to not in TRANSITIONS[cur]:
        nexts = ", ".join(sorted(TRANSITIONS[cur])) or "none (closed)"
        raise Conflict(f"a {cur} violation cannot become {to}; allowed: {nexts}")
    needs = to in REASON_TARGETS or to in REASON_REQUIRED.get(cur, frozenset())
    if needs and not (reason and reason.strip()):
        raise InputError(f"a reason is required to make a {cur} violation {to}")
    return to
