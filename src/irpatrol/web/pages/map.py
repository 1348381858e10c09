"""The map: feeders as lines, poles coloured by their worst open defect; a pole's history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from irpatrol.errors import NotFound
from irpatrol.registry.listing import Sorting, first_rows
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
    defects = open_defects(session, user.language)
    worst: dict[int, int] = {}
    for row in defects:  # ascending severity: the last one per pole is its worst
        if row[7] is not None:
            worst[int(row[7])] = int(row[8])  # type: ignore[call-overload]
    data = queries.map_data(session, worst)
    return page(request, session, user, "map.html", nav="map", data=data, tile_url=tile_url,
                layers=_layers(session, user.language, defects))


def _layers(session: SessionDep, lang: str, defects: list[list[object]]) -> dict[str, object]:
    """The extra map layers: poles never inspected (no image matched to them) and open hazards
    with their kind and grade in ``lang``."""
    from irpatrol.registry.model import Hazard
    from irpatrol.registry.workflow import HazardStatus
    from irpatrol.web.i18n import grade_label, t

    seen = select(Image.id).where(Image.pole_id == Pole.id).exists()
    never = session.execute(select(Pole.lat, Pole.lon).where(~seen)).all()
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
            "tracks": flight_tracks(session), "defects": [row[:8] for row in defects],
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
POLE_IMAGES = 200
"""Images listed on a pole's page, the newest first."""
NEWEST_IMAGES = Sorting(columns={"captured_at": Image.captured_at}, default="-captured_at")
"""Most patrols whose flight track the map draws (the newest; older ones are on their patrol page)."""


def flight_tracks(session: SessionDep) -> list[list[object]]:
    """Each patrol's flight track: [patrol id, date (ISO), [[lat, lon], …]] with the image positions
    in capture order — the same points and order the patrol's km flown is measured along
    (:func:`irpatrol.registry.patrols.update_track`); the newest :data:`TRACK_PATROLS` patrols."""
    from irpatrol.registry.model import Patrol

    patrols = first_rows(session, select(Patrol.id, Patrol.date), queries.NEWEST_PATROLS, TRACK_PATROLS,
                         rows=True)
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
    status in ``lang``, defect id, pole number, feeder name, pole id, severity], by ascending
    severity (the worst drawn last, on top). The page sends the first eight."""
    from irpatrol.registry.model import Defect, Feeder
    from irpatrol.registry.workflow import OPEN
    from irpatrol.web.i18n import status_label

    d, p, f = Defect.__table__.c, Pole.__table__.c, Feeder.__table__.c
    # plain Core rows through the session's connection: no ORM row processing for thousands of rows
    rows = session.connection().execute(
        select(d.id, d.grade, d.status, d.lat, d.lon, p.lat, p.lon, p.number, f.name, d.pole_id, d.severity)
        .select_from(Defect.__table__.outerjoin(Pole.__table__, d.pole_id == p.id)
                     .outerjoin(Feeder.__table__, p.feeder_id == f.id))
        .where(d.status.in_([s.value for s in OPEN]))
    ).all()
    # a county's open defects run to thousands: each status label once
    statuses = {status: status_label(status, lang) for status in {r[2] for r in rows}}
    out: list[list[object]] = [
        [round(plat if dlat is None else dlat, 5), round(plon if dlon is None else dlon, 5), grade,
         statuses[status], did, number or "", feeder or "", pole_id, severity or 0]
        for did, grade, status, dlat, dlon, plat, plon, number, feeder, pole_id, severity in rows
        if dlat is not None or plat is not None]
    return sorted(out, key=lambda r: (r[8], r[4]))


@router.get("/poles/{pole_id}", response_class=HTMLResponse)
def pole_history(pole_id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    """A pole's defects (every status) and the images taken of it, newest first."""
    pole = session.get(Pole, pole_id)
    if pole is None:
        raise NotFound(f"no pole {pole_id}")
    defects = ledger_rows(session, {"pole_id": pole_id}, sort="-found_at")
    images = first_rows(session, select(Image).where(Image.pole_id == pole_id), NEWEST_IMAGES, POLE_IMAGES)
    return page(request, session, user, "pole.html", nav="map", pole=pole, defects=defects, images=images)
