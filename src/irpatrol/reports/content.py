"""What a report says, as plain frozen dataclasses, read from the registry.

The renderers (:mod:`.pdf`, :mod:`.excel`, :mod:`.csv`) take these and nothing else, so they are
tested with constructed content and no database. The patrol report follows the spirit of
DL/T 664-2016 Annex F (检测管理及报告): object and conditions, instrument parameters, the
measured temperatures, the judgement with its criterion, and the handling advice and deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from irpatrol.errors import NotFound
from irpatrol.registry import grades, patrols
from irpatrol.registry.model import Defect, Feeder, Finding, Hazard, Image, Patrol, PatrolFeeder, Pole
from irpatrol.reports.minimap import MapPole
from irpatrol.reports.why import Facts, deciding_finding, facts

DEMO_MARK = "demo data"
"""Text in a patrol's note (any case) that marks it as demo data (see :mod:`irpatrol.demo`)."""

REPORT_META_KEYS: tuple[str, ...] = (
    "report_no", "company", "department", "inspector", "inspected_on", "reviewer", "reviewed_on",
    "approver", "approved_on", "instrument_model", "instrument_serial", "calibration_date", "weather",
    "load_note",
)
"""The report details an analyst enters per patrol (``Patrol.report_meta``), in report order."""

ImageLoader = Callable[[Image, Finding | None], tuple[bytes | None, bytes | None]]
"""Given an image and the finding to outline, the (IR PNG, visible JPEG) bytes to show."""


@dataclass(frozen=True)
class Conditions:
    """The measuring conditions of the patrol a reading comes from (a feeder or period report
    gathers defects from many patrols, each with its own)."""

    patrol_id: int
    date: date
    ambient_c: float | None
    humidity_pct: float | None
    wind_m_s: float | None
    rain: bool
    feeders: Sequence[tuple[str, float | None]]
    """(feeder name, load current in A at the time)."""
    meta: dict[str, str] = field(default_factory=dict)
    """The patrol's report details (:data:`REPORT_META_KEYS`)."""


@dataclass(frozen=True)
class DefectSection:
    """One defect of a patrol report with its newest reading in that patrol."""

    defect_id: int
    feeder: str
    pole: str
    component_kind: str
    phase: str | None
    grade: str
    status: str
    t1_c: float | None
    """T1, the hot spot's temperature (°C; stored as ``t_max_c``)."""
    t2_c: float | None = None
    """T2, the reference's temperature (°C; stored as ``t_ref_c``)."""
    t0_c: float | None = None
    """T0, the ambient temperature (°C; stored as ``t_ambient_c``)."""
    delta_t_k: float | None = None
    rise_k: float | None = None
    delta_pct: float | None = None
    standard: str | None = None
    rule: str | None = None
    clause: str | None = None
    advice: str | None = None
    deadline: datetime | None = None
    found_at: datetime | None = None
    image_name: str | None = None
    captured_at: datetime | None = None
    camera: str | None = None
    params: dict[str, float] = field(default_factory=dict)
    ir_png: bytes | None = None
    visible_jpeg: bytes | None = None
    facts: Facts | None = None
    """The deciding finding's stored values, for the explanation (:func:`irpatrol.reports.why.explain`)."""
    lat: float | None = None
    lon: float | None = None
    map_poles: Sequence[MapPole] = ()
    """The feeder's poles with stored coordinates, for the small offline map (:mod:`.minimap`)."""
    conditions: Conditions | None = None
    """The conditions of the reading's patrol (None: the report's own patrol)."""
    description: str | None = None
    """What the defect's record says (a defect logged by hand has no reading)."""


@dataclass(frozen=True)
class HazardLine:
    """A corridor hazard logged on one of the patrol's feeders."""

    hazard_id: int
    kind: str
    grade: str
    status: str
    feeder: str
    pole: str | None
    clearance_m: float | None
    required_m: float | None
    description: str | None


@dataclass(frozen=True)
class PatrolReport:
    """Everything the PDF patrol report shows."""

    patrol_id: int
    date: date
    crew: str | None
    drone: str | None
    feeders: Sequence[tuple[str, float | None]]
    """(feeder name, load current in A at the time)."""
    ambient_c: float | None
    humidity_pct: float | None
    wind_m_s: float | None
    rain: bool
    km_flown: float
    images: int
    rejected: int
    poles_inspected: int
    defects: Sequence[DefectSection]
    hazards: Sequence[HazardLine] = ()
    demo: bool = False
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    meta: dict[str, str] = field(default_factory=dict)
    """Report details (:data:`REPORT_META_KEYS`), as entered."""


