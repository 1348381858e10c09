"""DJI WPML KMZ writer and reader (one sortie = one KMZ: ``wpmz/template.kml`` +
``wpmz/waylines.wpml``).

Format: DJI Cloud API documentation v1.11.3, "DJI WPML" pages (``00.dji-wpml``: overview,
template.kml, waylines.wpml, common elements), summarised in ../shared/domain/scheduling.md §4.1:
namespace ``http://www.dji.com/wpmz/1.0.2``, coordinates "lon,lat", heights
``relativeToStartPoint`` (``wpml:height`` / ``wpml:executeHeight``; ``wpml:ellipsoidHeight`` is not
written because a take-off-relative height is not an ellipsoid height), one stop-and-shoot waypoint
per shot (``toPointAndStopWithDiscontinuityCurvature``, ``waypointTurnDampingDist`` in
(0, segment]) whose heading comes from ``waypointHeadingParam`` (``smoothTransition`` to the
shot heading, ``waypointHeadingPathMode`` ``followBadArc`` = shortest rotation, in the per-point
and in the global heading parameter) and an action group ``gimbalRotate`` → ``hover`` →
``takePhoto`` (file suffix = pole id; ``payloadLensIndex`` only on the models the common-element
table lists for it, M30/M30T; the others use the global ``imageFormat``). No ``rotateYaw``: the
heading parameter does the same on every listed airframe. The waylines folder carries
``wpml:distance`` (m) and ``wpml:duration`` (s) as DJI Pilot 2's own exports do.
:mod:`wpml_rules` checks a KMZ against these rules.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from irpatrol.errors import InputError, ParameterError
from irpatrol.scheduling.core.geo import project
from irpatrol.scheduling.core.sortie import VIEW_SUFFIX, Mission, Waypoint

KML_NS = "http://www.opengis.net/kml/2.2"
WPML_NS = "http://www.dji.com/wpmz/1.0.2"
TEMPLATE = "wpmz/template.kml"
WAYLINES = "wpmz/waylines.wpml"
ET.register_namespace("", KML_NS)
ET.register_namespace("wpml", WPML_NS)


@dataclass(frozen=True, slots=True)
class Aircraft:
    """WPML enumeration values (Cloud API product support page, scheduling.md §4.1 table)."""

    drone_enum: int
    drone_sub_enum: int
    payload_enum: int
    lens: str = "wide,ir"
    lens_index: bool = False
    """Whether ``takePhoto`` may carry ``payloadLensIndex`` (common elements, takePhoto table:
    M30/M30T, M3D/M3TD only)."""


AIRCRAFT: dict[str, Aircraft] = {
    "M30T": Aircraft(67, 1, 53, lens_index=True),
    "M30": Aircraft(67, 0, 52, lens="wide", lens_index=True),
    "M300-H20T": Aircraft(60, 0, 43),
    "M350-H20T": Aircraft(89, 0, 43),
    "M3T": Aircraft(77, 1, 67),
    "M4T": Aircraft(99, 1, 89),
}
"""Our drone model names → (droneEnumValue, droneSubEnumValue, main-gimbal payloadEnumValue)."""


def aircraft(model: str) -> Aircraft:
    try:
        return AIRCRAFT[model]
    except KeyError:
        known = ", ".join(sorted(AIRCRAFT))
        raise ParameterError(f"no WPML enumeration for drone model {model!r} (known: {known})") from None


def _w(tag: str) -> str:
    return f"{{{WPML_NS}}}{tag}"


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


KML_TAGS = frozenset({"kml", "Document", "Folder", "Placemark", "Point", "coordinates"})
"""Elements of plain KML 2.2; every other element is in the wpml namespace."""


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    el = ET.SubElement(parent, _k(tag) if tag in KML_TAGS else _w(tag))
    if text is not None:
        el.text = _fmt(text)
    return el


def _fmt(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v) if v != int(v) else str(int(v))  # shortest text that reads back exactly
    return str(v)


def _mission_config(doc: ET.Element, m: Mission, a: Aircraft) -> None:
    mc = _sub(doc, "missionConfig")
    _sub(mc, "flyToWaylineMode", "safely")
    _sub(mc, "finishAction", "goHome")
    _sub(mc, "exitOnRCLost", "executeLostAction")
    _sub(mc, "executeRCLostAction", "goBack")
    _sub(mc, "takeOffSecurityHeight", m.takeoff_security_height_m)
    _sub(mc, "globalTransitionalSpeed", m.speed_m_s)
    _sub(mc, "globalRTHHeight", m.rth_height_m)
    di = _sub(mc, "droneInfo")
    _sub(di, "droneEnumValue", a.drone_enum)
    _sub(di, "droneSubEnumValue", a.drone_sub_enum)
    pi = _sub(mc, "payloadInfo")
    _sub(pi, "payloadEnumValue", a.payload_enum)
    _sub(pi, "payloadPositionIndex", 0)


DAMPING_M = 0.2
"""Turn damping distance (m) for stop-at-point waypoints: the spec's range is (0, segment], the
value DJI Pilot 2 writes for this turn mode; cut to the segment when shorter."""


def _heading(parent: ET.Element, w: Waypoint) -> None:
    hp = _sub(parent, "waypointHeadingParam")
    _sub(hp, "waypointHeadingMode", "smoothTransition")
    _sub(hp, "waypointHeadingAngle", round(w.heading_deg))
    _sub(hp, "waypointHeadingPathMode", "followBadArc")


def segments_m(m: Mission) -> list[float]:
    """3D length (m) of the segment from each waypoint to the next (the last: from the previous)."""
    wps = m.waypoints
    if len(wps) == 1:
        return [float("inf")]
    xy = project([w.lat for w in wps], [w.lon for w in wps], wps[0].lat, wps[0].lon)
    seg = [math.hypot(float(xy[i + 1][0] - xy[i][0]), float(xy[i + 1][1] - xy[i][1]),
                      wps[i + 1].height_m - wps[i].height_m) for i in range(len(wps) - 1)]
    return [*seg, seg[-1]]


def _turn(parent: ET.Element, segment_m: float) -> None:
    tp = _sub(parent, "waypointTurnParam")
    _sub(tp, "waypointTurnMode", "toPointAndStopWithDiscontinuityCurvature")
    _sub(tp, "waypointTurnDampingDist", round(min(DAMPING_M, segment_m), 3))


def distance_duration(m: Mission) -> tuple[float, float]:
    """Wayline length (m: climb to the first waypoint, the legs, and back to the take-off point)
    and duration (s: legs at the waypoint speed, hover, ~5 s per gimbal move and photo)."""
    wps = m.waypoints
    xy = project([m.takeoff_lat, *(w.lat for w in wps)], [m.takeoff_lon, *(w.lon for w in wps)],
                 m.takeoff_lat, m.takeoff_lon)
    pts = [(0.0, 0.0, 0.0)]
    pts += [(float(xy[i + 1][0]), float(xy[i + 1][1]), w.height_m) for i, w in enumerate(wps)]
    pts.append((0.0, 0.0, 0.0))
    dist = sum(math.dist(pts[i], pts[i + 1]) for i in range(len(pts) - 1))
    dur = dist / m.speed_m_s + sum(w.hover_s + 5.0 for w in wps)
    return round(dist, 1), round(dur, 1)


def _actions(parent: ET.Element, w: Waypoint, a: Aircraft) -> None:
    ag = _sub(parent, "actionGroup")
    _sub(ag, "actionGroupId", w.index)
    _sub(ag, "actionGroupStartIndex", w.index)
    _sub(ag, "actionGroupEndIndex", w.index)
    _sub(ag, "actionGroupMode", "sequence")
    tr = _sub(ag, "actionTrigger")
    _sub(tr, "actionTriggerType", "reachPoint")
    photo: list[tuple[str, object]] = [("payloadPositionIndex", 0), ("fileSuffix", w.file_suffix)]
    if a.lens_index:
        photo += [("payloadLensIndex", a.lens), ("useGlobalPayloadLensIndex", 0)]
    else:
        photo += [("useGlobalPayloadLensIndex", 1)]
    params: list[tuple[str, list[tuple[str, object]]]] = [
        ("gimbalRotate", [
            ("gimbalHeadingYawBase", "north"), ("gimbalRotateMode", "absoluteAngle"),
            ("gimbalPitchRotateEnable", 1), ("gimbalPitchRotateAngle", w.gimbal_pitch_deg),
            ("gimbalRollRotateEnable", 0), ("gimbalRollRotateAngle", 0),
            ("gimbalYawRotateEnable", 0), ("gimbalYawRotateAngle", 0),
            ("gimbalRotateTimeEnable", 0), ("gimbalRotateTime", 0), ("payloadPositionIndex", 0),
        ]),
        ("hover", [("hoverTime", w.hover_s)]),
        ("takePhoto", photo),
    ]
    for i, (func, kv) in enumerate(params):
        act = _sub(ag, "action")
        _sub(act, "actionId", i)
        _sub(act, "actionActuatorFunc", func)
        fp = _sub(act, "actionActuatorFuncParam")
        for key, val in kv:
            _sub(fp, key, val)


def waylines_xml(m: Mission, model: str) -> bytes:
    """The execution file ``waylines.wpml`` (scheduling.md §4.1 items 1–5)."""
    a = aircraft(model)
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    _mission_config(doc, m, a)
    folder = _sub(doc, "Folder")
    _sub(folder, "templateId", 0)
    _sub(folder, "executeHeightMode", "relativeToStartPoint")
    _sub(folder, "waylineId", 0)
    _sub(folder, "autoFlightSpeed", m.speed_m_s)
    dist, dur = distance_duration(m)
    _sub(folder, "distance", dist)
    _sub(folder, "duration", dur)
    for w, seg in zip(m.waypoints, segments_m(m), strict=True):
        pm = _sub(folder, "Placemark")
        _sub(_sub(pm, "Point"), "coordinates", f"{_fmt(w.lon)},{_fmt(w.lat)}")
        _sub(pm, "index", w.index)
        _sub(pm, "executeHeight", w.height_m)
        _sub(pm, "waypointSpeed", w.speed_m_s)
        _heading(pm, w)
        _turn(pm, seg)
        _sub(pm, "useStraightLine", 1)
        _actions(pm, w, a)
    return _serialise(root)


def template_xml(m: Mission, model: str, created: datetime) -> bytes:
    """The template file ``template.kml`` (waypoint template, scheduling.md §4.1)."""
    a = aircraft(model)
    ms = int(created.timestamp() * 1000)
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    _sub(doc, "author", "irpatrol")
    _sub(doc, "createTime", ms)
    _sub(doc, "updateTime", ms)
    _mission_config(doc, m, a)
    folder = _sub(doc, "Folder")
    _sub(folder, "templateType", "waypoint")
    _sub(folder, "templateId", 0)
    cs = _sub(folder, "waylineCoordinateSysParam")
    _sub(cs, "coordinateMode", "WGS84")
    _sub(cs, "heightMode", "relativeToStartPoint")
    _sub(folder, "autoFlightSpeed", m.speed_m_s)
    _sub(folder, "globalHeight", max(w.height_m for w in m.waypoints))
    _sub(folder, "caliFlightEnable", 0)
    _sub(folder, "gimbalPitchMode", "usePointSetting")
    gh = _sub(folder, "globalWaypointHeadingParam")
    _sub(gh, "waypointHeadingMode", "followWayline")
    _sub(gh, "waypointHeadingPathMode", "followBadArc")
    _sub(folder, "globalWaypointTurnMode", "toPointAndStopWithDiscontinuityCurvature")
    _sub(folder, "globalUseStraightLine", 1)
    for w, seg in zip(m.waypoints, segments_m(m), strict=True):
        pm = _sub(folder, "Placemark")
        _sub(_sub(pm, "Point"), "coordinates", f"{_fmt(w.lon)},{_fmt(w.lat)}")
        _sub(pm, "index", w.index)
        _sub(pm, "useGlobalHeight", 0)
        _sub(pm, "height", w.height_m)
        _sub(pm, "useGlobalSpeed", 0)
        _sub(pm, "waypointSpeed", w.speed_m_s)
        _sub(pm, "useGlobalHeadingParam", 0)
        _heading(pm, w)
        _sub(pm, "useGlobalTurnParam", 0)
        _turn(pm, seg)
        _sub(pm, "useStraightLine", 1)
        _sub(pm, "gimbalPitchAngle", w.gimbal_pitch_deg)
        _actions(pm, w, a)
    pp = _sub(folder, "payloadParam")
    _sub(pp, "payloadPositionIndex", 0)
    _sub(pp, "imageFormat", a.lens)
    return _serialise(root)


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def kmz(m: Mission, model: str, created: datetime) -> bytes:
    """The KMZ archive (ZIP) with ``wpmz/template.kml`` and ``wpmz/waylines.wpml``; name the
    file ``<mission name>.kmz`` (the file name is the route name in DJI Pilot 2)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(TEMPLATE, template_xml(m, model, created))
        z.writestr(WAYLINES, waylines_xml(m, model))
    return buf.getvalue()


