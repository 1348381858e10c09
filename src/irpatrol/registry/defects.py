"""Defect services: open or join a defect from a finding, move it through the workflow, list it.

Deadlines by grade follow the distribution O&M rules (Q/GDW 1519-2014, as summarised in
shared/domain/standards.md §4.4): a critical (危急) defect is eliminated or controlled within 24 h,
a serious (严重) one within 30 days, a general (一般) one with the next maintenance plan (here: by
the next half-yearly inspection cycle, 180 days). The figures are a :class:`DeadlinePolicy`, built
from the settings (``Settings.deadline_critical_h``, ``deadline_serious_days``,
``deadline_general_days``; environment ``IRPATROL_DEADLINE_CRITICAL_H``,
``IRPATROL_DEADLINE_SERIOUS_DAYS`` or ``…_SERIOUS_D``, ``IRPATROL_DEADLINE_GENERAL_DAYS`` or
``…_GENERAL_D``) and can be changed per call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry import grades, precision, workflow
from irpatrol.registry.audit import record
from irpatrol.registry.model import Defect, DefectEvent, Feeder, Finding, Image, Pole
from irpatrol.registry.workflow import DefectStatus

if TYPE_CHECKING:
    from irpatrol.config import Settings


@dataclass(frozen=True)
class DeadlinePolicy:
    """Time allowed to repair a defect of each grade (Q/GDW 1519-2014; see module doc)."""

    critical: timedelta = timedelta(hours=24)
    serious: timedelta = timedelta(days=30)
    general: timedelta = timedelta(days=180)

    @classmethod
    def from_settings(cls, settings: Settings) -> DeadlinePolicy:
        """The policy of ``settings`` (``deadline_critical_h`` hours, ``deadline_serious_days`` and
        ``deadline_general_days`` days)."""
        return cls(
            critical=timedelta(hours=settings.deadline_critical_h),
            serious=timedelta(days=settings.deadline_serious_days),
            general=timedelta(days=settings.deadline_general_days),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DeadlinePolicy:
        """The policy of the settings read from the environment (``os.environ`` or ``env``): the
        defaults with any ``IRPATROL_DEADLINE_*`` overrides. InputError for a value that is not a
        positive number."""
        import pydantic

        from irpatrol.config import Settings

        try:
            if env is None:
                return cls.from_settings(Settings())
            own = {k.upper(): v for k, v in env.items() if k.upper().startswith("IRPATROL_DEADLINE_")}
            values = {
                "deadline_critical_h": own.get("IRPATROL_DEADLINE_CRITICAL_H"),
                "deadline_serious_days": own.get("IRPATROL_DEADLINE_SERIOUS_DAYS")
                or own.get("IRPATROL_DEADLINE_SERIOUS_D"),
                "deadline_general_days": own.get("IRPATROL_DEADLINE_GENERAL_DAYS")
                or own.get("IRPATROL_DEADLINE_GENERAL_D"),
            }
            fields = Settings.model_fields  # unset keys take the defaults, not os.environ's values
            given: dict[str, Any] = {k: fields[k].default if v is None else v for k, v in values.items()}
            return cls.from_settings(Settings(**given))
        except pydantic.ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InputError(f"IRPATROL_DEADLINE_*: {problems}") from None

    def allowed(self, severity: int) -> timedelta | None:
        """The repair time of a severity tier (3 critical, 2 serious, 1 general); None below 1."""
        return {3: self.critical, 2: self.serious, 1: self.general}.get(min(severity, 3))

    def deadline(self, grade: str, found_at: datetime, standard: str | None = None) -> datetime | None:
        """When a defect of ``grade`` (in rule set ``standard``, default DL/T 664-2016) found at
        ``found_at`` must be repaired: the grade's own ``deadline_h`` when its rule set gives one,
        else the tier of its severity; None for a grade that is no defect."""
        scale = grades.grade_of(standard, grade)
        if not scale.defect:
            return None
        if scale.deadline_h is not None:
            return found_at + timedelta(hours=scale.deadline_h)
        allowed = self.allowed(scale.severity)
        return None if allowed is None else found_at + allowed


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


def _event(session: Session, defect: Defect, event: str, **kw: Any) -> DefectEvent:
    ev = DefectEvent(defect_id=defect.id, event=event, **kw)
    session.add(ev)
    return ev


def open_defect(
    session: Session,
    *,
    grade: str,
    pole_id: int | None,
    component_id: int | None = None,
    kind: str = "thermal",
    found_at: datetime | None = None,
    description: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    user: str | None = None,
    policy: DeadlinePolicy | None = None,
    standard: str | None = None,
) -> Defect:
    """A new defect in status ``new`` with its deadline; writes a DefectEvent and an AuditLog row.
    ``grade`` belongs to rule set ``standard`` (default DL/T 664-2016) and must be a defect grade."""
    if kind not in ("thermal", "structural", "other"):
        raise InputError(f"defect kind must be thermal, structural or other, got {kind!r}")
    if not grades.is_defect(standard, grade):
        raise InputError(f"a defect needs a defect grade, got {grade!r}")
    found = _aware(found_at or utcnow())
    defect = Defect(
        kind=kind,
        grade=grade,
        standard=standard,
        severity=grades.severity(standard, grade),
        status=DefectStatus.NEW.value,
        pole_id=pole_id,
        component_id=component_id,
        found_at=found,
        deadline=(policy or DeadlinePolicy.from_env()).deadline(grade, found, standard),
        description=description,
        lat=lat,
        lon=lon,
        created_by=user,
    )
    session.add(defect)
    session.flush()
    _event(
        session,
        defect,
        "status",
        at=found,
        from_status=None,
        to_status="new",
        username=user,
        comment=description,
    )
    record(session, user, "create", "defect", defect.id, {"grade": grade, "kind": kind, "pole_id": pole_id})
    return defect


def attach_finding(
    session: Session,
    defect: Defect,
    finding: Finding,
    *,
    at: datetime | None = None,
    policy: DeadlinePolicy | None = None,
) -> None:
    """Join ``finding`` to ``defect`` (history/trend). A worse grade raises the defect's grade and
    brings its deadline forward; a ``repaired`` defect found hot again is reopened."""
    at = _aware(at or utcnow())
    finding.defect_id = defect.id
    _event(
        session,
        defect,
        "finding",
        at=at,
        finding_id=finding.id,
        t_max_c=finding.t_max_c,
        delta_t_k=finding.delta_t_k,
        comment=f"grade {finding.grade}",
    )
    defect.last_t_max_c = finding.t_max_c
    defect.last_delta_t_k = finding.delta_t_k
    if grades.severity(finding.standard, finding.grade) > grades.severity(defect.standard, defect.grade):
        old = defect.grade
        defect.grade, defect.standard = finding.grade, finding.standard
        defect.severity = grades.severity(finding.standard, finding.grade)
        new_deadline = (policy or DeadlinePolicy.from_env()).deadline(finding.grade, at, finding.standard)
        if new_deadline and (defect.deadline is None or new_deadline < _aware(defect.deadline)):
            defect.deadline = new_deadline
        record(session, None, "regrade", "defect", defect.id, {"from": old, "to": finding.grade})
    if defect.status == DefectStatus.REPAIRED:
        transition(
            session,
            defect.id,
            DefectStatus.REOPENED,
            user=None,
            reason=f"finding #{finding.id} graded {finding.grade} after the repair",
            at=at,
        )


def register_finding(
    session: Session,
    finding: Finding,
    *,
    found_at: datetime | None = None,
    description: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    policy: DeadlinePolicy | None = None,
    user: str | None = None,
) -> str:
    """Tie a graded finding to a defect: join the open defect of its pole and component, or open a
    new one (created by ``user``: None for the automatic analysis). Returns ``"joined"`` or
    ``"opened"``. The finding must have a pole and a component."""
    if finding.pole_id is None or finding.component_id is None:
        raise InputError(f"finding #{finding.id} has no pole and component to tie a defect to")
    defect = session.scalar(
        select(Defect)
        .where(
            Defect.pole_id == finding.pole_id,
            Defect.component_id == finding.component_id,
            Defect.status.in_([s.value for s in workflow.OPEN]),
        )
        .order_by(Defect.id.desc())
    )
    outcome = "joined"
    if defect is None:
        defect = open_defect(
            session,
            grade=finding.grade,
            pole_id=finding.pole_id,
            component_id=finding.component_id,
            found_at=found_at,
            description=description,
            lat=lat,
            lon=lon,
            policy=policy,
            standard=finding.standard,
            user=user,
        )
        outcome = "opened"
    attach_finding(session, defect, finding, at=found_at, policy=policy)
    return outcome


def transition(
    session: Session,
    defect_id: int,
    to_status: str,
    *,
    user: str | None = None,
    comment: str | None = None,
    reason: str | None = None,
    at: datetime | None = None,
    verdict: str | None = None,
) -> Defect:
    """Move a defect to ``to_status`` if :data:`workflow.TRANSITIONS` allows it (Conflict if not;
    InputError when a required reason is missing). Writes a DefectEvent and an AuditLog row.

    ``verdict`` (see :mod:`irpatrol.registry.precision`): confirming records ``real`` on the
    defect's undecided automatic findings; rejecting a defect that has such findings needs one of
    the rejection verdicts, which also serves as the reason when none is typed."""
    defect = session.get(Defect, defect_id)
    if defect is None:
        raise NotFound(f"no defect #{defect_id}")
    current = defect.status
    verdict = precision.parse_verdict(verdict)
    if verdict is not None and not (reason and reason.strip()):
        reason = verdict
    target = workflow.check_transition(current, to_status, reason=reason)
    if target == DefectStatus.CONFIRMED:
        if verdict not in (None, precision.REAL):
            raise InputError(f"a confirmed defect's verdict is {precision.REAL!r}, not {verdict!r}")
        verdict = precision.REAL
    elif target == DefectStatus.REJECTED:
        if verdict == precision.REAL:
            raise InputError(f"a rejection's verdict is one of {', '.join(precision.REJECT_VERDICTS)}")
        if verdict is None and precision.undecided(session, defect):
            choices = ", ".join(precision.REJECT_VERDICTS)
            raise InputError(f"rejecting an automatic finding needs a verdict: one of {choices}")
    elif verdict is not None:
        raise InputError("a verdict is given only when confirming or rejecting a defect")
    at = _aware(at or utcnow())
    defect.status = target.value
    if target == DefectStatus.REPAIRED:
        defect.repaired_at = at
    elif target == DefectStatus.VERIFIED:
        defect.verified_at = at
    elif target == DefectStatus.REOPENED:
        defect.repaired_at = None
    _event(
        session,
        defect,
        "status",
        at=at,
        from_status=current,
        to_status=target.value,
        username=user,
        comment=comment,
        reason=reason,
    )
    record(
        session,
        user,
        "transition",
        "defect",
        defect.id,
        {"from": current, "to": target.value, "comment": comment, "reason": reason},
    )
    if verdict is not None:
        precision.record_verdict(session, defect, verdict, user=user)
    session.flush()
    return defect


def add_note(session: Session, defect_id: int, text: str, *, user: str | None = None) -> DefectEvent:
    """Add a note to a defect's timeline."""
    defect = get_defect(session, defect_id)
    if not text.strip():
        raise InputError("a note needs text")
    ev = _event(session, defect, "note", username=user, comment=text)
    record(session, user, "note", "defect", defect.id, {"text": text})
    session.flush()
    return ev


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

