"""A rule set for DJI WPML KMZs, written from the DJI Cloud API documentation v1.11.3
(``docs/en/60.api-reference/00.dji-wpml``: 20.template-kml, 30.waylines-wpml, 40.common-element).

:func:`violations` returns every broken rule as a sentence naming the file and the placemark; an
empty list means the KMZ follows the rules below. Checked:

* root ``kml`` in the KML 2.2 namespace, ``wpml`` elements in ``http://www.dji.com/wpmz/1.0.2``;
* ``missionConfig``: required children and enumerations (flyToWaylineMode, finishAction,
  exitOnRCLost, executeRCLostAction when exitOnRCLost = executeLostAction), takeOffSecurityHeight
  in [2, 1500] m, globalTransitionalSpeed in [0, 15] m/s, drone/payload enumerations of the model;
* folder: templateId/waylineId in [0, 65535], autoFlightSpeed > 0, executeHeightMode (waylines)
  and heightMode (template) from their enumerations;
* placemarks: "lon,lat" in range, index consecutive from 0, waypointSpeed in (0, 15],
  heading parameter with a mode from the enumeration, ``waypointHeadingAngle`` in [−180, 180]
  when smoothTransition, ``waypointHeadingPathMode`` present and from its enumeration (also in the
  template's global heading parameter); turn mode from its enumeration and
  ``waypointTurnDampingDist`` in (0, segment] when present (required for coordinateTurn and for
  toPointAndPassWithContinuityCurvature with useStraightLine 1);
* in the template, ``wpml:ellipsoidHeight`` never equal to the take-off-relative ``wpml:height``
  of a ``relativeToStartPoint`` template (it is an ellipsoid height);
* action groups: start ≤ end index, trigger type from the enumeration, action ids consecutive
  from 0, actuator functions from the enumeration with their required parameters (gimbalRotate,
  hover with hoverTime > 0, takePhoto, rotateYaw with aircraftHeading in [−180, 180] and
  aircraftPathMode), ``payloadLensIndex`` only on the models the takePhoto table lists (M30/M30T,
  M3D/M3TD: droneEnumValue 67 and 91);
* template and waylines agree: same placemarks (coordinates, heights, speeds, headings) and the
  same actions with the same parameters.
"""

from __future__ import annotations

import io
import math
import zipfile
from xml.etree import ElementTree as ET

from irpatrol.scheduling.core.geo import project

KML = "{http://www.opengis.net/kml/2.2}"
W = "{http://www.dji.com/wpmz/1.0.2}"

ENUMS = {
    "flyToWaylineMode": {"safely", "pointToPoint"},
    "finishAction": {"goHome", "noAction", "autoLand", "gotoFirstWaypoint"},
    "exitOnRCLost": {"goContinue", "executeLostAction"},
    "executeRCLostAction": {"goBack", "landing", "hover"},
    "executeHeightMode": {"WGS84", "relativeToStartPoint", "realTimeFollowSurface"},
    "heightMode": {"EGM96", "relativeToStartPoint", "aboveGroundLevel", "realTimeFollowSurface"},
    "waypointHeadingMode": {"followWayline", "manually", "fixed", "smoothTransition", "towardPOI"},
    "waypointHeadingPathMode": {"clockwise", "counterClockwise", "followBadArc"},
    "waypointTurnMode": {"coordinateTurn", "toPointAndStopWithDiscontinuityCurvature",
                         "toPointAndStopWithContinuityCurvature", "toPointAndPassWithContinuityCurvature"},
    "actionTriggerType": {"reachPoint", "betweenAdjacentPoints", "multipleTiming", "multipleDistance"},
    "actionActuatorFunc": {"takePhoto", "startRecord", "stopRecord", "focus", "zoom", "customDirName",
                           "gimbalRotate", "rotateYaw", "hover", "gimbalEvenlyRotate", "accurateShoot",
                           "orientedShoot", "panoShot", "recordPointCloud"},
    "aircraftPathMode": {"clockwise", "counterClockwise"},
}
REQUIRED_PARAMS = {
    "gimbalRotate": ("payloadPositionIndex", "gimbalHeadingYawBase", "gimbalRotateMode",
                     "gimbalPitchRotateEnable",
                     "gimbalPitchRotateAngle", "gimbalRollRotateEnable", "gimbalRollRotateAngle",
                     "gimbalYawRotateEnable", "gimbalYawRotateAngle", "gimbalRotateTimeEnable",
                     "gimbalRotateTime"),
    "hover": ("hoverTime",),
    "takePhoto": ("payloadPositionIndex", "fileSuffix", "useGlobalPayloadLensIndex"),
    "rotateYaw": ("aircraftHeading", "aircraftPathMode"),
}
LENS_INDEX_DRONES = frozenset({67, 91})
"""droneEnumValue of the models whose takePhoto lists payloadLensIndex (M30/M30T, M3D/M3TD)."""


