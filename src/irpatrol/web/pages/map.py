"""The map: feeders as lines, poles coloured by their worst open defect; a pole's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from irpatrol.errors import NotFound
from irpatrol.registry.grades import defect_grades
from irpatrol.registry.listing import Sorting, first_rows
from irpatrol.registry.model import Image, Pole
from irpatrol.registry.snapshot_cache import SnapshotCache
from irpatrol.reports.ledger import ledger_rows
from irpatrol.web import queries
from irpatrol.web.deps import ReadUser, SessionDep
from irpatrol.web.render import NavItem, page

router = APIRouter()
NAV = NavItem("map", "/map", 20)
"""This page's link(s) in the navigation bar."""


@dataclass(frozen=True)
class MapReads:
    """What the map page reads from the registry, before any language: :func:`map_data`'s feeders
    and poles, the open defects (:func:`_open_defect_rows`), the never-inspected poles' positions,
    the hazards with their poles' positions and the flight tracks. Shared between requests while
    the database is unchanged (:data:`MAP_READS`): never modified after it is built."""

    data: dict[str, object]
    defects: list[DefectRow]
    never: list[list[float]]
    hazards: list[tuple[Any, ...]]
    tracks: list[list[object]]


MAP_READS = SnapshotCache(size=2)
"""The last :class:`MapReads` of this process, kept while PostgreSQL's snapshot is unchanged
(:mod:`irpatrol.registry.snapshot_cache`): a registry change shows at the next request, and until
then the map costs no registry reads (100,000 findings: 20 ms of PostgreSQL CPU a request)."""


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, user: ReadUser, session: SessionDep) -> HTMLResponse:
    """Every feeder and pole on one Leaflet map; the data is inline so it paints at once."""
    tile_url = request.app.state.settings.tile_url
    reads = MAP_READS.get(session, "map", lambda: read_map(session))
    defects = open_defects(reads.defects, reads.data, user.language)
    return page(request, session, user, "map.html", nav="map", data=reads.data, tile_url=tile_url,
                layers=_layers(reads, user.language, defects))


def read_map(session: SessionDep) -> MapReads:
    """The map's registry reads (:class:`MapReads`)."""
    from irpatrol.registry.model import Hazard

    rows = _open_defect_rows(session)
    worst: dict[int, int] = {}
    for row in rows:  # ascending severity: the last one per pole is its worst
        if row[5] is not None:
            worst[row[5]] = row[6]
    seen = select(Image.id).where(Image.pole_id == Pole.id).exists()
    never = session.execute(select(Pole.lat, Pole.lon).where(~seen)).all()
    hazards = session.execute(
        select(Hazard.id, Hazard.kind, Hazard.grade, Hazard.status, Hazard.lat, Hazard.lon, Pole.lat,
               Pole.lon).outerjoin(Pole, Hazard.pole_id == Pole.id)
    ).all()
    return MapReads(data=queries.map_data(session, worst), defects=rows,
                    never=[[round(a, 5), round(b, 5)] for a, b in never],
                    hazards=[tuple(h) for h in hazards], tracks=flight_tracks(session))