@dataclass(frozen=True)
class LedgerRow:
    """One line of the defect ledger."""

    defect_id: int
    area: str | None
    feeder: str | None
    pole: str | None
    component_kind: str | None
    phase: str | None
    kind: str
    grade: str
    status: str
    t_max_c: float | None
    delta_t_k: float | None
    found_at: datetime | None
    deadline: datetime | None
    overdue: bool
    description: str | None
    facts: Facts | None = None
    """The deciding finding's stored values (the same numbers the defect page and report show)."""
    assignee: str | None = None
    crew_name: str | None = None
    due_at: datetime | None = None
    steps: Sequence[tuple[str, str | None, datetime | None]] = ()
    """Each workflow step: (status reached, who, when)."""


def patrol_report(session: Session, patrol_id: int, *, images: ImageLoader | None = None) -> PatrolReport:
    """The report content of patrol ``patrol_id``; NotFound when there is none."""
    patrol = session.get(Patrol, patrol_id, options=[joinedload(Patrol.crew), joinedload(Patrol.drone)])
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    feeders = session.execute(
        select(Feeder.id, Feeder.name, PatrolFeeder.load_current_a)
        .join(PatrolFeeder, PatrolFeeder.feeder_id == Feeder.id)
        .where(PatrolFeeder.patrol_id == patrol_id)
        .order_by(Feeder.name)
    ).all()
    counts = patrols.summary(session, patrol)
    return PatrolReport(
        patrol_id=patrol.id,
        date=patrol.date,
        crew=patrol.crew.name if patrol.crew else None,
        drone=(patrol.drone.model or patrol.drone.name) if patrol.drone else None,
        feeders=[(name, load) for _id, name, load in feeders],
        ambient_c=patrol.ambient_c,
        humidity_pct=patrol.humidity_pct,
        wind_m_s=patrol.wind_m_s,
        rain=bool(patrol.rain),
        km_flown=patrol.km_flown or 0.0,
        images=counts["images"],
        rejected=counts["rejected"],
        poles_inspected=counts["poles_inspected"],
        defects=_defect_sections(session, patrol_id, images),
        hazards=hazard_lines(session, [fid for fid, _n, _l in feeders]),
        demo=is_demo_patrol(patrol),
        meta=report_meta(patrol),
    )


def is_demo_patrol(patrol: Patrol) -> bool:
    """True when the patrol's note marks it as demo data."""
    return DEMO_MARK in (patrol.note or "").lower()


def _defect_sections(session: Session, patrol_id: int, images: ImageLoader | None) -> list[DefectSection]:
    """One section per defect seen in the patrol, from its hottest finding there, worst first."""
    findings = session.scalars(
        select(Finding)
        .join(Image, Finding.image_id == Image.id)
        .where(Image.patrol_id == patrol_id, Finding.defect_id.is_not(None))
        .options(joinedload(Finding.image), joinedload(Finding.component))
        .order_by(Finding.t_max_c.desc())
    ).all()
    per_defect: dict[int, list[Finding]] = {}
    for f in findings:
        per_defect.setdefault(f.defect_id, []).append(f)  # type: ignore[arg-type]
    maps: MapCache = {}
    sections = [_section(session, deciding_finding(fs) or fs[0], images, maps=maps)
                for fs in per_defect.values()]
    return sorted(sections, key=lambda s: (-grades.severity(None, s.grade), s.feeder, pole_key(s.pole)))


def _section(session: Session, f: Finding, images: ImageLoader | None, *,
             with_conditions: bool = False, maps: MapCache | None = None) -> DefectSection:
    defect = session.get(Defect, f.defect_id, options=[joinedload(Defect.pole).joinedload(Pole.feeder)])
    assert defect is not None
    pole = defect.pole
    diag = f.diagnosis or {}
    ir, visible = images(f.image, f) if images else (None, None)
    stored = f.params or f.image.params or {}  # a recompute's parameters go with its temperatures
    params = {k: float(v) for k, v in stored.items() if isinstance(v, int | float)}
    component = f.component or defect.component
    return DefectSection(
        defect_id=defect.id,
        feeder=pole.feeder.name if pole else "",
        pole=pole.number if pole else "",
        component_kind=(component.kind if component else None) or f.device or "",
        phase=component.phase if component else None,
        grade=defect.grade,
        status=defect.status,
        t1_c=f.t_max_c,
        t2_c=f.t_ref_c,
        t0_c=f.t_ambient_c,
        delta_t_k=f.delta_t_k,
        rise_k=f.rise_k,
        delta_pct=f.delta_pct,
        standard=f.standard,
        rule=f.rule,
        clause=f.clause,
        advice=advice_text(diag),
        deadline=defect.deadline,
        found_at=defect.found_at,
        image_name=f.image.original_name,
        captured_at=f.image.captured_at,
        camera=f.image.camera,
        params=params,
        ir_png=ir,
        visible_jpeg=visible,
        facts=facts(f),
        lat=f.image.lat if f.image.lat is not None else (pole.lat if pole else None),
        lon=f.image.lon if f.image.lon is not None else (pole.lon if pole else None),
        map_poles=map_poles(session, pole.feeder_id, maps) if pole else (),
        conditions=conditions(session, f.image.patrol) if with_conditions and f.image.patrol else None,
    )


