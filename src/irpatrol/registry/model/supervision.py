"""Safety supervision of work sites (issue 16): WorkSites with their poles, required measures
and the violations seen.

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base, utcnow
from irpatrol.registry.model.common import Timestamped

if TYPE_CHECKING:
    from irpatrol.registry.model.assets import Crew, Feeder, Pole
    from irpatrol.registry.model.defects import Photo


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
