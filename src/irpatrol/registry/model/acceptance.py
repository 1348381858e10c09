"""Acceptance of line work (issue 16): AcceptanceProjects with their poles, checklist items,
evidence and rectifications.

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base
from irpatrol.registry.model.common import Timestamped

if TYPE_CHECKING:
    from irpatrol.registry.model.assets import Feeder, Pole
    from irpatrol.registry.model.defects import Hazard, Photo


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
