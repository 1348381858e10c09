"""The inspection registry as ORM classes (SQLAlchemy 2.0 typed declarative).

Assets: Area → Feeder → Pole → Component. Resources: Crew, Pilot, Drone. A Patrol flies feeders
(PatrolFeeder keeps the load current of each at the time) and brings Images; analysing an image
gives Findings; a graded Finding opens or joins a Defect whose life is a list of DefectEvents.
Hazards are corridor threats. Photos are evidence for defects and hazards. Users and the
AuditLog record who changed what. Plans keep scheduling results as JSON; TakeoffPoints and
WeatherForecasts (one per day and area) are scheduling inputs.

Units: temperatures °C (``_c``), temperature differences K (``_k``), lengths/distances m,
durations s, currents A, voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
Statuses and grades are plain strings whose allowed values live in :mod:`irpatrol.registry.workflow`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base, utcnow

DEFAULT_COMPONENT_KIND = "parallel-groove-clamp"
"""Component kind assumed for an image when the feeder names none (diagnosis catalogue key)."""


SQLITE_NO_ID_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}
"""Table options of the tables whose rows can be deleted (assets): on SQLite, ``AUTOINCREMENT`` so
the id of a deleted row is never given to a new one (its audit rows would look like the newcomer's
history); PostgreSQL sequences never reuse ids anyway. Migration 0004 rebuilt these tables."""


class Timestamped:
    """Every table has ``created_at`` (UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class Area(Timestamped, Base):
    """A service area (county district, operations team territory)."""

    __tablename__ = "area"
    __table_args__ = SQLITE_NO_ID_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    feeders: Mapped[list[Feeder]] = relationship(back_populates="area")


class Feeder(Timestamped, Base):
    """A distribution feeder (10 kV line)."""

    __tablename__ = "feeder"
    __table_args__ = SQLITE_NO_ID_REUSE
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    voltage_kv: Mapped[float] = mapped_column(Float, default=10.0)
    length_m: Mapped[float | None] = mapped_column(Float)
    rated_current_a: Mapped[float | None] = mapped_column(Float)
    urban: Mapped[bool | None] = mapped_column(Boolean)
    default_component_kind: Mapped[str] = mapped_column(String(80), default=DEFAULT_COMPONENT_KIND)
    geometry: Mapped[list[list[float]] | None] = mapped_column(JSON)
    """LineString coordinates [[lon, lat], …] (GeoJSON order) when imported."""
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)

    area: Mapped[Area | None] = relationship(back_populates="feeders")
    poles: Mapped[list[Pole]] = relationship(back_populates="feeder", order_by="Pole.seq")


