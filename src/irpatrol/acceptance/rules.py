"""Acceptance rules (pure): item results, rectification life, the acceptance decision and the
verdict of a re-measured infrared defect.

An item is ``pending`` until the inspector marks it ``pass``, ``fail`` or ``na`` (not applicable);
a failed item opens a rectification (a hazard in the ledger with deadline and assignee) and passes
when its re-check passes; a person with the waiving role may instead ``waive`` it with a reason.
A project is accepted only when no item is pending or failed (every item ``pass``, ``na`` or
``waived``) and no rectification is still open.

Rectification: open → rectified → verified (re-check passed), or rectified → open (re-check failed,
a reason is required).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from irpatrol.errors import Conflict, InputError


class ItemResult(StrEnum):
    """The state of one checklist item at one pole (or for the project)."""

    PENDING = "pending"
    PASS = "pass"
    FAIL = "fail"
    NA = "na"
    WAIVED = "waived"


DONE: frozenset[ItemResult] = frozenset({ItemResult.PASS, ItemResult.NA, ItemResult.WAIVED})
"""Results that let a project be accepted."""
OPEN_RESULTS: frozenset[ItemResult] = frozenset({ItemResult.PENDING, ItemResult.FAIL})
"""Results that keep a project open (counted as open acceptance items on the dashboard)."""
MARKABLE: frozenset[ItemResult] = frozenset({ItemResult.PASS, ItemResult.FAIL, ItemResult.NA})
"""Results an inspector may give; ``waived`` needs the waiving role and a reason."""


class RectificationStatus(StrEnum):
    """Where the rectification of a failed item is."""

    OPEN = "open"
    RECTIFIED = "rectified"
    VERIFIED = "verified"


RECTIFICATION_TRANSITIONS: Mapping[RectificationStatus, frozenset[RectificationStatus]] = {
    RectificationStatus.OPEN: frozenset({RectificationStatus.RECTIFIED}),
    RectificationStatus.RECTIFIED: frozenset({RectificationStatus.VERIFIED, RectificationStatus.OPEN}),
    RectificationStatus.VERIFIED: frozenset(),
}
"""Allowed rectification status changes: from → {to} (``rectified → open`` is a failed re-check)."""
RECTIFICATION_REASON_REQUIRED = frozenset({RectificationStatus.OPEN})
"""Targets that need a reason (why the re-check failed)."""


def parse_result(value: str) -> ItemResult:
    """The ItemResult named ``value`` (``n/a`` and ``not applicable`` mean ``na``); InputError otherwise."""
    key = value.strip().lower().replace("/", "").replace("not applicable", "na")
    try:
        return ItemResult(key)
    except ValueError:
        raise InputError(f"unknown item result {value!r}; one of {', '.join(ItemResult)}") from None


def check_mark(
    current: str, target: str, *, reason: str | None = None, may_waive: bool = False
) -> ItemResult:
    """The new result when an item marked ``current`` may become ``target``.

    An inspector may mark a pending or failed item pass/fail/na and re-mark a passed or n.a. item;
    ``waived`` needs ``may_waive`` and a reason. Conflict for a waived item (final) or a refused move,
    InputError for a missing reason."""
    cur, to = parse_result(current), parse_result(target)
    if cur is ItemResult.WAIVED:
        raise Conflict("a waived item is final")
    if to is ItemResult.PENDING:
        raise Conflict("an item cannot be set back to pending")
    if to is ItemResult.WAIVED:
        if not may_waive:
            from irpatrol.errors import PermissionDenied

            raise PermissionDenied("only a reviewer or approver may waive an item")
        if not (reason and reason.strip()):
            raise InputError("a reason is required to waive an item")
    return to


def check_rectification(current: str, target: str, *, reason: str | None = None) -> RectificationStatus:
    """The target status when a rectification may move; Conflict / InputError otherwise."""
    try:
        cur, to = RectificationStatus(current), RectificationStatus(target.strip().lower())
    except ValueError:
        raise InputError(
            f"unknown rectification status {target!r}; one of {', '.join(RectificationStatus)}"
        ) from None
    if to not in RECTIFICATION_TRANSITIONS[cur]:
        nexts = ", ".join(sorted(RECTIFICATION_TRANSITIONS[cur])) or "none (closed)"
        raise Conflict(f"a {cur} rectification cannot become {to}; allowed: {nexts}")
    if to in RECTIFICATION_REASON_REQUIRED and not (reason and reason.strip()):
        raise InputError(f"a reason is required to make a rectification {to}")
    return to


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a project can be accepted and what is still in the way."""

    accepted: bool
    pending: int
    failed: int
    open_rectifications: int

    @property
    def blocking(self) -> int:
        """Items and rectifications still in the way."""
        return self.pending + self.failed + self.open_rectifications


def decide(results: Iterable[str], rectification_statuses: Iterable[str] = ()) -> Decision:
    """The acceptance decision over the results of every item of a project and the statuses of its
    rectifications: accepted when at least one item exists, none is pending or failed and every
    rectification is verified."""
    rs = [parse_result(r) for r in results]
    pending = sum(r is ItemResult.PENDING for r in rs)
    failed = sum(r is ItemResult.FAIL for r in rs)
    open_rect = sum(
        RectificationStatus(s) is not RectificationStatus.VERIFIED for s in rectification_statuses
    )
    return Decision(bool(rs) and pending == failed == open_rect == 0, pending, failed, open_rect)


def remeasure_result(grade: str) -> ItemResult:
    """The result of the re-measurement of a repaired infrared defect: ``pass`` only when the new
    reading grades ``none`` under DL/T 664-2016 §9 (or is normal under another rule set),
    otherwise ``fail`` (the analyst may then waive it with a reason)."""
    return ItemResult.PASS if grade in ("none", "normal", "ok") else ItemResult.FAIL
