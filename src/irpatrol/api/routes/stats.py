"""``GET /stats``: figures for any period, area, feeder or crew (any role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from irpatrol.api.deps import SessionDep, ViewerUser
from irpatrol.api.schemas import StatsRead
from irpatrol.registry import stats

router = APIRouter(tags=["stats"])

PERIOD_PATTERN = r"^(19|2\d)\d{2}[-0-9Qq]*(\.\.(19|2\d)\d{2}[-0-9]*)?$"
"""Periods in the years 1900–2999 (a year earlier must exist, and a day after the end)."""


@router.get("/stats")
def read_stats(
    _: ViewerUser,
    session: SessionDep,
    period: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=PERIOD_PATTERN,
            description="YYYY, YYYY-MM, YYYY-Qn, YYYY-MM-DD or START..END (default: all time)",
        ),
    ] = None,
    area: Annotated[str | None, Query(max_length=200, description="Area name")] = None,
    feeder: Annotated[str | None, Query(max_length=200, description="Feeder name")] = None,
    crew: Annotated[str | None, Query(max_length=200, description="Crew name")] = None,
) -> StatsRead:
    """Images, rejected, findings, defects (by grade and status), poles inspected, km flown,
    coverage %, overdue defects and mean time to repair; with a period, the same a year earlier
    and the change."""
    return StatsRead.model_validate(
        stats.compute(session, period=period, area=area, feeder=feeder, crew=crew)
    )