class Pole(Timestamped, Base):
    """A pole (tower) of a feeder; ``number`` as painted on it, ``seq`` its order along the line."""

    __tablename__ = "pole"
    __table_args__ = (UniqueConstraint("feeder_id", "number"), SQLITE_NO_ID_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    feeder_id: Mapped[int] = mapped_column(ForeignKey("feeder.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    pole_type: Mapped[str | None] = mapped_column(String(60))
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    height_m: Mapped[float | None] = mapped_column(Float)
    """Pole-top height above its foot (m); NULL: the planner's default."""
    ground_m: Mapped[float | None] = mapped_column(Float)
    """Ground elevation at the pole foot (m, same datum as the take-off points'); NULL: unknown."""

    feeder: Mapped[Feeder] = relationship(back_populates="poles")
    components: Mapped[list[Component]] = relationship(back_populates="pole")


class Component(Timestamped, Base):
    """A part on a pole: ``kind`` from the diagnosis catalogue, ``phase`` A/B/C or None."""

    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("pole_id", "kind", "phase"), SQLITE_NO_ID_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    pole_id: Mapped[int] = mapped_column(ForeignKey("pole.id"), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    phase: Mapped[str | None] = mapped_column(String(1))

    pole: Mapped[Pole] = relationship(back_populates="components")


class Crew(Timestamped, Base):
    """A flight crew; ``base_lat``/``base_lon`` where it starts from."""

    __tablename__ = "crew"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    base_lat: Mapped[float | None] = mapped_column(Float)
    base_lon: Mapped[float | None] = mapped_column(Float)
    working_days: Mapped[str | None] = mapped_column(String(40))
    """Weekdays the crew flies, e.g. ``mon,tue,wed,thu,fri,sat``; NULL: the planner's default."""
    sorties_per_day: Mapped[int | None] = mapped_column(Integer)
    day_start_s: Mapped[int | None] = mapped_column(Integer)
    """Working hours as seconds after local midnight; NULL: the planner's default (08:00–17:00)."""
    day_end_s: Mapped[int | None] = mapped_column(Integer)


class TakeoffPoint(Timestamped, Base):
    """A candidate takeoff point for drone sorties (WGS84 degrees), in an area."""

    __tablename__ = "takeoff_point"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    ground_m: Mapped[float | None] = mapped_column(Float)
    """Ground elevation (m, same datum as the poles'); NULL: unknown."""


class WeatherForecast(Timestamped, Base):
    """The forecast for one day and area: rain, maximum wind (m/s) and whether flying is ruled out
    by the planner's limits (rain or wind above the policy limit)."""

    __tablename__ = "weather_forecast"
    __table_args__ = (UniqueConstraint("date", "area_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    rain: Mapped[bool] = mapped_column(Boolean, default=False)
    wind_m_s: Mapped[float] = mapped_column(Float, default=0.0)
    no_fly: Mapped[bool] = mapped_column(Boolean, default=False)
    fog: Mapped[bool | None] = mapped_column(Boolean)
    humidity_pct: Mapped[float | None] = mapped_column(Float)
    cloud_pct: Mapped[float | None] = mapped_column(Float)
    """Cloud cover (%, 0…100); NULL: not forecast (the planner then scores cloud as unknown)."""


class Pilot(Timestamped, Base):
    """A licensed drone pilot."""

    __tablename__ = "pilot"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)
    certificate: Mapped[str | None] = mapped_column(String(120))
    home_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))


class Drone(Timestamped, Base):
    """A drone; ``endurance_s`` is the usable flight time per battery (s)."""

    __tablename__ = "drone"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    model: Mapped[str | None] = mapped_column(String(120))
    endurance_s: Mapped[float | None] = mapped_column(Float)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)


class Patrol(Timestamped, Base):
    """One day's flight of a crew over one or more feeders, with the weather at the time.

    ``key`` identifies patrols made by ingest (``<date>|<crew>``) so a re-run finds the same one;
    ``km_flown`` is the geodesic length of the GPS track through its images in capture order (km).
    """

    __tablename__ = "patrol"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(250), unique=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)
    drone_id: Mapped[int | None] = mapped_column(ForeignKey("drone.id"))
    pilot_id: Mapped[int | None] = mapped_column(ForeignKey("pilot.id"))
    ambient_c: Mapped[float | None] = mapped_column(Float)
    humidity_pct: Mapped[float | None] = mapped_column(Float)
    wind_m_s: Mapped[float | None] = mapped_column(Float)
    rain: Mapped[bool] = mapped_column(Boolean, default=False)
    km_flown: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str | None] = mapped_column(Text)
    display_t_min_c: Mapped[float | None] = mapped_column(Float)
    """Fixed lower end (°C) of the colour scale for every image of the patrol; None: each image's own."""
    display_t_max_c: Mapped[float | None] = mapped_column(Float)
    """Fixed upper end (°C) of the colour scale for every image of the patrol; None: each image's own."""
    report_meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """What the filed report states beyond the records (:data:`irpatrol.reports.content.REPORT_META_KEYS`):
    report number, company, department, inspector/reviewer/approver with dates, instrument, weather, load."""

    crew: Mapped[Crew | None] = relationship()
    drone: Mapped[Drone | None] = relationship()
    feeders: Mapped[list[PatrolFeeder]] = relationship(back_populates="patrol")


class PatrolFeeder(Timestamped, Base):
    """A feeder flown in a patrol and its load current at the time (A)."""

    __tablename__ = "patrol_feeder"
    __table_args__ = (UniqueConstraint("patrol_id", "feeder_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrol.id"), index=True)
    feeder_id: Mapped[int] = mapped_column(ForeignKey("feeder.id"), index=True)
    load_current_a: Mapped[float | None] = mapped_column(Float)

    patrol: Mapped[Patrol] = relationship(back_populates="feeders")
    feeder: Mapped[Feeder] = relationship()