def read_kmz(data: bytes, source: str = "kmz") -> tuple[Waypoint, ...]:
    """The waypoints of a WPML KMZ's ``waylines.wpml`` (first wayline), for round trips and checks.

    Raises :class:`InputError` naming ``source`` and the missing part when the file is not a
    readable WPML KMZ.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(WAYLINES)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"not a WPML KMZ ({exc})", source=source) from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise InputError(f"{WAYLINES}: {exc}", source=source) from None
    folder = root.find(f"{_k('Document')}/{_k('Folder')}")
    if folder is None:
        raise InputError(f"{WAYLINES}: no Document/Folder", source=source)
    out = []
    for pm in folder.findall(_k("Placemark")):
        try:
            out.append(_waypoint(pm))
        except (AttributeError, KeyError, ValueError, TypeError) as exc:
            raise InputError(f"{WAYLINES}: placemark {len(out)}: {exc}", source=source) from None
    return tuple(out)


def _text(el: ET.Element, path: str) -> str:
    found = el.find(path)
    if found is None or found.text is None:
        raise ValueError(f"missing {path.replace('{' + WPML_NS + '}', 'wpml:')}")
    return found.text


def _waypoint(pm: ET.Element) -> Waypoint:
    lon, lat = (float(x) for x in _text(pm, f"{_k('Point')}/{_k('coordinates')}").split(",")[:2])
    params: dict[str, str] = {}
    for act in pm.iter(_w("action")):
        fp = act.find(_w("actionActuatorFuncParam"))
        if fp is None:
            continue
        func = _text(act, _w("actionActuatorFunc"))
        for child in fp:
            params[f"{func}.{child.tag.split('}')[1]}"] = child.text or ""
    suffix = params["takePhoto.fileSuffix"]
    pole_id, view = suffix, 1
    head, sep, tail = suffix.rpartition(VIEW_SUFFIX)
    if sep and tail.isdigit() and int(tail) > 1:
        pole_id, view = head, int(tail)
    return Waypoint(
        index=int(_text(pm, _w("index"))),
        lat=lat, lon=lon,
        height_m=float(_text(pm, _w("executeHeight"))),
        speed_m_s=float(_text(pm, _w("waypointSpeed"))),
        heading_deg=float(_text(pm, f"{_w('waypointHeadingParam')}/{_w('waypointHeadingAngle')}")),
        gimbal_pitch_deg=float(params["gimbalRotate.gimbalPitchRotateAngle"]),
        hover_s=float(params["hover.hoverTime"]),
        pole_id=pole_id, view=view,
    )
