"""Statistics for a period, area, feeder or crew, with the change against a year earlier.

Definitions (all within the selection):

* ``images`` / ``rejected``: images of patrols flown in the period (rejected = not readable);
* ``findings``: hotspots recorded in those images; ``poles_inspected``: distinct poles matched;
* ``km_flown``: sum of the patrols' GPS track lengths (km, see ``ingest.update_track``);
* ``coverage_pct``: poles inspected / poles of the selected feeders (all feeders if none) × 100;
* ``defects``: defects found in the period, by grade and by status;
* ``overdue``: defects whose deadline had passed at the end of the period (or now) unrepaired;
* ``mttr_days``: mean time from finding to repair of the defects repaired in the period (days);
* ``auto_precision``: the detector's precision as the analysts judged it, over the automatic
  findings of the selection's images (overall, by device kind, by patrol; see
  :mod:`irpatrol.registry.precision`).
* ``open_by_grade``: defects open now, found by the end of the period (or now), by grade;
* ``ageing``: those open defects by days since detection (:data:`AGE_BUCKETS`) and grade, the
  oldest, and how many are past their deadline;
* ``change_pct``: (current − previous) / previous × 100 for every number of ``change`` whose
  previous figure is not 0, from the unrounded figures;
* ``figures``: the texts of the shown figures (km, %, days), each rounded once from the stored
  value by :mod:`irpatrol.figures` — the dashboard, the CLI and the reports write the same text.

The selection is one :class:`StatsFilter`, built at the edge (dashboard query, CLI options, API
query) and passed down here; :mod:`irpatrol.registry.selection` defines it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from irpatrol import figures
from irpatrol.db import utcnow
from irpatrol.registry.defects import OVERDUE_EXEMPT
from irpatrol.registry.grades import defect_grades
from irpatrol.registry.model import Defect, Finding, Image, Patrol, Pole
from irpatrol.registry.precision import auto_precision
from irpatrol.registry.selection import MAX_YEAR as MAX_YEAR
from irpatrol.registry.selection import MIN_YEAR as MIN_YEAR
from irpatrol.registry.selection import Period as Period
from irpatrol.registry.selection import Scope as Scope
from irpatrol.registry.selection import StatsFilter as StatsFilter
from irpatrol.registry.selection import defect_condition as defect_condition
from irpatrol.registry.selection import image_condition
from irpatrol.registry.selection import parse_period as parse_period
from irpatrol.registry.selection import patrol_ids as patrol_ids
from irpatrol.registry.selection import resolve as resolve
from irpatrol.registry.workflow import OPEN

KEYS = ("images", "rejected", "findings", "defects", "poles_inspected", "km_flown", "coverage_pct")
"""Headline keys always present in :func:`compute` (the CLI's ``stats --json`` contract)."""


def _counts(session: Session, scope: Scope, period: Period | None) -> dict[str, Any]:
    """The unrounded figures of ``scope`` in ``period`` (None: all time): see the module doc. Keys
    in the order the JSON has always shown them."""
    figures_ = _image_counts(session, scope, period) | _defect_counts(session, scope, period)
    return {key: figures_[key] for key in _ORDER}


_ORDER = ("images", "rejected", "findings", "defects", "poles_inspected", "poles_total", "km_flown",
          "coverage_pct", "defects_by_grade", "defects_by_status", "overdue", "mttr_days")


def _image_counts(session: Session, scope: Scope, period: Period | None) -> dict[str, Any]:
    """Images, rejected images, findings, poles inspected and in total, km flown and coverage."""
    img = image_condition(scope, period)
    images = session.scalar(select(func.count(Image.id)).where(img)) or 0
    rejected = session.scalar(select(func.count(Image.id)).where(img, Image.status == "rejected")) or 0
    findings = (
        session.scalar(select(func.count(Finding.id)).join(Image, Image.id == Finding.image_id).where(img))
        or 0
    )
    inspected = (
        session.scalar(
            select(func.count(distinct(Image.pole_id))).where(
                img, Image.pole_id.is_not(None), Image.status == "analysed"
            )
        )
        or 0
    )
    km = session.scalar(
        select(func.coalesce(func.sum(Patrol.km_flown), 0.0)).where(Patrol.id.in_(patrol_ids(scope, period)))
    )
    pole_total_q = select(func.count(Pole.id))
    if scope.feeder_ids is not None:
        pole_total_q = pole_total_q.where(Pole.feeder_id.in_(scope.feeder_ids))
    pole_total = session.scalar(pole_total_q) or 0
    return {
        "images": int(images),
        "rejected": int(rejected),
        "findings": int(findings),
        "poles_inspected": int(inspected),
        "poles_total": int(pole_total),
        "km_flown": float(km or 0.0),
        "coverage_pct": figures.share(inspected, pole_total) or 0.0,
    }


def _defect_counts(session: Session, scope: Scope, period: Period | None) -> dict[str, Any]:
    """Defects found (in all, by grade, by status), overdue at the period's end and the mean time
    to repair (days) of those repaired in it."""
    dfilter = defect_condition(scope)
    if period is not None:
        lo, hi = period.bounds()
        found = and_(dfilter, Defect.found_at >= lo, Defect.found_at < hi)
        repaired = and_(dfilter, Defect.repaired_at >= lo, Defect.repaired_at < hi)
        at = min(hi, utcnow())
    else:
        found, repaired, at = dfilter, and_(dfilter, Defect.repaired_at.is_not(None)), utcnow()
    by_grade = dict(
        session.execute(select(Defect.grade, func.count(Defect.id)).where(found).group_by(Defect.grade)).all()
    )
    by_status = dict(
        session.execute(
            select(Defect.status, func.count(Defect.id)).where(found).group_by(Defect.status)
        ).all()
    )
    overdue = (
        session.scalar(
            select(func.count(Defect.id)).where(
                dfilter, Defect.deadline < at, Defect.found_at < at, Defect.status.not_in(OVERDUE_EXEMPT)
            )
        )
        or 0
    )
    durations = [
        (_utc(r) - _utc(f)).total_seconds()
        for f, r in session.execute(select(Defect.found_at, Defect.repaired_at).where(repaired)).all()
        if f is not None and r is not None
    ]
    return {
        "defects": int(sum(by_grade.values())),
        "defects_by_grade": {str(k): int(v) for k, v in sorted(by_grade.items())},
        "defects_by_status": {str(k): int(v) for k, v in sorted(by_status.items())},
        "overdue": int(overdue),
        "mttr_days": sum(durations) / len(durations) / 86400.0 if durations else None,
    }


JSON_DIGITS = {"km_flown": 3, "coverage_pct": 2, "mttr_days": 3}
"""Decimals the JSON numbers keep (finer than the shown figures, which :mod:`irpatrol.figures`
rounds from the unrounded value)."""


CHANGE_DIGITS = {"km_flown": figures.KM_DIGITS, "coverage_pct": figures.PCT_DIGITS,
                 "mttr_days": figures.DAYS_DIGITS}
"""Decimals of a shown change (counts: none)."""


def _json_numbers(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, JSON_DIGITS[k]) if k in JSON_DIGITS and v is not None else v)
            for k, v in raw.items()}


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def compute(
    session: Session,
    period: Period | str | None = None,
    area: str | int | None = None,
    feeder: str | int | None = None,
    crew: str | int | None = None,
    *,
    selection: StatsFilter | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Statistics of the selection (see module doc) with ``previous_year``, ``change`` (current −
    previous for every number) and ``change_pct`` when a period is given. ``selection`` replaces
    ``period``/``area``/``feeder``/``crew`` when given."""
    f = selection or StatsFilter.of(period=period, area=area, feeder=feeder, crew=crew)
    scope = resolve(session, f)
    now = now or utcnow()
    raw = _counts(session, scope, scope.period)
    out = _json_numbers(raw)
    out["period"] = scope.period.to_dict() if scope.period else None
    out["filters"] = f.to_dict()
    shown: dict[str, Any] = _shown(raw)
    if scope.period is not None:
        prev_raw = _counts(session, scope, scope.period.shifted_years(-1))
        prev = _json_numbers(prev_raw)
        prev["period"] = scope.period.shifted_years(-1).to_dict()
        out["previous_year"] = prev
        numeric = [k for k, v in raw.items() if _is_number(v) and _is_number(prev_raw.get(k))]
        out["change"] = {k: round(raw[k] - prev_raw[k], 3) for k in numeric}
        out["change_pct"] = {k: figures.pct_change(raw[k], prev_raw[k]) for k in numeric}
        shown["previous_year"] = _shown(prev_raw)
        shown["change_pct"] = {k: figures.signed_pct(v) for k, v in out["change_pct"].items()}
        shown["change"] = {k: figures.signed(raw[k] - prev_raw[k], CHANGE_DIGITS.get(k, 0)) for k in numeric}
    else:
        out["previous_year"] = None
        out["change"] = None
        out["change_pct"] = None
    out["auto_precision"] = auto_precision(session, image_condition(scope, scope.period))
    at = min(scope.period.bounds()[1], now) if scope.period else now
    out["open_by_grade"], out["ageing"] = _ageing(session, scope, at)
    overall = out["auto_precision"]["overall"]
    shown["auto_precision"] = figures.pct(figures.share(overall["real"], overall["decided"]))
    out["figures"] = shown
    return out


def _shown(raw: dict[str, Any]) -> dict[str, str]:
    """The texts of the shown figures, rounded once from the unrounded ``raw`` figures."""
    return {"km_flown": figures.km(raw["km_flown"]), "coverage_pct": figures.pct(raw["coverage_pct"]),
            "mttr_days": figures.days(raw["mttr_days"])}


AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), (">90", 91, None),
)
"""(key, first day, last day or None) of the age of an open defect in whole days since it was
found: a week, a month, a quarter and older — reporting buckets of our choosing (no standard sets
them; the repair deadlines of DL/T 664-2016 §9 are counted by ``overdue``)."""


def age_bucket(age_days: int) -> str:
    """The key of :data:`AGE_BUCKETS` that ``age_days`` (whole days, ≥ 0) falls in."""
    for key, lo, hi in AGE_BUCKETS:
        if age_days >= lo and (hi is None or age_days <= hi):
            return key
    return AGE_BUCKETS[0][0]  # negative (found in the future): youngest


def open_defect_condition(scope: Scope, at: datetime) -> Any:
    """SQL condition: a defect of ``scope`` found before ``at`` and open now."""
    return and_(defect_condition(scope), Defect.found_at < at, Defect.status.in_([s.value for s in OPEN]))


def _ageing(session: Session, scope: Scope, at: datetime) -> tuple[dict[str, int], dict[str, Any]]:
    """Open defects (found before ``at``, open now) by grade, and their ageing at ``at``."""
    rows = session.execute(
        select(Defect.id, Defect.grade, Defect.found_at, Defect.deadline)
        .where(open_defect_condition(scope, at))
        .order_by(Defect.found_at, Defect.id)
    ).all()
    buckets: dict[str, dict[str, Any]] = {
        key: {"days": [lo, hi], "count": 0, "by_grade": dict.fromkeys(defect_grades(), 0)}
        for key, lo, hi in AGE_BUCKETS
    }
    by_grade = dict.fromkeys(defect_grades(), 0)
    overdue = 0
    for _id, grade, found, deadline in rows:
        age = max(0, int((at - _utc(found)).total_seconds() // 86400))
        b = buckets[age_bucket(age)]
        b["count"] += 1
        b["by_grade"][grade] = b["by_grade"].get(grade, 0) + 1
        by_grade[grade] = by_grade.get(grade, 0) + 1
        if deadline is not None and _utc(deadline) < at:
            overdue += 1
    oldest = None
    if rows:
        did, grade, found, deadline = rows[0]
        oldest = {"defect_id": int(did), "grade": grade, "found_at": _utc(found).isoformat(),
                  "age_days": max(0, int((at - _utc(found)).total_seconds() // 86400)),
                  "deadline": None if deadline is None else _utc(deadline).isoformat()}
    return by_grade, {"as_of": at.isoformat(), "open": len(rows), "overdue": overdue,
                      "buckets": buckets, "oldest": oldest}