class Image(Timestamped, Base):
    """A camera file, content-addressed by the SHA-256 of its bytes (never stored twice).

    ``original_name`` is the file's name as flown or uploaded; ``stored_path`` the copy in the image
    store, ``images/<sha[:2]>/<sha256><suffix>`` relative to ``Settings.data_dir`` (POSIX; older
    records may hold an absolute path, which readers use as is; see :mod:`irpatrol.registry.store`).
    ``status``: ``analysed`` or ``rejected`` (``reason`` says why; rejected files are stored too, as
    evidence). ``pole_distance_m`` is the geodesic distance from the camera position to the matched
    pole (m).
    """

    __tablename__ = "image"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(500))
    stored_path: Mapped[str | None] = mapped_column(String(1000))
    patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrol.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    camera: Mapped[str | None] = mapped_column(String(200))
    source_format: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Capture parameters (emissivity, distance_m, reflected_c, atmospheric_c, humidity)."""
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    alt_m: Mapped[float | None] = mapped_column(Float)
    gimbal_yaw: Mapped[float | None] = mapped_column(Float)
    gimbal_pitch: Mapped[float | None] = mapped_column(Float)
    gimbal_roll: Mapped[float | None] = mapped_column(Float)
    captured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"), index=True)
    pole_distance_m: Mapped[float | None] = mapped_column(Float)
    t_max_c: Mapped[float | None] = mapped_column(Float)
    t_min_c: Mapped[float | None] = mapped_column(Float)
    component_kind: Mapped[str | None] = mapped_column(String(80))

    patrol: Mapped[Patrol | None] = relationship()
    pole: Mapped[Pole | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="image")


class Finding(Timestamped, Base):
    """A hotspot found in an image with its diagnosis (rule and clause of the standard)."""

    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id"), index=True)
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"), index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id"), index=True)
    defect_id: Mapped[int | None] = mapped_column(ForeignKey("defect.id"), index=True)
    bbox_x: Mapped[int] = mapped_column(Integer)
    bbox_y: Mapped[int] = mapped_column(Integer)
    bbox_w: Mapped[int] = mapped_column(Integer)
    bbox_h: Mapped[int] = mapped_column(Integer)
    max_x: Mapped[int | None] = mapped_column(Integer)
    max_y: Mapped[int | None] = mapped_column(Integer)
    area_px: Mapped[int | None] = mapped_column(Integer)
    contour: Mapped[list[list[int]] | None] = mapped_column(JSON)
    t_max_c: Mapped[float] = mapped_column(Float)
    t_mean_c: Mapped[float | None] = mapped_column(Float)
    t_ref_c: Mapped[float | None] = mapped_column(Float)
    t_ref_source: Mapped[str | None] = mapped_column(String(40))
    t_ambient_c: Mapped[float | None] = mapped_column(Float)
    delta_t_k: Mapped[float | None] = mapped_column(Float)
    rise_k: Mapped[float | None] = mapped_column(Float)
    delta_pct: Mapped[float | None] = mapped_column(Float)
    corrected_delta_t_k: Mapped[float | None] = mapped_column(Float)
    standard: Mapped[str | None] = mapped_column(String(60))
    device: Mapped[str | None] = mapped_column(String(80))
    grade: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The grade's severity (0–3) as its rule set (``standard``) declares it; see
    :mod:`irpatrol.registry.grades`, which keeps it in step with ``grade``."""
    rule: Mapped[str | None] = mapped_column(String(200))
    clause: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[str | None] = mapped_column(String(40))
    flags: Mapped[list[str] | None] = mapped_column(JSON)
    diagnosis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The full ``Diagnosis.to_dict()`` (advice, Chinese grade name …)."""
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Capture parameters of a recomputed finding (emissivity, distance_m, reflected_c …); None:
    the image's own (``Image.params``)."""
    origin: Mapped[str | None] = mapped_column(String(20))
    """None: found by the analysis; ``manual``: a hotspot an analyst marked by hand."""
    override: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """An analyst's judgement over the automatic values, which stay in the other columns:
    ``grade``, ``component_kind``, ``heating`` (any may be absent), ``reason``, ``user``, ``at``."""
    verdict: Mapped[str | None] = mapped_column(String(20))
    """The analyst's verdict on an automatic finding, set when its defect is confirmed (``real``)
    or rejected (``wrong_component``, ``reflection``, ``background``, ``duplicate``); None: not
    decided. See :mod:`irpatrol.registry.precision`."""

    image: Mapped[Image] = relationship(back_populates="findings")
    component: Mapped[Component | None] = relationship()
    defect: Mapped[Defect | None] = relationship(back_populates="findings", foreign_keys=[defect_id])


