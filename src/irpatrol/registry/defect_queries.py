"""Defects on the read side: one defect with its history, the ledger's filtered and sorted pages
(through the one paging helper, :mod:`irpatrol.registry.listing`), overdue defects, and the
JSON-ready summaries the API, CLI and reports share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry import grades, workflow
from irpatrol.registry.listing import MAX_PER_PAGE, PageRequest, ResultPage, Sorting, search_page
from irpatrol.registry.model import Defect, Feeder, Finding, Image, Pole
from irpatrol.registry.workflow import DefectStatus

__all__ = [
    "MAX_PER_PAGE",
    "OVERDUE_EXEMPT",
    "SORTS",
    "DefectFilters",
    "DefectPage",
    "detail",
    "get_defect",
    "list_defects",
    "overdue",
    "overdue_clause",
    "summary",
]


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def get_defect(session: Session, defect_id: int) -> Defect:
    """The defect with its pole, findings, events and photos; NotFound otherwise."""
    defect = session.get(
        Defect,
        defect_id,
        options=[selectinload(Defect.findings), selectinload(Defect.events), selectinload(Defect.photos)],
    )
    if defect is None:
        raise NotFound(f"no defect #{defect_id}")
    return defect



@dataclass(frozen=True)
class DefectFilters:
    """What to list. Every field is optional; ``status``/``grade`` accept several values."""

    status: Sequence[str] = ()
    grade: Sequence[str] = ()
    kind: Sequence[str] = ()
    pole_id: int | None = None
    feeder_id: int | None = None
    feeder: str | None = None
    area_id: int | None = None
    overdue: bool | None = None
    open_only: bool = False
    found_from: datetime | None = None
    found_to: datetime | None = None
    min_severity: int | None = None
    """Only defects whose grade has at least this severity (0–3, in any rule set; 3: critical)."""

    @classmethod
    def of(cls, value: DefectFilters | Mapping[str, Any] | None) -> DefectFilters:
        """Accept an instance, a mapping (API query, CLI options; single values or lists) or None."""
        if value is None:
            return cls()
        if isinstance(value, DefectFilters):
            return value
        known = set(cls.__dataclass_fields__)
        unknown = set(value) - known
        if unknown:
            raise InputError(f"unknown defect filter(s): {', '.join(sorted(unknown))}")
        kw: dict[str, Any] = {}
        for k, v in value.items():
            if v is None:
                continue
            if k in ("status", "grade", "kind"):
                kw[k] = tuple([v] if isinstance(v, str) else v)
            else:
                kw[k] = v
        return cls(**kw)


OVERDUE_EXEMPT = (DefectStatus.REPAIRED.value, DefectStatus.VERIFIED.value, DefectStatus.REJECTED.value)
"""Statuses in which a passed deadline does not make a defect overdue (the work is done)."""


@dataclass(frozen=True)
class DefectPage(ResultPage[Defect]):
    """One page of defects (``items`` with pole and feeder loaded), the total matching and the
    filters that chose them."""

    filters: DefectFilters = field(default_factory=DefectFilters)


def overdue_clause(now: datetime | None = None) -> Any:
    """SQL condition: the deadline has passed and the repair is not done."""
    now = now or utcnow()
    return (Defect.deadline < now) & Defect.status.not_in(OVERDUE_EXEMPT)


def _filtered(stmt: Select[Any], f: DefectFilters, now: datetime | None = None) -> Select[Any]:
    for value in f.status:
        workflow.parse_status(value)
    if f.status:
        stmt = stmt.where(Defect.status.in_([workflow.parse_status(s).value for s in f.status]))
    if f.open_only:
        stmt = stmt.where(Defect.status.in_([s.value for s in workflow.OPEN]))
    if f.grade:
        stmt = stmt.where(Defect.grade.in_(list(f.grade)))
    if f.kind:
        stmt = stmt.where(Defect.kind.in_(list(f.kind)))
    if f.min_severity is not None:
        stmt = stmt.where(Defect.severity >= int(f.min_severity))
    if f.pole_id is not None:
        stmt = stmt.where(Defect.pole_id == f.pole_id)
    if f.feeder_id is not None or f.feeder is not None or f.area_id is not None:
        poles = select(Pole.id).join(Feeder, Feeder.id == Pole.feeder_id)
        if f.feeder_id is not None:
            poles = poles.where(Feeder.id == f.feeder_id)
        if f.feeder is not None:
            poles = poles.where(Feeder.name == f.feeder)
        if f.area_id is not None:
            poles = poles.where(Feeder.area_id == f.area_id)
        stmt = stmt.where(Defect.pole_id.in_(poles))
    if f.overdue is True:
        stmt = stmt.where(overdue_clause(now))
    elif f.overdue is False:
        stmt = stmt.where(~overdue_clause(now) | Defect.deadline.is_(None))
    if f.found_from is not None:
        stmt = stmt.where(Defect.found_at >= f.found_from)
    if f.found_to is not None:
        stmt = stmt.where(Defect.found_at < f.found_to)
    return stmt


SORTING = Sorting(
    columns={
        "id": Defect.id,
        "deadline": Defect.deadline,
        "grade": Defect.severity,
        "status": Defect.status,
        "found_at": Defect.found_at,
        "pole": Defect.pole_id,
    },
    default="deadline",
    nulls_last=("deadline",),
    tiebreak=Defect.id,
    tiebreak_follows=True,
    single=True,
)
"""The ledger's sort keys: a grade sorts by its rule set's severity."""

SORTS = tuple(SORTING.columns)
"""Sort keys of :func:`list_defects`; prefix ``-`` for descending."""


def list_defects(
    session: Session,
    filters: DefectFilters | Mapping[str, Any] | None = None,
    sort: str = "deadline",
    page: int = 1,
    per_page: int = 50,
    *,
    with_history: bool = False,
) -> DefectPage:
    """A page of defects matching ``filters``, sorted by ``sort`` (see SORTS), pages from 1.

    ``with_history``: also load each defect's findings (with their image and patrol), events and
    feeder area in a fixed number of queries, for callers that build ledger rows
    (:func:`irpatrol.reports.ledger.to_row`) — without it each row lazy-loads them one by one."""
    f = DefectFilters.of(filters)
    request = PageRequest(page=page, per_page=per_page, sort=sort)
    now = utcnow()
    loads = [selectinload(Defect.pole).selectinload(Pole.feeder), selectinload(Defect.component)]
    if with_history:
        loads = [
            selectinload(Defect.pole).selectinload(Pole.feeder).selectinload(Feeder.area),
            selectinload(Defect.component),
            selectinload(Defect.findings).selectinload(Finding.image).selectinload(Image.patrol),
            selectinload(Defect.events),
        ]
    stmt = _filtered(select(Defect), f, now).options(*loads)
    count = _filtered(select(func.count(Defect.id)), f, now)
    found = search_page(session, stmt, request, SORTING, count=count)
    return DefectPage(items=found.items, total=found.total, page=page, per_page=per_page, filters=f)


def overdue(session: Session, now: datetime | None = None) -> list[Defect]:
    """Defects whose deadline has passed without a repair, most overdue first."""
    stmt = select(Defect).where(overdue_clause(now)).order_by(Defect.deadline, Defect.id)
    return list(session.scalars(stmt))


def summary(defect: Defect, now: datetime | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a defect for lists (pole number and feeder name included)."""
    now = now or utcnow()
    deadline = _aware(defect.deadline) if defect.deadline else None
    pole = defect.pole
    return {
        "id": defect.id,
        "kind": defect.kind,
        "grade": defect.grade,
        "severity": defect.severity,
        "standard": defect.standard or grades.DEFAULT_STANDARD,
        "status": defect.status,
        "pole_id": defect.pole_id,
        "pole": pole.number if pole else None,
        "feeder": pole.feeder.name if pole else None,
        "component": (
            {"kind": defect.component.kind, "phase": defect.component.phase} if defect.component else None
        ),
        "found_at": _aware(defect.found_at).isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "overdue": bool(deadline and deadline < now and defect.status not in OVERDUE_EXEMPT),
        "last_t_max_c": defect.last_t_max_c,
        "last_delta_t_k": defect.last_delta_t_k,
        "description": defect.description,
    }


def detail(session: Session, defect_id: int) -> dict[str, Any]:
    """A defect with its timeline (events), findings (temperature history) and photos."""
    defect = get_defect(session, defect_id)
    out = summary(defect)
    out["events"] = [
        {
            "at": _aware(e.at).isoformat(),
            "event": e.event,
            "from": e.from_status,
            "to": e.to_status,
            "user": e.username,
            "comment": e.comment,
            "reason": e.reason,
            "finding_id": e.finding_id,
            "t_max_c": e.t_max_c,
            "delta_t_k": e.delta_t_k,
        }
        for e in defect.events
    ]
    out["findings"] = [
        {
            "id": f.id,
            "image_id": f.image_id,
            "grade": f.grade,
            "severity": f.severity,
            "t_max_c": f.t_max_c,
            "delta_t_k": f.delta_t_k,
            "rule": f.rule,
            "clause": f.clause,
            "origin": f.origin,
            "verdict": f.verdict,
        }
        for f in defect.findings
    ]
    out["photos"] = [{"id": p.id, "path": p.path, "caption": p.caption} for p in defect.photos]
    out["allowed"] = sorted(workflow.TRANSITIONS[workflow.parse_status(defect.status)])
    return out
