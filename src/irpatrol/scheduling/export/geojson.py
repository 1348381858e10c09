"""GeoJSON (RFC 7946) of one day's plan: a ``LineString`` per sortie (takeoff → poles → takeoff),
a ``Point`` per pole and per takeoff point; coordinates [lon, lat] in WGS84 (RFC 7946 §3.1.1).
Properties as in scheduling.md §4.2: ``crew``, ``date``, ``sortie_id``, ``seq``, ``pole_id``,
``feeder_id``, ``est_duration_s``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from irpatrol.scheduling.core.model import CrewDay


def day_geojson(crew_days: Sequence[CrewDay]) -> dict[str, Any]:
    """One FeatureCollection for the given crew days (usually one day, one or all crews)."""
    features: list[dict[str, Any]] = []
    for cd in crew_days:
        common = {"crew": cd.crew, "date": cd.day.isoformat()}
        for t in cd.takeoffs:
            features.append(_point(t.lon, t.lat, {**common, "kind": "takeoff", "takeoff_id": t.id}))
        for s in cd.sorties:
            line = [[s.takeoff.lon, s.takeoff.lat], *([v.lon, v.lat] for v in s.visits),
                    [s.takeoff.lon, s.takeoff.lat]]
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {**common, "kind": "sortie", "sortie_id": s.id, "takeoff_id": s.takeoff.id,
                               "est_duration_s": s.flight_s, "start_s": s.start_s,
                               "poles": len(s.visits)},
            })
            for seq, v in enumerate(s.visits):
                features.append(_point(v.lon, v.lat, {**common, "kind": "pole", "sortie_id": s.id,
                                                      "seq": seq, "pole_id": v.pole_id,
                                                      "feeder_id": v.feeder_id}))
    return {"type": "FeatureCollection", "features": features}


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