class Defect(Timestamped, Base):
    """A defect followed until repaired and verified.

    ``kind``: thermal | structural | other. ``deadline`` follows from the grade (see
    :mod:`irpatrol.registry.defects`). ``last_t_max_c``/``last_delta_t_k`` are the newest reading.
    """

    __tablename__ = "defect"
    __table_args__ = (
        Index("ix_defect_status_deadline", "status", "deadline"),
        Index("ix_defect_status_grade_deadline", "status", "grade", "deadline"),
        Index("ix_defect_pole_component_status", "pole_id", "component_id", "status"),
        Index("ix_defect_severity_id", "severity", "id"),  # the ledger's default order, worst first
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="thermal")
    grade: Mapped[str] = mapped_column(String(20), index=True)
    standard: Mapped[str | None] = mapped_column(String(60))
    """The rule set whose scale ``grade`` belongs to (None: ``Settings.default_standard``'s default,
    DL/T 664-2016)."""
    severity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The grade's severity (0–3) from its rule set: sorts, compares and picks the deadline tier."""
    status: Mapped[str] = mapped_column(String(30), index=True)
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"), index=True)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id"), index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    repaired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_t_max_c: Mapped[float | None] = mapped_column(Float)
    last_delta_t_k: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str | None] = mapped_column(String(120))
    assignee: Mapped[str | None] = mapped_column(String(120))
    """Who carries out the scheduled repair (set with ``repair_scheduled``)."""
    crew_name: Mapped[str | None] = mapped_column(String(120))
    """The repair crew (set with ``repair_scheduled``)."""
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the scheduled repair is due (UTC; set with ``repair_scheduled``)."""

    pole: Mapped[Pole | None] = relationship()
    component: Mapped[Component | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        back_populates="defect", foreign_keys="Finding.defect_id", order_by="Finding.id"
    )
    events: Mapped[list[DefectEvent]] = relationship(back_populates="defect", order_by="DefectEvent.id")
    photos: Mapped[list[Photo]] = relationship(back_populates="defect")


class DefectEvent(Timestamped, Base):
    """One entry of a defect's timeline: a status change (``from_status`` → ``to_status``), a
    finding joining it (``finding_id``), or a note. ``at`` is when it happened (UTC)."""

    __tablename__ = "defect_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    defect_id: Mapped[int] = mapped_column(ForeignKey("defect.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(20))
    """``status`` | ``finding`` | ``note``."""
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    username: Mapped[str | None] = mapped_column(String(120))
    comment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"))
    t_max_c: Mapped[float | None] = mapped_column(Float)
    delta_t_k: Mapped[float | None] = mapped_column(Float)

    defect: Mapped[Defect] = relationship(back_populates="events")


class Hazard(Timestamped, Base):
    """A corridor threat: ``kind`` vegetation | building | foreign_object | crossing | other.

    For vegetation and buildings ``clearance_m`` is the measured distance to the conductor and
    ``required_m`` the distance the rules ask for (m).
    """

    __tablename__ = "hazard"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    grade: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    feeder_id: Mapped[int | None] = mapped_column(ForeignKey("feeder.id"), index=True)
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    clearance_m: Mapped[float | None] = mapped_column(Float)
    required_m: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reported_by: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    photos: Mapped[list[Photo]] = relationship(back_populates="hazard")


class Photo(Timestamped, Base):
    """A photo kept as evidence of a defect or hazard (file under the data folder)."""

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    defect_id: Mapped[int | None] = mapped_column(ForeignKey("defect.id"), index=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    caption: Mapped[str | None] = mapped_column(Text)

    defect: Mapped[Defect | None] = relationship(back_populates="photos")
    hazard: Mapped[Hazard | None] = relationship(back_populates="photos")


class User(Timestamped, Base):
    """A person who signs in: ``role`` viewer | pilot | analyst | admin, ``language`` en | zh."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    display_name: Mapped[str | None] = mapped_column(String(200))