def _layers(reads: MapReads, lang: str, defects: list[list[object]]) -> dict[str, object]:
    """The extra map layers: poles never inspected (no image matched to them) and open hazards
    with their kind and grade in ``lang``."""
    from irpatrol.registry.workflow import HazardStatus
    from irpatrol.web.i18n import grade_label, t

    closed = {HazardStatus.CLEARED.value, HazardStatus.REJECTED.value}
    order = defect_grades()  # worst first; the labels' JSON object comes with sorted keys
    hazards = [[round(plat if hlat is None else hlat, 5), round(plon if hlon is None else hlon, 5),
                t(f"hazard_{kind}", lang), grade_label(grade, lang), grade, hid]
               for hid, kind, grade, status, hlat, hlon, plat, plon in reads.hazards
               if status not in closed and (hlat is not None or plat is not None)]
    return {"never": reads.never, "hazards": hazards,
            "tracks": reads.tracks, "defects": defects,
            "labels": {"never": t("never_inspected", lang), "hazards": t("hazards", lang),
                       "hazard_url": "/ui/hazards/", "tracks": t("layer_tracks", lang),
                       "defects": t("layer_defects", lang), "legend": t("map_legend", lang),
                       "track_legend": t("track_legend", lang), "never_legend": t("layer_never", lang),
                       "patrol": t("patrol_n", lang), "images": t("images_n", lang),
                       "defect": t("defect_n", lang), "pole": t("pole", lang),
                       "hazard_colour": t("colour_is_grade", lang),
                       "patrol_url": "/ui/patrols/", "defect_url": "/ui/ledger/",
                       "pole_url": "/ui/poles/", "history": t("pole_history", lang),
                       "grades": {g: grade_label(g, lang) for g in order},
                       "grade_order": list(order)}}


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


DefectRow = tuple[int, str, str, float | None, float | None, int | None, int]
"""An open defect as the map reads it: id, grade, status, own lat, own lon, pole id, severity."""


def _open_defect_rows(session: SessionDep) -> list[DefectRow]:
    """The open defects by ascending severity, then id (the worst drawn last, on top): one scan of
    the defect table, no join — the poles' positions, numbers and feeders come from the poles the
    page reads anyway (:func:`irpatrol.web.queries.map_data`)."""
    from irpatrol.registry.model import Defect
    from irpatrol.registry.workflow import OPEN

    d = Defect.__table__.c
    result = session.connection().execute(
        select(d.id, d.grade, d.status, d.lat, d.lon, d.pole_id, d.severity)
        .where(d.status.in_([s.value for s in OPEN]))
        .order_by(d.severity, d.id)
    )
    return [(i, g, st, la, lo, p, sev or 0) for i, g, st, la, lo, p, sev in result]


def open_defects(rows: list[DefectRow], data: dict[str, object], lang: str) -> list[list[object]]:
    """Open defects where they are (their own position, else their pole's), for the map's layer:
    [lat, lon, grade, status in ``lang``, defect id, pole number, feeder name, pole id] in the order
    of ``rows``; ``data`` is :func:`~irpatrol.web.queries.map_data`'s (its poles and feeders)."""
    from irpatrol.web.i18n import status_label

    feeders: list[str] = data["feeders"]  # type: ignore[assignment]
    poles = {p[0]: p for p in data["poles"]}  # type: ignore[attr-defined]
    statuses = {status: status_label(status, lang) for status in {r[2] for r in rows}}  # once each
    out: list[list[object]] = []
    for did, grade, status, dlat, dlon, pole_id, _severity in rows:
        pole = poles.get(pole_id)
        lat, lon = (dlat, dlon) if dlat is not None and dlon is not None else (
            (pole[1], pole[2]) if pole is not None else (None, None))
        if lat is None or lon is None:
            continue
        out.append([round(lat, 5), round(lon, 5), grade, statuses[status], did,
                    pole[5] if pole is not None else "", feeders[pole[4]] if pole is not None else "",
                    pole_id])
    return out


@router.get("/poles/{pole_id}", response_class=HTMLResponse)
def pole_history(pole_id: int, request: Request, user: ReadUser, session: SessionDep) -> HTMLResponse:
    """A pole's defects (every status) and the images taken of it, newest first."""
    pole = session.get(Pole, pole_id)
    if pole is None:
        raise NotFound(f"no pole {pole_id}")
    defects = ledger_rows(session, {"pole_id": pole_id}, sort="-found_at")
    images = first_rows(session, select(Image).where(Image.pole_id == pole_id), NEWEST_IMAGES, POLE_IMAGES)
    return page(request, session, user, "pole.html", nav="map", pole=pole, defects=defects, images=images)
