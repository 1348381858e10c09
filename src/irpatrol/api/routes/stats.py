"""``GET /stats``: figures for any period, area, feeder or crew (any role)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from irpatrol.api.deps import ReadUser, SessionDep
from irpatrol.api.schemas import StatsRead
from irpatrol.errors import InputError
from irpatrol.registry import stats

router = APIRouter(tags=["stats"])

PERIOD_PATTERN = r"^(19|2\d)\d{2}[-0-9Qq]*(\.\.(19|2\d)\d{2}[-0-9]*)?$"
"""Periods in the years 1900–2999 (a year earlier must exist, and a day after the end)."""


@router.get("/stats")
def read_stats(
    _: ReadUser,
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
    start: Annotated[
        date | None, Query(description="First day (a date range instead of period; end defaults to today)")
    ] = None,
    end: Annotated[date | None, Query(description="Last day of the date range")] = None,
) -> StatsRead:
    """Images, rejected, findings, defects (by grade and status), poles inspected, km flown,
    coverage %, overdue defects, mean time to repair, open defects by grade and their ageing, and
    the shown figures' texts; with a period (or start/end), the same a year earlier and the change."""
    for day in (start, end):
        if day is not None and not stats.MIN_YEAR <= day.year <= stats.MAX_YEAR:
            raise InputError(f"dates must lie within the years {stats.MIN_YEAR}–{stats.MAX_YEAR}")
    selection = stats.StatsFilter.of(period=period, start=start, end=end, area=area, feeder=feeder, crew=crew)
    return StatsRead.model_validate(stats.compute(session, selection=selection))
