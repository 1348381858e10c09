"""Every crew-day mission format, registered once: ``MISSION_FORMATS[format]`` gives its media type,
its file names and its writer. The CLI (``schedule missions``, one file per day, or per sortie for
WPML) and the web (one download per crew day) both go through :func:`mission_files` and
:func:`mission_download`; a new format is one entry here plus its writer.

The document differs from :mod:`irpatrol.reports.exports` (a stored plan's crew day, not a registry
query, and possibly several files), hence a registry beside it. The project missions of
acceptance and supervision (``mission.kmz``) are single KMZ files and take their media type from
:data:`irpatrol.reports.exports.KMZ_MEDIA_TYPE`.

============  ====================================  =========================  ====================
format        CLI file(s)                            download                   content
============  ====================================  =========================  ====================
``wpml``      ``<sortie id>.kmz`` each               ``<day>-<crew>-wpml.zip``  DJI WPML KMZ per sortie
``kml``       ``<YYYYMMDD>-<crew>.kml``              ``<day>-<crew>.kml``       the day's sorties
``geojson``   ``<YYYYMMDD>-<crew>.geojson``          ``<day>-<crew>.geojson``   the day's sorties
``ical``      ``<crew>.ics``                         ``<crew>.ics``             the crew's days
============  ====================================  =========================  ====================
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from irpatrol.errors import NotFound, ParameterError
from irpatrol.reports.exports import KMZ_MEDIA_TYPE
from irpatrol.scheduling.service import Plan

__all__ = [
    "MISSION_FORMATS",
    "CrewDayQuery",
    "MissionFile",
    "MissionFormat",
    "mission_download",
    "mission_files",
]

ZIP_MEDIA_TYPE = "application/zip"
DEFAULT_TZ = "Asia/Shanghai"
"""The crews' time zone of an iCalendar unless the caller names one (IANA)."""


@dataclass(frozen=True)
class CrewDayQuery:
    """One crew's day of a stored plan. ``day`` may be None for the iCalendar (all the crew's
    days); ``tz`` is the crews' IANA zone (iCalendar); ``source`` names the plan in errors."""

    plan: Plan
    crew: str
    day: date | None
    tz: str = DEFAULT_TZ
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    source: str | None = None


@dataclass(frozen=True)
class MissionFile:
    """One written file: its name, media type, bytes and the writer's warnings (WPML limits)."""

    name: str
    media_type: str
    data: bytes
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissionFormat:
    """A mission format: ``write(query)`` gives the files the CLI writes; ``download`` is the name
    template of the single HTTP download (``{day}``, ``{crew}``); several files go in one zip."""

    media_type: str
    write: Callable[[CrewDayQuery], list[MissionFile]]
    download: str


def _crew_day(q: CrewDayQuery) -> Any:
    cd = q.plan.crew_day(q.day, q.crew) if q.day is not None else None
    if cd is None:
        raise NotFound(f"no plan for crew {q.crew!r} on {q.day}", source=q.source)
    return cd


def _wpml(q: CrewDayQuery) -> list[MissionFile]:
    from irpatrol.scheduling.export import wpml
    from irpatrol.scheduling.service import DRONES, Drone, mission

    cd = _crew_day(q)
    drone = next((x for x in DRONES if x.model == cd.drone), Drone(cd.drone))
    files = []
    for s in cd.sorties:
        m = mission(s, drone)
        data = wpml.kmz(m, cd.drone, q.now)
        files.append(MissionFile(f"{s.id}.kmz", KMZ_MEDIA_TYPE, data, tuple(m.warnings)))
    return files


def _kml(q: CrewDayQuery) -> list[MissionFile]:
    from irpatrol.scheduling.export import kml

    cd = _crew_day(q)
    data = kml.day_kml([cd], f"{q.crew} {cd.day}")
    return [MissionFile(f"{cd.day:%Y%m%d}-{q.crew}.kml", MISSION_FORMATS["kml"].media_type, data)]


def _geojson(q: CrewDayQuery) -> list[MissionFile]:
    from irpatrol.scheduling.export import geojson

    cd = _crew_day(q)
    data = json.dumps(geojson.day_geojson([cd]), ensure_ascii=False).encode("utf-8")
    return [MissionFile(f"{cd.day:%Y%m%d}-{q.crew}.geojson", MISSION_FORMATS["geojson"].media_type, data)]


def _ical(q: CrewDayQuery) -> list[MissionFile]:
    from irpatrol.scheduling.export import ical

    data = ical.crew_calendar(q.crew, q.plan.crew_days, q.now, tz=q.tz,
                              weather_unknown=q.plan.weather_unknown)
    return [MissionFile(f"{q.crew}.ics", MISSION_FORMATS["ical"].media_type, data)]


MISSION_FORMATS: dict[str, MissionFormat] = {
    "wpml": MissionFormat(KMZ_MEDIA_TYPE, _wpml, "{day}-{crew}-wpml.zip"),
    "kml": MissionFormat("application/vnd.google-earth.kml+xml", _kml, "{day}-{crew}.kml"),
    "geojson": MissionFormat("application/geo+json", _geojson, "{day}-{crew}.geojson"),
    "ical": MissionFormat("text/calendar", _ical, "{crew}.ics"),
}


def _format(fmt: str, option: str) -> MissionFormat:
    found = MISSION_FORMATS.get(fmt)
    if found is None:
        raise ParameterError(f"{option} {fmt!r}: choose one of {', '.join(MISSION_FORMATS)}")
    return found


def mission_files(fmt: str, query: CrewDayQuery, *, option: str = "format") -> list[MissionFile]:
    """The files of ``fmt`` for ``query`` (one per day, one per sortie for WPML). ParameterError
    naming ``option`` for an unknown format; NotFound when the crew has no plan that day."""
    return _format(fmt, option).write(query)


def mission_download(fmt: str, query: CrewDayQuery, *, option: str = "format") -> MissionFile:
    """The one file an HTTP download of ``fmt`` gives: the file itself, or a zip (stored, not
    compressed) of several (WPML: one KMZ per sortie)."""
    entry = _format(fmt, option)
    files = entry.write(query)
    name = entry.download.format(day=query.day, crew=query.crew)
    if len(files) == 1 and not name.endswith(".zip"):
        return MissionFile(name, files[0].media_type, files[0].data, files[0].warnings)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for f in files:
            z.writestr(f.name, f.data)
    warnings = tuple(w for f in files for w in f.warnings)
    return MissionFile(name, ZIP_MEDIA_TYPE, buf.getvalue(), warnings)
