"""What a patrol brings back: a Patrol flies feeders (PatrolFeeder keeps the load current of
each at the time) and brings Images; analysing an image gives Findings.

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base
from irpatrol.registry.model.common import Timestamped

if TYPE_CHECKING:
    from irpatrol.registry.model.assets import Component, Crew, Drone, Feeder, Pole
    from irpatrol.registry.model.defects import Defect


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
