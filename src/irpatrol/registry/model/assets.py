"""Assets and the resources that fly over them: Area → Feeder → Pole → Component; Crew
(with its CrewMembers), Pilot, Drone.

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from irpatrol.db import Base
from irpatrol.registry.model.common import DEFAULT_COMPONENT_KIND, SQLITE_NO_ID_REUSE, Timestamped


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


class CrewMember(Timestamped, Base):
    """A user who belongs to a crew: crews see the work sites of their own crews."""

    __tablename__ = "crew_member"
    __table_args__ = (UniqueConstraint("crew_id", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"), index=True)
    username: Mapped[str] = mapped_column(String(120), index=True)


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
