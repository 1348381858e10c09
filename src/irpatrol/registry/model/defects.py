"""Defects and hazards: a graded Finding opens or joins a Defect whose life is a list of
DefectEvents; Hazards are corridor threats; Photos are evidence for both. The mapper events
here keep ``severity`` in step with ``grade`` (see :mod:`irpatrol.registry.grades`).

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base, utcnow
from irpatrol.registry.model.common import Timestamped
from irpatrol.registry.model.inspection import Finding

if TYPE_CHECKING:
    from irpatrol.registry.model.assets import Component, Pole


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


@event.listens_for(Finding, "before_insert")
@event.listens_for(Finding, "before_update")
@event.listens_for(Defect, "before_insert")
@event.listens_for(Defect, "before_update")
def _keep_severity(_mapper: Any, _connection: Any, row: Finding | Defect) -> None:
    """``severity`` always follows ``grade`` and ``standard`` (see :mod:`irpatrol.registry.grades`)."""
    from irpatrol.registry.grades import severity

    row.severity = severity(row.standard, row.grade)
