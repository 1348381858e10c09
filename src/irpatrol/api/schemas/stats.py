"""Bodies of the detector's precision, the statistics and the patrol plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from irpatrol.api.schemas.common import ReadModel


class PrecisionFigure(BaseModel):
    """The detector's precision over a group of automatic findings, as the analysts judged them."""

    precision: float | None = Field(description="real / decided; None when nothing was decided")
    real: int = Field(description="Automatic findings confirmed real")
    decided: int = Field(description="Automatic findings confirmed or rejected")
    pending: int = Field(description="Automatic findings in a defect, not yet decided")
    rejected_by_reason: dict[str, int] = Field(
        description="Rejected findings by reason: wrong_component, reflection, background, duplicate"
    )


class PatrolPrecision(PrecisionFigure):
    """The precision of one patrol's automatic findings."""

    patrol_id: int
    date: str | None


class AutoPrecisionRead(BaseModel):
    """The detector's precision (``auto_precision`` of ``irpatrol stats --json``): overall, by the
    detector's device kind, and by patrol."""

    overall: PrecisionFigure
    by_device: dict[str, PrecisionFigure]
    by_patrol: list[PatrolPrecision]


class StatsRead(BaseModel):
    """Statistics of a selection (same keys as ``irpatrol stats --json``); counts, km flown,
    coverage %, defects by grade and status, overdue, mean time to repair (days), and the same
    figures a year earlier with the change when a period is given."""

    model_config = ConfigDict(extra="allow")

    images: int
    rejected: int
    findings: int
    defects: int
    poles_inspected: int
    poles_total: int
    km_flown: float
    coverage_pct: float
    defects_by_grade: dict[str, int]
    defects_by_status: dict[str, int]
    overdue: int
    mttr_days: float | None
    period: dict[str, str] | None
    filters: dict[str, Any]
    previous_year: dict[str, Any] | None
    change: dict[str, float] | None
    auto_precision: AutoPrecisionRead | None = None
    change_pct: dict[str, float | None] | None = None
    """(current − previous) / previous × 100 (%), None where the previous figure is 0."""
    open_by_grade: dict[str, int] | None = None
    """Defects open now, found by the end of the period, by grade."""
    ageing: dict[str, Any] | None = None
    """Those open defects by days since found (buckets 0-7, 8-30, 31-90, >90), the oldest, and
    how many are past their deadline (``as_of``: when the ages were counted)."""
    figures: dict[str, Any] | None = None
    """The shown figures as text (km to 10 m, % to 0.1), rounded once from the stored values —
    the same text the dashboard and the reports show."""


class PlanRead(ReadModel):
    """A stored patrol plan (without its result)."""

    id: int
    name: str
    status: str
    created_by: str | None
    period_start: date | None
    period_end: date | None
    created_at: datetime


class PlanDetail(PlanRead):
    """A plan with its parameters and result."""

    params: dict[str, Any] | None
    result: dict[str, Any] | None