def _t(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    found = el.find(W + tag)
    return None if found is None else (found.text or "").strip()


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def violations(data: bytes, model: str | None = None, enums: tuple[int, int, int] | None = None) -> list[str]:
    """Every rule ``data`` (a KMZ) breaks; ``enums`` = expected (drone, sub, payload) enumeration."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            files = {n: ET.fromstring(z.read(n)) for n in ("wpmz/template.kml", "wpmz/waylines.wpml")}
    except (zipfile.BadZipFile, KeyError, ET.ParseError) as exc:
        return [f"not a readable WPML KMZ: {exc}"]
    out: list[str] = []
    for name, root in files.items():
        out += _file(name, root, enums)
    out += _agree(files["wpmz/template.kml"], files["wpmz/waylines.wpml"])
    return out


def _file(name: str, root: ET.Element, enums: tuple[int, int, int] | None) -> list[str]:
    out: list[str] = []
    if root.tag != KML + "kml":
        return [f"{name}: root is {root.tag}, not kml"]
    doc = root.find(KML + "Document")
    mc = doc.find(W + "missionConfig") if doc is not None else None
    if mc is None:
        return [f"{name}: no Document/wpml:missionConfig"]
    for key in ("flyToWaylineMode", "finishAction", "exitOnRCLost"):
        if _t(mc, key) not in ENUMS[key]:
            out.append(f"{name}: missionConfig {key} {_t(mc, key)!r} not in {sorted(ENUMS[key])}")
    lost = _t(mc, "executeRCLostAction")
    if _t(mc, "exitOnRCLost") == "executeLostAction" and lost not in ENUMS["executeRCLostAction"]:
        out.append(f"{name}: executeRCLostAction missing or invalid")
    h = _num(_t(mc, "takeOffSecurityHeight"))
    if h is None or not 2 <= h <= 1500:
        out.append(f"{name}: takeOffSecurityHeight {h} outside [2, 1500] m")
    v = _num(_t(mc, "globalTransitionalSpeed"))
    if v is None or not 0 <= v <= 15:
        out.append(f"{name}: globalTransitionalSpeed {v} outside [0, 15] m/s")
    if _num(_t(mc, "globalRTHHeight")) is None:
        out.append(f"{name}: globalRTHHeight missing")
    di, pi = mc.find(W + "droneInfo"), mc.find(W + "payloadInfo")
    drone = _num(_t(di, "droneEnumValue"))
    got = (drone, _num(_t(di, "droneSubEnumValue")), _num(_t(pi, "payloadEnumValue")))
    if None in got or _t(pi, "payloadPositionIndex") is None:
        out.append(f"{name}: droneInfo/payloadInfo incomplete")
    elif enums is not None and got != tuple(float(e) for e in enums):
        out.append(f"{name}: drone/payload enumeration {got} is not {enums}")
    folder = doc.find(KML + "Folder") if doc is not None else None
    if folder is None:
        return [*out, f"{name}: no Folder"]
    template = name.endswith("template.kml")
    for key in ("templateId",) if template else ("templateId", "waylineId"):
        n = _num(_t(folder, key))
        if n is None or not 0 <= n <= 65535:
            out.append(f"{name}: {key} missing or outside [0, 65535]")
    speed = _num(_t(folder, "autoFlightSpeed"))
    if speed is None or speed <= 0:
        out.append(f"{name}: autoFlightSpeed must be > 0")
    if template:
        cs = folder.find(W + "waylineCoordinateSysParam")
        mode = _t(cs, "heightMode")
        if mode not in ENUMS["heightMode"]:
            out.append(f"{name}: heightMode {mode!r} not in the enumeration")
        gh = folder.find(W + "globalWaypointHeadingParam")
        if gh is None:
            out.append(f"{name}: globalWaypointHeadingParam missing")
        else:
            out += _heading(f"{name} globalWaypointHeadingParam", gh)
    else:
        mode = _t(folder, "executeHeightMode")
        if mode not in ENUMS["executeHeightMode"]:
            out.append(f"{name}: executeHeightMode {mode!r} not in the enumeration")
    pms = folder.findall(KML + "Placemark")
    xyz = []
    for i, pm in enumerate(pms):
        where = f"{name} placemark {i}"
        coords = pm.findtext(f"{KML}Point/{KML}coordinates") or ""
        try:
            lon, lat = (float(x) for x in coords.split(",")[:2])
        except ValueError:
            out.append(f"{where}: coordinates {coords!r} are not lon,lat")
            lon, lat = 0.0, 0.0
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            out.append(f"{where}: coordinates out of range")
        if _t(pm, "index") != str(i):
            out.append(f"{where}: index {_t(pm, 'index')!r}, expected {i} (consecutive from 0)")
        height = _num(_t(pm, "height" if template else "executeHeight"))
        if height is None:
            out.append(f"{where}: {'height' if template else 'executeHeight'} missing")
        if template and mode == "relativeToStartPoint":
            eh = _num(_t(pm, "ellipsoidHeight"))
            if eh is not None and height is not None and math.isclose(eh, height):
                out.append(f"{where}: ellipsoidHeight carries the take-off-relative height {height}")
        ws = _num(_t(pm, "waypointSpeed"))
        if ws is not None and not 0 < ws <= 15:
            out.append(f"{where}: waypointSpeed {ws} outside (0, 15] m/s")
        hp = pm.find(W + "waypointHeadingParam")
        if hp is not None:
            out += _heading(where, hp)
        elif not template or _t(pm, "useGlobalHeadingParam") != "1":
            out.append(f"{where}: waypointHeadingParam missing")
        xyz.append((lat, lon, height or 0.0))
        out += _actions(where, pm, drone)
    out += _turns(name, pms, xyz, template)
    return out


def _heading(where: str, hp: ET.Element) -> list[str]:
    out = []
    mode = _t(hp, "waypointHeadingMode")
    if mode not in ENUMS["waypointHeadingMode"]:
        out.append(f"{where}: waypointHeadingMode {mode!r} not in the enumeration")
    if _t(hp, "waypointHeadingPathMode") not in ENUMS["waypointHeadingPathMode"]:
        out.append(f"{where}: waypointHeadingPathMode missing or invalid (required)")
    if mode == "smoothTransition":
        a = _t(hp, "waypointHeadingAngle")
        if a is None or not a.lstrip("-").isdigit() or not -180 <= int(a) <= 180:
            out.append(f"{where}: waypointHeadingAngle {a!r} must be an integer in [-180, 180]")
    if mode == "towardPOI" and _t(hp, "waypointPoiPoint") is None:
        out.append(f"{where}: waypointPoiPoint required for towardPOI")
    return out


def _turns(name: str, pms: list[ET.Element], xyz: list[tuple[float, float, float]],
           template: bool) -> list[str]:
    out: list[str] = []
    if not pms:
        return out
    xy = project([p[0] for p in xyz], [p[1] for p in xyz], xyz[0][0], xyz[0][1])
    seg = [math.hypot(float(xy[i + 1][0] - xy[i][0]), float(xy[i + 1][1] - xy[i][1]),
                      xyz[i + 1][2] - xyz[i][2])
           for i in range(len(xyz) - 1)]
    longest = max(seg, default=math.inf)
    for i, pm in enumerate(pms):
        tp = pm.find(W + "waypointTurnParam")
        if tp is None:
            if not template or _t(pm, "useGlobalTurnParam") != "1":
                out.append(f"{name} placemark {i}: waypointTurnParam missing")
            continue
        mode = _t(tp, "waypointTurnMode")
        if mode not in ENUMS["waypointTurnMode"]:
            out.append(f"{name} placemark {i}: waypointTurnMode {mode!r} not in the enumeration")
        d = _num(_t(tp, "waypointTurnDampingDist"))
        straight = _t(pm, "useStraightLine") == "1"
        passing = mode == "toPointAndPassWithContinuityCurvature" and straight
        if d is None and (mode == "coordinateTurn" or passing):
            out.append(f"{name} placemark {i}: waypointTurnDampingDist required for {mode}")
        if d is not None and not 0 < d <= longest:
            out.append(f"{name} placemark {i}: waypointTurnDampingDist {d} outside (0, {longest:.2f}] m")
    return out


def _actions(where: str, pm: ET.Element, drone: float | None) -> list[str]:
    out = []
    for g in pm.findall(W + "actionGroup"):
        s, e = _num(_t(g, "actionGroupStartIndex")), _num(_t(g, "actionGroupEndIndex"))
        if s is None or e is None or e < s:
            out.append(f"{where}: actionGroup start/end index missing or end < start")
        if _t(g, "actionGroupMode") != "sequence":
            out.append(f"{where}: actionGroupMode must be sequence")
        if _t(g.find(W + "actionTrigger"), "actionTriggerType") not in ENUMS["actionTriggerType"]:
            out.append(f"{where}: actionTriggerType missing or invalid")
        for k, a in enumerate(g.findall(W + "action")):
            if _t(a, "actionId") != str(k):
                out.append(f"{where}: actionId {_t(a, 'actionId')!r}, expected {k}")
            func = _t(a, "actionActuatorFunc")
            if func not in ENUMS["actionActuatorFunc"]:
                out.append(f"{where}: actionActuatorFunc {func!r} not in the enumeration")
                continue
            fp = a.find(W + "actionActuatorFuncParam")
            for req in REQUIRED_PARAMS.get(func, ()):
                if _t(fp, req) is None:
                    out.append(f"{where}: {func} needs {req}")
            if func == "hover" and (_num(_t(fp, "hoverTime")) or 0) <= 0:
                out.append(f"{where}: hoverTime must be > 0 s")
            if func == "rotateYaw":
                hdg = _num(_t(fp, "aircraftHeading"))
                if hdg is None or not -180 <= hdg <= 180:
                    out.append(f"{where}: aircraftHeading outside [-180, 180]")
                if _t(fp, "aircraftPathMode") not in ENUMS["aircraftPathMode"]:
                    out.append(f"{where}: aircraftPathMode invalid")
            lens = _t(fp, "payloadLensIndex")
            if func == "takePhoto" and lens is not None and drone not in LENS_INDEX_DRONES:
                out.append(f"{where}: payloadLensIndex on a model whose takePhoto does not list it "
                           f"(droneEnumValue {drone})")
    return out


def _signature(root: ET.Element, template: bool) -> list[tuple[object, ...]]:
    folder = root.find(f"{KML}Document/{KML}Folder")
    sig: list[tuple[object, ...]] = []
    for pm in folder.findall(KML + "Placemark") if folder is not None else ():
        hp = pm.find(W + "waypointHeadingParam")
        actions = tuple((_t(a, "actionActuatorFunc"), _params(a))
                        for g in pm.findall(W + "actionGroup") for a in g.findall(W + "action"))
        sig.append(((pm.findtext(f"{KML}Point/{KML}coordinates") or "").strip(), _t(pm, "index"),
                    _num(_t(pm, "height" if template else "executeHeight")), _num(_t(pm, "waypointSpeed")),
                    _t(hp, "waypointHeadingMode"), _t(hp, "waypointHeadingAngle"), actions))
    return sig


def _params(action: ET.Element) -> tuple[tuple[str, str], ...]:
    fp = action.find(W + "actionActuatorFuncParam")
    return () if fp is None else tuple((c.tag, (c.text or "").strip()) for c in fp)


def _agree(template: ET.Element, waylines: ET.Element) -> list[str]:
    a, b = _signature(template, True), _signature(waylines, False)
    if len(a) != len(b):
        return [f"template has {len(a)} placemarks, waylines {len(b)}"]
    return [f"placemark {i}: template and waylines differ ({x} vs {y})"
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            if x != y]