def defect_section(session: Session, defect: Defect, images: ImageLoader | None,
                   maps: MapCache | None = None) -> DefectSection:
    """The section of one defect in a feeder or period report: from its deciding finding (the
    one its page and ledger line show) with that patrol's conditions, or from the defect's own
    record when it has no finding (a defect logged by hand)."""
    deciding = deciding_finding(defect.findings)
    if deciding is not None:
        return _section(session, deciding, images, with_conditions=True, maps=maps)
    pole = defect.pole
    component = defect.component
    return DefectSection(
        defect_id=defect.id,
        feeder=pole.feeder.name if pole else "",
        pole=pole.number if pole else "",
        component_kind=component.kind if component else "",
        phase=component.phase if component else None,
        grade=defect.grade,
        status=defect.status,
        t1_c=defect.last_t_max_c,
        delta_t_k=defect.last_delta_t_k,
        description=defect.description,
        deadline=defect.deadline,
        found_at=defect.found_at,
        lat=defect.lat if defect.lat is not None else (pole.lat if pole else None),
        lon=defect.lon if defect.lon is not None else (pole.lon if pole else None),
        map_poles=map_poles(session, pole.feeder_id, maps) if pole else (),
    )


MapCache = dict[int, tuple[MapPole, ...]]
"""Feeder id → its map poles, read once per report."""


def map_poles(session: Session, feeder_id: int, cache: MapCache | None = None) -> tuple[MapPole, ...]:
    """The feeder's poles with their stored coordinates, in line order (kept in ``cache``)."""
    cache = {} if cache is None else cache
    if feeder_id not in cache:
        rows = session.execute(
            select(Pole.number, Pole.seq, Pole.lat, Pole.lon).where(Pole.feeder_id == feeder_id)
            .order_by(Pole.seq, Pole.id)
        ).all()
        cache[feeder_id] = tuple(MapPole(n, s or 0, lat, lon) for n, s, lat, lon in rows
                                 if lat is not None and lon is not None)
    return cache[feeder_id]


def conditions(session: Session, patrol: Patrol) -> Conditions:
    """The measuring conditions and report details of ``patrol``."""
    feeders = session.execute(
        select(Feeder.name, PatrolFeeder.load_current_a)
        .join(PatrolFeeder, PatrolFeeder.feeder_id == Feeder.id)
        .where(PatrolFeeder.patrol_id == patrol.id)
        .order_by(Feeder.name)
    ).all()
    return Conditions(
        patrol_id=patrol.id, date=patrol.date, ambient_c=patrol.ambient_c, humidity_pct=patrol.humidity_pct,
        wind_m_s=patrol.wind_m_s, rain=bool(patrol.rain), feeders=[(n, load) for n, load in feeders],
        meta=report_meta(patrol),
    )


def report_meta(patrol: Patrol) -> dict[str, str]:
    """The patrol's report details (:data:`REPORT_META_KEYS`) that are filled in."""
    return {k: str(v) for k, v in (patrol.report_meta or {}).items() if k in REPORT_META_KEYS and v}


def advice_text(diagnosis: dict[str, object] | None) -> str | None:
    """The diagnosis's handling advice as one line (it may be a string or a list of strings)."""
    advice = (diagnosis or {}).get("advice")
    if isinstance(advice, str):
        return advice or None
    if isinstance(advice, list | tuple):
        return "; ".join(str(a) for a in advice if a) or None
    return None


def hazard_lines(session: Session, feeder_ids: list[int]) -> list[HazardLine]:
    if not feeder_ids:
        return []
    rows = session.execute(
        select(Hazard, Feeder.name, Pole.number)
        .join(Feeder, Hazard.feeder_id == Feeder.id)
        .outerjoin(Pole, Hazard.pole_id == Pole.id)
        .where(Hazard.feeder_id.in_(feeder_ids))
        .order_by(Hazard.id)
    ).all()
    return [
        HazardLine(h.id, h.kind, h.grade, h.status, feeder, pole, h.clearance_m, h.required_m, h.description)
        for h, feeder, pole in rows
    ]


def pole_key(number: str) -> tuple[int, str]:
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 0, number)