class AuthSession(Timestamped, Base):
    """A signed-in session (issue 12): a token names it by a random id whose SHA-256 is
    ``sid_hash``; deleting the row ends the session at once (logout, password change, deactivation,
    "sign out everywhere"). ``expires_at`` is UTC."""

    __tablename__ = "auth_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10), default="api")


class LoginFailure(Base):
    """Failed sign-ins counted per key (``user:<name>`` or ``addr:<client address>``) for login
    throttling (issue 12): ``locked_until`` (UTC) is when the next attempt is allowed."""

    __tablename__ = "login_failure"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditLog(Timestamped, Base):
    """Who (``username``) did what (``action`` on ``entity`` #``entity_id``) and when (``at``)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Plan(Timestamped, Base):
    """A patrol schedule computed by :mod:`irpatrol.scheduling`, kept as JSON."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by: Mapped[str | None] = mapped_column(String(120))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Job(Timestamped, Base):
    """A background job (an ingest run by the API or ``irpatrol worker``) and its progress.

    ``status``: queued | running | done | failed; ``done``/``total`` count items (images);
    ``result`` is the service's summary, ``error`` the reason of a failure. Rows are written by
    :mod:`irpatrol.ingest.jobs`.
    """

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Acceptance of line work and safety supervision of work sites (issue 16) -------------------


class AcceptanceProject(Timestamped, Base):
    """A construction or repair project to accept (验收): ``kind`` names its checklist
    (:mod:`irpatrol.acceptance.checklist`) and ``checklist_version`` the version it was opened with.
    ``status``: open | accepted. ``defect_id``: the repaired infrared defect (kind ir-defect-repair).
    Dates are local calendar days; inspector, reviewer and approver sign the report."""

    __tablename__ = "acceptance_project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    checklist_version: Mapped[str] = mapped_column(String(40))
    contractor: Mapped[str | None] = mapped_column(String(200))
    feeder_id: Mapped[int | None] = mapped_column(ForeignKey("feeder.id"), index=True)
    defect_id: Mapped[int | None] = mapped_column(ForeignKey("defect.id"), index=True)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_end: Mapped[date | None] = mapped_column(Date)
    inspector: Mapped[str | None] = mapped_column(String(120))
    reviewer: Mapped[str | None] = mapped_column(String(120))
    approver: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str | None] = mapped_column(String(120))

    feeder: Mapped[Feeder | None] = relationship()
    poles: Mapped[list[AcceptancePole]] = relationship(
        back_populates="project", order_by="AcceptancePole.seq"
    )
    items: Mapped[list[AcceptanceItem]] = relationship(
        back_populates="project", order_by="AcceptanceItem.id"
    )


