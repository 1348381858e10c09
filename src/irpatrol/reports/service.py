"""Report use cases shared by the CLI, the API and the web app: registry in, file bytes out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from irpatrol.db import utcnow
from irpatrol.registry.defects import DefectFilters
from irpatrol.reports import content, scope
from irpatrol.reports.csv import ledger_csv as _ledger_csv
from irpatrol.reports.excel import ledger_xlsx as _ledger_xlsx
from irpatrol.reports.excel import scope_xlsx as _scope_xlsx
from irpatrol.reports.images import file_loader
from irpatrol.reports.ledger import ledger_rows, to_row
from irpatrol.reports.pdf import patrol_pdf as _patrol_pdf
from irpatrol.reports.pdf import scope_pdf as _scope_pdf
from irpatrol.reports.scope import ScopeReport

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


def feeder_report(session: Session, feeder_id: int, *, closed_days: int = 90,
                  data_dir: Path | None = None) -> ScopeReport:
    """The feeder report's content (images read from ``data_dir`` when given)."""
    loader = file_loader(data_dir) if data_dir is not None else None
    return scope.feeder_report(session, feeder_id, closed_days=closed_days, images=loader)


def period_report(session: Session, date_from: date, date_to: date, *, area: str | None = None,
                  data_dir: Path | None = None) -> ScopeReport:
    """The period report's content (images read from ``data_dir`` when given)."""
    loader = file_loader(data_dir) if data_dir is not None else None
    return scope.period_report(session, date_from, date_to, area=area, images=loader)


def scope_pdf(report: ScopeReport, lang: str = "en") -> bytes:
    """A feeder or period report as PDF."""
    return _scope_pdf(report, lang)


def scope_xlsx(session: Session, report: ScopeReport, lang: str = "en") -> bytes:
    """A feeder or period report as an Excel workbook: the same defects, in the same order, with
    the ledger's columns (read again from the registry, as the ledger reads them)."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload, selectinload

    from irpatrol.registry.model import Defect, Feeder, Pole

    ids = report.defect_ids
    defects = {d.id: d for d in session.scalars(
        select(Defect).where(Defect.id.in_(ids))
        .options(joinedload(Defect.pole).joinedload(Pole.feeder).joinedload(Feeder.area),
                 joinedload(Defect.component), selectinload(Defect.findings), selectinload(Defect.events))
    ).unique()} if ids else {}
    now = utcnow()
    rows = [to_row(defects[i], now) for i in ids if i in defects]
    return _scope_xlsx(report, rows, lang)


def feeder_id_by_name(session: Session, name: str) -> int:
    """The id of the feeder called ``name``; NotFound naming it when there is none."""
    from sqlalchemy import select

    from irpatrol.errors import NotFound
    from irpatrol.registry.model import Feeder

    found = session.scalar(select(Feeder.id).where(Feeder.name == name))
    if found is None:
        raise NotFound(f"no feeder {name!r}")
    return found
