"""WPML KMZ export: parses with lxml, carries every element scheduling.md §4.1 requires, and reads
back into the same waypoints."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from irpatrol.errors import InputError, ParameterError
from irpatrol.scheduling.core.model import Drone, Site, Sortie, Visit
from irpatrol.scheduling.core.sortie import mission
from irpatrol.scheduling.export.wpml import kmz, read_kmz

NS = {"k": "http://www.opengis.net/kml/2.2", "wpml": "http://www.dji.com/wpmz/1.0.2"}
CREATED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

MISSION_CONFIG = [
    "wpml:flyToWaylineMode", "wpml:finishAction", "wpml:exitOnRCLost", "wpml:executeRCLostAction",
    "wpml:takeOffSecurityHeight", "wpml:globalTransitionalSpeed", "wpml:globalRTHHeight",
    "wpml:droneInfo/wpml:droneEnumValue", "wpml:droneInfo/wpml:droneSubEnumValue",
    "wpml:payloadInfo/wpml:payloadEnumValue", "wpml:payloadInfo/wpml:payloadPositionIndex",
]
WAYLINE_FOLDER = ["wpml:templateId", "wpml:waylineId", "wpml:autoFlightSpeed", "wpml:executeHeightMode"]
WAYLINE_PLACEMARK = [
    "k:Point/k:coordinates", "wpml:index", "wpml:executeHeight", "wpml:waypointSpeed",
    "wpml:waypointHeadingParam/wpml:waypointHeadingMode", "wpml:waypointTurnParam/wpml:waypointTurnMode",
    "wpml:waypointTurnParam/wpml:waypointTurnDampingDist",
]
ACTION_GROUP = ["wpml:actionGroupId", "wpml:actionGroupStartIndex", "wpml:actionGroupEndIndex",
                "wpml:actionGroupMode", "wpml:actionTrigger/wpml:actionTriggerType"]
ACTION = ["wpml:actionId", "wpml:actionActuatorFunc", "wpml:actionActuatorFuncParam"]
TEMPLATE_FOLDER = [
    "wpml:templateType", "wpml:templateId", "wpml:waylineCoordinateSysParam/wpml:coordinateMode",
    "wpml:waylineCoordinateSysParam/wpml:heightMode", "wpml:autoFlightSpeed", "wpml:globalHeight",
    "wpml:caliFlightEnable", "wpml:gimbalPitchMode", "wpml:globalWaypointHeadingParam",
    "wpml:globalWaypointTurnMode", "wpml:globalUseStraightLine",
    "wpml:payloadParam/wpml:payloadPositionIndex", "wpml:payloadParam/wpml:imageFormat",
]
TEMPLATE_PLACEMARK = ["k:Point/k:coordinates", "wpml:index", "wpml:useGlobalHeight", "wpml:ellipsoidHeight",
                      "wpml:height", "wpml:useGlobalSpeed", "wpml:useGlobalHeadingParam",
                      "wpml:useGlobalTurnParam"]
PER_POLE_ACTIONS = ["rotateYaw", "gimbalRotate", "hover", "takePhoto"]


def sortie(n: int = 5) -> Sortie:
    visits = tuple(Visit(f"F001-{i + 1:04d}", "F001", i, 28.2 + i * 0.0007, 112.95 + i * 0.0004,
                         12.0 + i % 3) for i in range(n))
    takeoff = Site("T0001", 28.1995, 112.9495)
    return Sortie("20261102-crew-01-01", takeoff, visits, flight_s=900, start_s=30000)


def parts(data: bytes) -> tuple[etree._Element, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["wpmz/template.kml", "wpmz/waylines.wpml"]
        return etree.fromstring(z.read("wpmz/template.kml")), etree.fromstring(z.read("wpmz/waylines.wpml"))


def require(el: etree._Element, paths: list[str], where: str) -> None:
    for p in paths:
        assert el.find(p, NS) is not None, f"{where}: missing {p}"


@pytest.mark.parametrize(("model", "enums"), [("M30T", ("67", "1", "53")), ("M300-H20T", ("60", "0", "43")),
                                              ("M350-H20T", ("89", "0", "43")), ("M3T", ("77", "1", "67"))])
def test_every_required_element_is_there(model, enums):
    template, waylines = parts(kmz(mission(sortie(), Drone(model)), model, CREATED))
    for root, name in ((template, "template.kml"), (waylines, "waylines.wpml")):
        assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
        mc = root.find("k:Document/wpml:missionConfig", NS)
        require(mc, MISSION_CONFIG, name)
        got = tuple(mc.findtext(p, namespaces=NS) for p in ("wpml:droneInfo/wpml:droneEnumValue",
                    "wpml:droneInfo/wpml:droneSubEnumValue", "wpml:payloadInfo/wpml:payloadEnumValue"))
        assert got == enums
    header = ["wpml:author", "wpml:createTime", "wpml:updateTime"]
    require(template.find("k:Document", NS), header, "template")
    require(template.find("k:Document/k:Folder", NS), TEMPLATE_FOLDER, "template Folder")
    folder = waylines.find("k:Document/k:Folder", NS)
    require(folder, WAYLINE_FOLDER, "waylines Folder")
    assert folder.findtext("wpml:executeHeightMode", namespaces=NS) == "relativeToStartPoint"
    for root, extra in ((template, TEMPLATE_PLACEMARK), (waylines, WAYLINE_PLACEMARK)):
        placemarks = root.findall("k:Document/k:Folder/k:Placemark", NS)
        assert [int(p.findtext("wpml:index", namespaces=NS)) for p in placemarks] == list(range(5))
        for pm in placemarks:
            require(pm, extra, "Placemark")
            assert pm.findtext("wpml:waypointTurnParam/wpml:waypointTurnMode", namespaces=NS) == \
                "toPointAndStopWithDiscontinuityCurvature"
            group = pm.find("wpml:actionGroup", NS)
            require(group, ACTION_GROUP, "actionGroup")
            actions = group.findall("wpml:action", NS)
            for a in actions:
                require(a, ACTION, "action")
            assert [a.findtext("wpml:actionActuatorFunc", namespaces=NS) for a in actions] == PER_POLE_ACTIONS
            photo = actions[-1].find("wpml:actionActuatorFuncParam", NS)
            assert photo.findtext("wpml:payloadLensIndex", namespaces=NS) == "wide,ir"
            assert photo.findtext("wpml:fileSuffix", namespaces=NS).startswith("F001-")


def test_coordinates_are_longitude_first():
    _, waylines = parts(kmz(mission(sortie(1), Drone("M30T")), "M30T", CREATED))
    path = "k:Document/k:Folder/k:Placemark/k:Point/k:coordinates"
    lon, lat = waylines.findtext(path, namespaces=NS).split(",")
    assert (float(lon), float(lat)) == (112.95, 28.2)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), pitch=st.floats(-90, 0).map(lambda x: round(x, 1)),
       model=st.sampled_from(["M30T", "M300-H20T", "M350-H20T", "M3T"]))
def test_reading_our_kmz_back_gives_the_same_waypoints(n, pitch, model):
    m = mission(sortie(n), Drone(model), gimbal_pitch_deg=pitch)
    assert read_kmz(kmz(m, model, CREATED)) == m.waypoints


def test_waypoints_follow_the_sortie_with_heights_above_the_pole_top():
    s = sortie(4)
    m = mission(s, Drone("M30T"))
    assert [w.pole_id for w in m.waypoints] == list(s.pole_ids)
    assert [w.height_m for w in m.waypoints] == [v.height_m + 8.0 for v in s.visits]
    assert all(1.0 <= w.speed_m_s <= 15.0 for w in m.waypoints)
    assert 0 < m.waypoints[0].heading_deg < 90  # the line runs north-east


def test_bad_input_is_refused_with_the_reason():
    with pytest.raises(ParameterError, match="no WPML enumeration"):
        kmz(mission(sortie(), Drone("M30T")), "Phantom 4", CREATED)
    with pytest.raises(InputError, match="not a WPML KMZ"):
        read_kmz(b"PK not a zip", source="x.kmz")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("wpmz/waylines.wpml", "<kml><Document>")
    with pytest.raises(InputError, match=r"waylines\.wpml"):
        read_kmz(buf.getvalue(), source="y.kmz")
    with pytest.raises(ParameterError, match="gimbal pitch"):
        mission(sortie(), Drone("M30T"), gimbal_pitch_deg=-120)
