"""Report use cases shared by the CLI, the API and the web app: registry in, file bytes out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from irpatrol.registry.defects import DefectFilters
from irpatrol.reports import content
from irpatrol.reports.csv import ledger_csv as _ledger_csv
from irpatrol.reports.excel import ledger_xlsx as _ledger_xlsx
from irpatrol.reports.images import file_loader
from irpatrol.reports.ledger import ledger_rows
from irpatrol.reports.pdf import patrol_pdf as _patrol_pdf

Filters = DefectFilters | Mapping[str, Any] | None


def patrol_pdf(session: Session, patrol_id: int, *, lang: str = "en", data_dir: Path | None = None) -> bytes:
    """The PDF report of patrol ``patrol_id`` (images read from ``data_dir`` when given)."""
    loader = file_loader(data_dir, ranges=_patrol_range(session, patrol_id)) if data_dir is not None else None
    return _patrol_pdf(content.patrol_report(session, patrol_id, images=loader), lang)


def _patrol_range(session: Session, patrol_id: int) -> dict[int, tuple[float, float]]:
    """The patrol's fixed colour range (°C) when one is set."""
    from irpatrol.registry.model import Patrol

    patrol = session.get(Patrol, patrol_id)
    if patrol is None or patrol.display_t_min_c is None or patrol.display_t_max_c is None:
        return {}
    return {patrol_id: (patrol.display_t_min_c, patrol.display_t_max_c)}


def ledger_xlsx(
    session: Session, *, lang: str = "en", filters: Filters = None, sort: str = "-grade"
) -> bytes:
    """The defect ledger (defects matching ``filters``) as an Excel workbook."""
    return _ledger_xlsx(ledger_rows(session, filters, sort=sort), lang, demo=has_demo_data(session))


def ledger_csv(session: Session, *, lang: str = "en", filters: Filters = None, sort: str = "-grade") -> bytes:
    """The defect ledger (defects matching ``filters``) as CSV."""
    return _ledger_csv(ledger_rows(session, filters, sort=sort), lang)


def has_demo_data(session: Session) -> bool:
    """True when some patrol in the database is marked as demo data."""
    from sqlalchemy import func, select

    from irpatrol.registry.model import Patrol

    mark = f"%{content.DEMO_MARK}%"
    return bool(session.scalar(select(func.count(Patrol.id)).where(func.lower(Patrol.note).like(mark))))
