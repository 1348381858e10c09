"""Defect services: open or join a defect from a finding, move it through the workflow. The read
side (filters, pages, summaries) is :mod:`irpatrol.registry.defect_queries`, re-exported here.

Deadlines by grade follow the distribution O&M rules (Q/GDW 1519-2014, as summarised in
shared/domain/standards.md §4.4): a critical (危急) defect is eliminated or controlled within 24 h,
a serious (严重) one within 30 days, a general (一般) one with the next maintenance plan (here: by
the next half-yearly inspection cycle, 180 days). The figures are a :class:`DeadlinePolicy`, built
from the settings (``Settings.deadline_critical_h``, ``deadline_serious_days``,
``deadline_general_days``; environment ``IRPATROL_DEADLINE_CRITICAL_H``,
``IRPATROL_DEADLINE_SERIOUS_DAYS`` or ``…_SERIOUS_D``, ``IRPATROL_DEADLINE_GENERAL_DAYS`` or
``…_GENERAL_D``). The edges build it from the settings they were given and pass it down; no
service here reads the environment, and a call without a policy takes the defaults above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry import grades, precision, workflow
from irpatrol.registry.audit import record
from irpatrol.registry.defect_queries import (
    MAX_PER_PAGE,
    OVERDUE_EXEMPT,
    SORTS,
    DefectFilters,
    DefectPage,
    detail,
    get_defect,
    list_defects,
    overdue,
    overdue_clause,
    summary,
)
from irpatrol.registry.model import Defect, DefectEvent, Finding
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


DEFAULT_POLICY = DeadlinePolicy()
"""The deadlines of a call that passes no policy (Q/GDW 1519-2014 figures; see module doc)."""

__all__ = [
    "DEFAULT_POLICY",
    "MAX_PER_PAGE",
    "OVERDUE_EXEMPT",
    "SORTS",
    "DeadlinePolicy",
    "DefectFilters",
    "DefectPage",
    "add_note",
    "attach_finding",
    "detail",
    "get_defect",
    "list_defects",
    "open_defect",
    "overdue",
    "overdue_clause",
    "register_finding",
    "summary",
    "taken_after",
    "transition",
]


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


CLOCK_LEAD = timedelta(minutes=10)
"""Largest lead of an image's capture time over the time it was stored that is still read as a
camera clock set a little fast (s): a later capture time is a clock set wrong (a future date, or
local time written without its offset and read as UTC, hours ahead), and such an image cannot show
that it was taken after a repair. Project choice."""


def taken_after(captured_at: datetime | None, stored_at: datetime | None, since: datetime | None) -> bool:
    """Whether an image captured at ``captured_at`` and stored at ``stored_at`` (now when not yet
    stored) was taken after ``since`` (a repair): its capture time is known, later than ``since``, and
    not ahead of its storing by more than :data:`CLOCK_LEAD`. The one rule for the evidence that
    verifies a repair, by a later patrol (ingest) or on an analyst's request."""
    if captured_at is None or since is None:
        return False
    captured = _aware(captured_at)
    stored = _aware(stored_at) if stored_at is not None else datetime.now(UTC)
    return _aware(since) < captured <= stored + CLOCK_LEAD


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
        deadline=(policy or DEFAULT_POLICY).deadline(grade, found, standard),
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
        new_deadline = (policy or DEFAULT_POLICY).deadline(finding.grade, at, finding.standard)
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


def _checked_verdict(
    session: Session, defect: Defect, target: DefectStatus, verdict: str | None
) -> str | None:
    """The verdict a move to ``target`` records: ``real`` on confirming, a rejection verdict on
    rejecting (required when the defect has undecided automatic findings), none otherwise."""
    if target == DefectStatus.CONFIRMED:
        if verdict not in (None, precision.REAL):
            raise InputError(f"a confirmed defect's verdict is {precision.REAL!r}, not {verdict!r}")
        return precision.REAL
    if target == DefectStatus.REJECTED:
        if verdict == precision.REAL:
            raise InputError(f"a rejection's verdict is one of {', '.join(precision.REJECT_VERDICTS)}")
        if verdict is None and precision.undecided(session, defect):
            choices = ", ".join(precision.REJECT_VERDICTS)
            raise InputError(f"rejecting an automatic finding needs a verdict: one of {choices}")
        return verdict
    if verdict is not None:
        raise InputError("a verdict is given only when confirming or rejecting a defect")
    return None


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
    verdict = _checked_verdict(session, defect, target, verdict)
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


