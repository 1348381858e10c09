"""The violation register's statistics (pure): counts per crew, contractor and type, and how many
are still open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from irpatrol.supervision.workflow import OPEN, parse_status


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One violation as the register counts it."""

    type: str
    status: str
    crew: str
    contractor: str


@dataclass(frozen=True, slots=True)
class RegisterStats:
    """Totals of the register."""

    total: int
    open: int
    by_crew: dict[str, int] = field(default_factory=dict)
    by_contractor: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


def _sorted(c: Counter[str]) -> dict[str, int]:
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def statistics(rows: Iterable[RegisterRow]) -> RegisterStats:
    """Counts per crew, contractor, type and status (most first, then by name)."""
    rs = list(rows)
    return RegisterStats(
        total=len(rs),
        open=sum(parse_status(r.status) in OPEN for r in rs),
        by_crew=_sorted(Counter(r.crew or "—" for r in rs)),
        by_contractor=_sorted(Counter(r.contractor or "—" for r in rs)),
        by_type=_sorted(Counter(r.type for r in rs)),
        by_status=_sorted(Counter(r.status for r in rs)),
    )
