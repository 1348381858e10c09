"""Plain KML 2.2 of one day's plan (Google Earth, older route tools; scheduling.md §4.2): a folder
per crew, a ``LineString`` per sortie through its shot positions with "lon,lat,alt" tuples (alt =
waypoint height above the takeoff point, ``relativeToGround``; :func:`sortie.mission`), a ``Point``
per takeoff point and per pole.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from irpatrol.scheduling.core.model import CrewDay, Drone
from irpatrol.scheduling.core.sortie import mission

KML_NS = "http://www.opengis.net/kml/2.2"


def _el(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def day_kml(crew_days: Sequence[CrewDay], name: str) -> bytes:
    """KML document named ``name`` with the given crew days."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _el(root, "Document")
    _el(doc, "name", name)
    for cd in crew_days:
        folder = _el(doc, "Folder")
        _el(folder, "name", f"{cd.crew} {cd.day.isoformat()}")
        for t in cd.takeoffs:
            pm = _el(folder, "Placemark")
            _el(pm, "name", f"takeoff {t.id}")
            _el(_el(pm, "Point"), "coordinates", f"{t.lon},{t.lat},0")
        for s in cd.sorties:
            pm = _el(folder, "Placemark")
            _el(pm, "name", s.id)
            _el(pm, "description", f"{len(s.visits)} poles, {s.flight_s} s flight")
            ls = _el(pm, "LineString")
            _el(ls, "altitudeMode", "relativeToGround")
            pts = [f"{s.takeoff.lon},{s.takeoff.lat},0"]
            pts += [f"{w.lon},{w.lat},{w.height_m:.1f}" for w in mission(s, Drone(cd.drone)).waypoints]
            pts.append(f"{s.takeoff.lon},{s.takeoff.lat},0")
            _el(ls, "coordinates", " ".join(pts))
            for v in s.visits:
                pp = _el(folder, "Placemark")
                _el(pp, "name", v.pole_id)
                _el(_el(pp, "Point"), "coordinates", f"{v.lon},{v.lat},0")
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
