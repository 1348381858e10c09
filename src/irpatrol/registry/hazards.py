"""Corridor hazards: manual records with GPS and photos, graded by clearance, through their workflow.

Grade of a clearance hazard (vegetation, building, crossing) from the measured clearance ``c``
and the required distance ``r`` (m; for 10 kV e.g. 1.5 m vertical / 2.0 m horizontal to street
trees, shared/domain/standards.md §4.6):

* ``c < 0.7 m``  → critical: inside the 10 kV safety distance, contact or arcing risk (standards.md §4.6);
* ``c < r``      → serious: inside the required distance, trim within the cycle (standards.md §4.6);
* ``c < 1.2 r``  → general: within 20 % of the limit, growth may take it inside by the next
  trimming cycle (a project convention);
* otherwise      → none (recorded, no action).

Pass ``grade=`` to record a grade decided on site instead.

Photos of hazards (and of defects) are attached by :func:`irpatrol.registry.photos.attach_photo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry import grades, workflow
from irpatrol.registry.audit import record
from irpatrol.registry.listing import PageRequest, Sorting, search_page
from irpatrol.registry.model import Hazard, Pole

KINDS = ("vegetation", "building", "foreign_object", "crossing", "construction", "other")
"""Kinds of corridor hazard."""
SAFETY_DISTANCE_M = 0.7
"""10 kV safety distance (m): a smaller clearance is critical (standards.md §4.6)."""
MARGIN_FACTOR = 1.2
"""Clearance below this multiple of the required distance is general (project convention)."""


def clearance_grade(clearance_m: float, required_m: float) -> str:
    """Grade of a measured clearance against the required distance (m); see module doc."""
    if clearance_m < 0 or required_m <= 0:
        raise InputError(
            f"clearance must be ≥ 0 m and required distance > 0 m, got {clearance_m} and {required_m}"
        )
    if clearance_m < SAFETY_DISTANCE_M:
        return "critical"
    if clearance_m < required_m:
        return "serious"
    if clearance_m < MARGIN_FACTOR * required_m:
        return "general"
    return "none"


def add_hazard(
    session: Session,
    *,
    kind: str,
    lat: float | None = None,
    lon: float | None = None,
    pole_id: int | None = None,
    clearance_m: float | None = None,
    required_m: float | None = None,
    grade: str | None = None,
    description: str | None = None,
    observed_at: datetime | None = None,
    user: str | None = None,
) -> Hazard:
    """Record a hazard (status ``open``). The grade comes from the clearance when both distances are
    given, else ``grade`` must be given. Position: ``lat``/``lon`` or the pole's. Photos are
    attached afterwards with :func:`irpatrol.registry.photos.attach_photo`."""
    if kind not in KINDS:
        raise InputError(f"hazard kind {kind!r}: one of {', '.join(KINDS)}")
    pole = None
    if pole_id is not None:
        pole = session.get(Pole, pole_id)
        if pole is None:
            raise NotFound(f"no pole #{pole_id}")
    if lat is None or lon is None:
        if pole is None:
            raise InputError("a hazard needs a position: lat and lon, or a pole")
        lat, lon = pole.lat, pole.lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"position {lat}, {lon} is not a WGS-84 latitude/longitude")
    if clearance_m is not None and required_m is not None:
        computed = clearance_grade(clearance_m, required_m)
        grade = grade or computed
    if grade is None:
        raise InputError("give the clearance and required distance (m), or a grade")
    if not grades.ruleset(None).has_grade(grade):
        raise InputError(f"grade {grade!r}: one of {', '.join(g.id for g in grades.scale(None))}")
    hazard = Hazard(
        kind=kind,
        grade=grade,
        status=workflow.HazardStatus.OPEN.value,
        pole_id=pole_id,
        feeder_id=pole.feeder_id if pole else None,
        lat=lat,
        lon=lon,
        clearance_m=clearance_m,
        required_m=required_m,
        description=description,
        observed_at=observed_at or utcnow(),
        reported_by=user,
    )
    session.add(hazard)
    session.flush()
    record(session, user, "create", "hazard", hazard.id, {"kind": kind, "grade": grade})
    session.flush()
    return hazard


def transition(
    session: Session,
    hazard_id: int,
    to_status: str,
    *,
    user: str | None = None,
    reason: str | None = None,
    comment: str | None = None,
) -> Hazard:
    """Move a hazard through :data:`workflow.HAZARD_TRANSITIONS` (Conflict / InputError as defects)."""
    hazard = get_hazard(session, hazard_id)
    current = hazard.status
    target = workflow.check_hazard_transition(current, to_status, reason=reason)
    hazard.status = target.value
    hazard.closed_at = utcnow() if target in workflow.HAZARD_CLOSED else None
    if reason:
        hazard.reason = reason
    record(
        session,
        user,
        "transition",
        "hazard",
        hazard.id,
        {"from": current, "to": target.value, "reason": reason, "comment": comment},
    )
    session.flush()
    return hazard


def get_hazard(session: Session, hazard_id: int) -> Hazard:
    """The hazard with its photos; NotFound otherwise."""
    hazard = session.get(Hazard, hazard_id, options=[selectinload(Hazard.photos)])
    if hazard is None:
        raise NotFound(f"no hazard #{hazard_id}")
    return hazard


def list_hazards(
    session: Session,
    filters: Mapping[str, Any] | None = None,
    page: int = 1,
    per_page: int = 50,
    sort: str | None = None,
) -> tuple[list[Hazard], int]:
    """Hazards matching ``filters`` (status, kind, grade, feeder_id, pole_id, open_only), worst first
    (``sort``: ``-grade``, the default, or ``grade``), one page of them and how many match."""
    f = dict(filters or {})
    unknown = set(f) - {"status", "kind", "grade", "feeder_id", "pole_id", "open_only"}
    if unknown:
        raise InputError(f"unknown hazard filter(s): {', '.join(sorted(unknown))}")
    conds = []
    for key in ("status", "kind", "grade"):
        v = f.get(key)
        if v:
            conds.append(getattr(Hazard, key).in_([v] if isinstance(v, str) else list(v)))
    for key in ("feeder_id", "pole_id"):
        if f.get(key) is not None:
            conds.append(getattr(Hazard, key) == f[key])
    if f.get("open_only"):
        conds.append(Hazard.status.not_in([s.value for s in workflow.HAZARD_CLOSED]))
    request = PageRequest(page=page, per_page=per_page, sort=sort)
    found = search_page(session, select(Hazard).where(*conds), request, _sorting(),
                        count=select(func.count(Hazard.id)).where(*conds))
    return found.items, found.total


def _sorting() -> Sorting:
    """Hazards sort worst grade first (the rule set's severity), then by id."""
    rank = case({g.id: g.severity for g in grades.scale(None)}, value=Hazard.grade, else_=1)
    return Sorting(columns={"grade": rank}, default="-grade", tiebreak=Hazard.id, single=True)


def summary(h: Hazard) -> dict[str, Any]:
    """JSON-ready dict of a hazard."""
    return {
        "id": h.id,
        "kind": h.kind,
        "grade": h.grade,
        "status": h.status,
        "pole_id": h.pole_id,
        "feeder_id": h.feeder_id,
        "lat": h.lat,
        "lon": h.lon,
        "clearance_m": h.clearance_m,
        "required_m": h.required_m,
        "description": h.description,
        "observed_at": h.observed_at.isoformat() if h.observed_at else None,
        "reported_by": h.reported_by,
        "reason": h.reason,
    }