SORTS = ("id", "deadline", "grade", "status", "found_at", "pole")
"""Sort keys of :func:`list_defects`; prefix ``-`` for descending."""


@dataclass(frozen=True)
class DefectPage:
    """One page of defects (``items`` with pole and feeder loaded) and the total matching."""

    items: list[Defect]
    total: int
    page: int
    per_page: int
    filters: DefectFilters = field(default_factory=DefectFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


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


def _order(sort: str) -> list[Any]:
    desc = sort.startswith("-")
    key = sort.lstrip("-+")
    if key not in SORTS:
        raise InputError(f"unknown sort {sort!r}; one of {', '.join(SORTS)} (prefix - for descending)")
    col: Any
    if key == "grade":
        col = Defect.severity
    elif key == "pole":
        col = Defect.pole_id
    else:
        col = getattr(Defect, key)
    primary = col.desc() if desc else col.asc()
    if key == "deadline":
        primary = primary.nulls_last()
    return [primary, Defect.id.desc() if desc else Defect.id.asc()]


MAX_PER_PAGE = 500


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
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"page must be ≥ 1 and per_page 1…{MAX_PER_PAGE}")
    now = utcnow()
    total = session.scalar(_filtered(select(func.count(Defect.id)), f, now)) or 0
    loads = [selectinload(Defect.pole).selectinload(Pole.feeder), selectinload(Defect.component)]
    if with_history:
        loads = [
            selectinload(Defect.pole).selectinload(Pole.feeder).selectinload(Feeder.area),
            selectinload(Defect.component),
            selectinload(Defect.findings).selectinload(Finding.image).selectinload(Image.patrol),
            selectinload(Defect.events),
        ]
    stmt = (
        _filtered(select(Defect), f, now)
        .options(*loads)
        .order_by(*_order(sort))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return DefectPage(
        items=list(session.scalars(stmt)), total=int(total), page=page, per_page=per_page, filters=f
    )


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
