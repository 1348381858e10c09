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
            "tracks": flight_tracks(session), "defects": open_defects(session, lang),
            "labels": {"never": t("never_inspected", lang), "hazards": t("hazards", lang),
                       "hazard_url": "/ui/hazards/", "tracks": t("layer_tracks", lang),
                       "defects": t("layer_defects", lang), "legend": t("map_legend", lang),
                       "track_legend": t("track_legend", lang), "never_legend": t("layer_never", lang),
                       "patrol": t("patrol_n", lang), "images": t("images_n", lang),
                       "defect": t("defect_n", lang), "pole": t("pole", lang),
                       "hazard_colour": t("colour_is_grade", lang),
                       "patrol_url": "/ui/patrols/", "defect_url": "/ui/ledger/",
                       "pole_url": "/ui/poles/", "history": t("pole_history", lang),
                       "grades": {g: grade_label(g, lang) for g in ("critical", "serious", "general")}}}


TRACK_PATROLS = 100
"""Most patrols whose flight track the map draws (the newest; older ones are on their patrol page)."""


def flight_tracks(session: SessionDep) -> list[list[object]]:
    """Each patrol's flight track: [patrol id, date (ISO), [[lat, lon], …]] with the image positions
    in capture order — the same points and order the patrol's km flown is measured along
    (:func:`irpatrol.registry.patrols.update_track`); the newest :data:`TRACK_PATROLS` patrols."""
    from irpatrol.registry.model import Patrol

    patrols = session.execute(
        select(Patrol.id, Patrol.date).order_by(Patrol.date.desc(), Patrol.id.desc()).limit(TRACK_PATROLS)
    ).all()
    if not patrols:
        return []
    points: dict[int, list[list[float]]] = {pid: [] for pid, _d in patrols}
    rows = session.execute(
        select(Image.patrol_id, Image.lat, Image.lon)
        .where(Image.patrol_id.in_(list(points)), Image.lat.is_not(None), Image.lon.is_not(None))
        .order_by(Image.patrol_id, Image.captured_at, Image.original_name, Image.id)
    ).all()
    for pid, lat, lon in rows:
        if pid is not None and lat is not None and lon is not None:
            points[pid].append([round(lat, 5), round(lon, 5)])
    return [[pid, day.isoformat() if day else "", points[pid]]
            for pid, day in reversed(patrols) if points[pid]]


def open_defects(session: SessionDep, lang: str) -> list[list[object]]:
    """Open defects where they are (their own position, else their pole's): [lat, lon, grade,
    status in ``lang``, defect id, pole number, feeder name, pole id], the worst grade last (drawn
    on top)."""
    from irpatrol.registry import grades
    from irpatrol.registry.model import Defect, Feeder
    from irpatrol.registry.workflow import OPEN
    from irpatrol.web.i18n import status_label

    rows = session.execute(
        select(Defect.id, Defect.grade, Defect.status, Defect.lat, Defect.lon, Pole.lat, Pole.lon,
               Pole.number, Feeder.name, Defect.pole_id)
        .outerjoin(Pole, Defect.pole_id == Pole.id)
        .outerjoin(Feeder, Pole.feeder_id == Feeder.id)
        .where(Defect.status.in_([s.value for s in OPEN]))
    ).all()
    out: list[list[object]] = [
        [round(plat if dlat is None else dlat, 5), round(plon if dlon is None else dlon, 5), grade,
         status_label(status, lang), did, number or "", feeder or "", pole_id]
        for did, grade, status, dlat, dlon, plat, plon, number, feeder, pole_id in rows
        if dlat is not None or plat is not None]
    return sorted(out, key=lambda r: (grades.severity(None, str(r[2])), r[4]))


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