class AcceptancePole(Timestamped, Base):
    """A pole of an acceptance project, in line order (``seq``); ``new`` when imported with it."""

    __tablename__ = "acceptance_pole"
    __table_args__ = (UniqueConstraint("project_id", "pole_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("acceptance_project.id"), index=True)
    pole_id: Mapped[int] = mapped_column(ForeignKey("pole.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[bool] = mapped_column(Boolean, default=False)

    project: Mapped[AcceptanceProject] = relationship(back_populates="poles")
    pole: Mapped[Pole] = relationship()


class AcceptanceItem(Timestamped, Base):
    """One checklist item (``code``) at one pole (``pole_id``; None for a project-wide item).
    ``result``: pending | pass | fail | na | waived (:mod:`irpatrol.acceptance.rules`)."""

    __tablename__ = "acceptance_item"
    __table_args__ = (UniqueConstraint("project_id", "code", "pole_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("acceptance_project.id"), index=True)
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    marked_by: Mapped[str | None] = mapped_column(String(120))
    marked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    project: Mapped[AcceptanceProject] = relationship(back_populates="items")
    pole: Mapped[Pole | None] = relationship()
    evidence: Mapped[list[AcceptanceEvidence]] = relationship(
        back_populates="item", order_by="AcceptanceEvidence.id"
    )
    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="item", order_by="Rectification.id"
    )


class AcceptanceEvidence(Timestamped, Base):
    """Evidence for an item: a photo or thermogram from the photo store (``photo_id``) and/or a
    measured value (``value`` in ``unit``: m, Ω, °C). For an infrared re-measurement ``t_max_c``,
    ``t_ref_c`` and the ``grade`` it got are kept."""

    __tablename__ = "acceptance_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("acceptance_item.id"), index=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    """visible | infrared | measurement."""
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    t_max_c: Mapped[float | None] = mapped_column(Float)
    t_ref_c: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(120))

    item: Mapped[AcceptanceItem] = relationship(back_populates="evidence")
    photo: Mapped[Photo | None] = relationship()


class Rectification(Timestamped, Base):
    """The rectification of a failed item: a hazard in the ledger (``hazard_id``, kind construction)
    with its own ``deadline``, ``assignee`` and re-check. ``status``: open | rectified | verified."""

    __tablename__ = "rectification"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("acceptance_item.id"), index=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    assignee: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rechecked_by: Mapped[str | None] = mapped_column(String(120))
    rechecked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recheck_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(120))

    item: Mapped[AcceptanceItem] = relationship(back_populates="rectifications")
    hazard: Mapped[Hazard | None] = relationship()


class CrewMember(Timestamped, Base):
    """A user who belongs to a crew: crews see the work sites of their own crews."""

    __tablename__ = "crew_member"
    __table_args__ = (UniqueConstraint("crew_id", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"), index=True)
    username: Mapped[str] = mapped_column(String(120), index=True)


class WorkSite(Timestamped, Base):
    """A supervised work site, tied to its work ticket (工作票) number, feeder, poles, time window
    (UTC) and crew. ``status``: planned | active | closed. ``lat``/``lon``: the site's centre (the
    mission orbits it)."""

    __tablename__ = "work_site"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    feeder_id: Mapped[int | None] = mapped_column(ForeignKey("feeder.id"), index=True)
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)
    contractor: Mapped[str | None] = mapped_column(String(200))
    supervisor: Mapped[str | None] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    created_by: Mapped[str | None] = mapped_column(String(120))

    feeder: Mapped[Feeder | None] = relationship()
    crew: Mapped[Crew | None] = relationship()
    poles: Mapped[list[WorkSitePole]] = relationship(back_populates="site", order_by="WorkSitePole.id")
    measures: Mapped[list[SiteMeasure]] = relationship(back_populates="site", order_by="SiteMeasure.id")
    violations: Mapped[list[SiteViolation]] = relationship(
        back_populates="site", order_by="SiteViolation.id"
    )


class WorkSitePole(Timestamped, Base):
    """A pole inside a work site's area."""

    __tablename__ = "work_site_pole"
    __table_args__ = (UniqueConstraint("site_id", "pole_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("work_site.id"), index=True)
    pole_id: Mapped[int] = mapped_column(ForeignKey("pole.id"), index=True)

    site: Mapped[WorkSite] = relationship(back_populates="poles")
    pole: Mapped[Pole] = relationship()


class SiteMeasure(Timestamped, Base):
    """A safety measure the ticket requires (``kind`` from the violation-types data), at a pole for
    earthing sets. ``status``: required | confirmed | violated."""

    __tablename__ = "site_measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("work_site.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    pole_id: Mapped[int | None] = mapped_column(ForeignKey("pole.id"))
    status: Mapped[str] = mapped_column(String(20), default="required")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    observed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    observer: Mapped[str | None] = mapped_column(String(120))

    site: Mapped[WorkSite] = relationship(back_populates="measures")
    pole: Mapped[Pole | None] = relationship()
    photo: Mapped[Photo | None] = relationship()


class SiteViolation(Timestamped, Base):
    """A violation seen on a site (``type`` from the data list) with photo, time, position and
    observer; ``status`` reported | rectified | escalated | closed
    (:mod:`irpatrol.supervision.workflow`)."""

    __tablename__ = "site_violation"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("work_site.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("site_measure.id"))
    type: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(20), default="reported", index=True)
    description: Mapped[str | None] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    observer: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    site: Mapped[WorkSite] = relationship(back_populates="violations")
    photo: Mapped[Photo | None] = relationship()


@event.listens_for(Finding, "before_insert")
@event.listens_for(Finding, "before_update")
@event.listens_for(Defect, "before_insert")
@event.listens_for(Defect, "before_update")
def _keep_severity(_mapper: Any, _connection: Any, row: Finding | Defect) -> None:
    """``severity`` always follows ``grade`` and ``standard`` (see :mod:`irpatrol.registry.grades`)."""
    from irpatrol.registry.grades import severity

    row.severity = severity(row.standard, row.grade)
