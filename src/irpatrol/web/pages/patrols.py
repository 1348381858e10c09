"""Patrols: the list, and one patrol with its conditions, defects and an image grid in a palette."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from irpatrol.errors import NotFound
from irpatrol.registry.listing import PageRequest, search_page
from irpatrol.registry.model import Finding, Image, Patrol, PatrolFeeder
from irpatrol.reports.content import REPORT_META_KEYS, is_demo_patrol, patrol_report
from irpatrol.web.deps import ReadUser, SessionDep
from irpatrol.web.queries import NEWEST_PATROLS
from irpatrol.web.render import NavItem, page
from irpatrol.web.thumbs import PALETTES

router = APIRouter()
NAV = NavItem("patrols", "/patrols", 30)
"""This page's link(s) in the navigation bar."""
PER_PAGE = 100


@router.get("/patrols", response_class=HTMLResponse)
def patrol_list(request: Request, user: ReadUser, session: SessionDep, page_no: int = 1) -> HTMLResponse:
    """Patrols, newest first, with their image, defect and km counts."""
    images = (
        select(Image.patrol_id, func.count(Image.id).label("n"),
               func.count(func.distinct(Image.pole_id)).label("p"))
        .group_by(Image.patrol_id).subquery()
    )
    findings = (
        select(Image.patrol_id, func.count(func.distinct(Finding.defect_id)).label("d"))
        .join(Finding, Finding.image_id == Image.id).group_by(Image.patrol_id).subquery()
    )
    stmt = (
        select(Patrol, images.c.n, images.c.p, findings.c.d)
        .outerjoin(images, images.c.patrol_id == Patrol.id)
        .outerjoin(findings, findings.c.patrol_id == Patrol.id)
        .options(selectinload(Patrol.crew), selectinload(Patrol.feeders).selectinload(PatrolFeeder.feeder))
    )
    found = search_page(session, stmt, PageRequest(page=max(page_no, 1), per_page=PER_PAGE), NEWEST_PATROLS,
                        count=select(func.count(Patrol.id)), rows=True)
    rows, total, pages = found.items, found.total, found.pages
    return page(request, session, user, "patrols.html", nav="patrols", rows=rows, total=total,
                page_no=page_no, pages=pages, is_demo=is_demo_patrol)


@router.get("/patrols/{patrol_id}", response_class=HTMLResponse)
def patrol_detail(patrol_id: int, request: Request, user: ReadUser, session: SessionDep,
                  palette: str = "iron", ok: str | None = None, flash: str | None = None) -> HTMLResponse:
    """One patrol: conditions, defects found, and every image in the chosen palette."""
    report = patrol_report(session, patrol_id)
    patrol = session.get(Patrol, patrol_id)
    if patrol is None:
        raise NotFound(f"no patrol {patrol_id}")
    images = session.scalars(
        select(Image).where(Image.patrol_id == patrol_id)
        .options(selectinload(Image.pole), selectinload(Image.findings))
        .order_by(Image.captured_at, Image.id)
    ).all()
    return page(request, session, user, "patrol.html", nav="patrols", r=report, patrol=patrol, images=images,
                palette=palette if palette in PALETTES else "iron", palettes=PALETTES, ok=ok, flash_msg=flash,
                meta_keys=REPORT_META_KEYS)
