"""The map: feeders as lines, poles coloured by their worst open defect; a pole's history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from irpatrol.errors import NotFound
from irpatrol.registry.model import Image, Pole
from irpatrol.reports.ledger import ledger_rows
from irpatrol.web import queries
from irpatrol.web.deps import SessionDep, WebUser
from irpatrol.web.render import page

router = APIRouter()


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """Every feeder and pole on one Leaflet map; the data is inline so it paints at once."""
    tile_url = request.app.state.settings.tile_url
    data = queries.map_data(session)
    return page(request, session, user, "map.html", nav="map", data=data, tile_url=tile_url,
                layers=_layers(session, user.language))


def _layers(session: SessionDep, lang: str) -> dict[str, object]:
    """The extra map layers: poles never inspected (no image matched to them) and open hazards
    with their kind and grade in ``lang``."""
    from irpatrol.registry.model import Hazard
    from irpatrol.registry.workflow import HazardStatus
    from irpatrol.web.i18n import grade_label, t

    seen = select(Image.pole_id).where(Image.pole_id.is_not(None)).distinct()
    never = session.execute(select(Pole.lat, Pole.lon).where(Pole.id.not_in(seen))).all()
    closed = {HazardStatus.CLEARED.value, HazardStatus.REJECTED.value}
    rows = session.execute(
        select(Hazard.id, Hazard.kind, Hazard.grade, Hazard.status, Hazard.lat, Hazard.lon, Pole.lat,
               Pole.lon).outerjoin(Pole, Hazard.pole_id == Pole.id)
    ).all()
    hazards = [[round(plat if hlat is None else hlat, 5), round(plon if hlon is None else hlon, 5),
                t(f"hazard_{kind}", lang), grade_label(grade, lang), grade, hid]
               for hid, kind, grade, status, hlat, hlon, plat, plon in rows
               if status not in closed and (hlat is not None or plat is not None)]
    return {"never": [[round(a, 5), round(b, 5)] for a, b in never], "hazards": hazards,
            "labels": {"never": t("never_inspected", lang), "hazards": t("hazards", lang),
                       "hazard_url": "/ui/hazards/"}}


@router.get("/poles/{pole_id}", response_class=HTMLResponse)
def pole_history(pole_id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """A pole's defects (every status) and the images taken of it, newest first."""
    pole = session.get(Pole, pole_id)
    if pole is None:
        raise NotFound(f"no pole {pole_id}")
    defects = ledger_rows(session, {"pole_id": pole_id}, sort="-found_at")
    images = session.scalars(
        select(Image).where(Image.pole_id == pole_id).order_by(Image.captured_at.desc()).limit(200)
    ).all()
    return page(request, session, user, "pole.html", nav="map", pole=pole, defects=defects, images=images)
