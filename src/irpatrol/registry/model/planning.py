"""Scheduling inputs and results: TakeoffPoints, WeatherForecasts (one per day and area) and
Plans (scheduling results kept as JSON).

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from irpatrol.db import Base
from irpatrol.registry.model.common import Timestamped


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
