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
TEMPLATE_PLACEMARK = ["k:Point/k:coordinates", "wpml:index", "wpml:useGlobalHeight",
                      "wpml:height", "wpml:useGlobalSpeed", "wpml:useGlobalHeadingParam",
                      "wpml:useGlobalTurnParam"]
PER_POLE_ACTIONS = ["gimbalRotate", "hover", "takePhoto"]


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
            lens = photo.findtext("wpml:payloadLensIndex", namespaces=NS)
            assert lens == ("wide,ir" if model == "M30T" else None)  # only M30/M30T list it
            assert photo.findtext("wpml:fileSuffix", namespaces=NS).startswith("F001-")


def test_coordinates_are_longitude_first():
    _, waylines = parts(kmz(mission(sortie(1), Drone("M30T")), "M30T", CREATED))
    path = "k:Document/k:Folder/k:Placemark/k:Point/k:coordinates"
    lon, lat = waylines.findtext(path, namespaces=NS).split(",")
    assert float(lon) == pytest.approx(112.95, abs=1e-4) and float(lat) == pytest.approx(28.2, abs=1e-4)
    assert float(lon) > 100 > float(lat)  # the shot sits a few metres beside the pole


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), pitch=st.floats(-90, -20).map(lambda x: round(x, 1)),
       model=st.sampled_from(["M30T", "M300-H20T", "M350-H20T", "M3T", "M4T"]))
def test_reading_our_kmz_back_gives_the_same_waypoints(n, pitch, model):
    m = mission(sortie(n), Drone(model), gimbal_pitch_deg=pitch)
    assert read_kmz(kmz(m, model, CREATED)) == m.waypoints


def test_waypoints_follow_the_sortie_beside_and_above_the_pole_top():
    s = sortie(4)
    m = mission(s, Drone("M30T"))
    assert [w.pole_id for w in m.waypoints] == list(s.pole_ids)
    pairs = list(zip(s.visits, m.waypoints, strict=True))
    assert all(v.height_m + 3.0 < w.height_m < v.height_m + 8.0 for v, w in pairs)
    assert all((w.lat, w.lon) != (v.lat, v.lon) for v, w in zip(s.visits, m.waypoints, strict=True))
    assert all(1.0 <= w.speed_m_s <= 15.0 for w in m.waypoints)
    assert all(w.gimbal_pitch_deg == -45.0 for w in m.waypoints)
    assert m.warnings and "ground elevation unknown" in m.warnings[0]


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


def test_heights_are_corrected_for_the_ground_difference():
    s = sortie(3)
    flat = mission(s, Drone("M30T"))
    hilly = Sortie(s.id, Site("T0001", 28.1995, 112.9495, ground_m=100.0),
                   tuple(Visit(v.pole_id, v.feeder_id, v.seq, v.lat, v.lon, v.height_m,
                               ground_m=100.0 + 7 * k)
                         for k, v in enumerate(s.visits)), s.flight_s, s.start_s)
    m = mission(hilly, Drone("M30T"))
    pairs = zip(flat.waypoints, m.waypoints, strict=True)
    assert [round(b.height_m - a.height_m, 1) for a, b in pairs] == [0.0, 7.0, 14.0]
    assert not m.warnings


@pytest.mark.parametrize("model", ["M30T", "M300-H20T", "M350-H20T", "M3T", "M4T"])
@pytest.mark.parametrize("n", [1, 2, 7])
def test_every_kmz_follows_the_spec_rules(model, n):
    from irpatrol.scheduling.export.wpml import aircraft
    from irpatrol.scheduling.export.wpml_rules import violations

    a = aircraft(model)
    data = kmz(mission(sortie(n), Drone(model)), model, CREATED)
    assert violations(data, model, (a.drone_enum, a.drone_sub_enum, a.payload_enum)) == []
    _, waylines = parts(data)
    folder = waylines.find("k:Document/k:Folder", NS)
    assert float(folder.findtext("wpml:distance", namespaces=NS)) > 0
    assert float(folder.findtext("wpml:duration", namespaces=NS)) > 0


def _rewrite(data: bytes, name: str, old: str, new: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for n in zin.namelist():
            text = zin.read(n).decode()
            zout.writestr(n, text.replace(old, new) if n == name else text)
    return out.getvalue()


@pytest.mark.parametrize(("name", "old", "new", "rule"), [
    ("wpmz/template.kml",
     "<wpml:waypointHeadingPathMode>followBadArc</wpml:waypointHeadingPathMode>\n"
     "      </wpml:globalWaypointHeadingParam>",
     "</wpml:globalWaypointHeadingParam>", "waypointHeadingPathMode"),
    ("wpmz/waylines.wpml", "<wpml:waypointTurnDampingDist>0.2<", "<wpml:waypointTurnDampingDist>0<",
     "waypointTurnDampingDist"),
    ("wpmz/waylines.wpml", "<wpml:useGlobalPayloadLensIndex>1</wpml:useGlobalPayloadLensIndex>",
     "<wpml:payloadLensIndex>wide,ir</wpml:payloadLensIndex><wpml:useGlobalPayloadLensIndex>0</wpml:useGlobalPayloadLensIndex>",
     "payloadLensIndex"),
    ("wpmz/waylines.wpml", "<wpml:hoverTime>35</wpml:hoverTime>", "<wpml:hoverTime>36</wpml:hoverTime>",
     "template and waylines differ"),
])
def test_the_rules_catch_each_old_deviation(name, old, new, rule):
    from irpatrol.scheduling.export.wpml_rules import violations

    data = kmz(mission(sortie(3), Drone("M3T")), "M3T", CREATED)
    bad = _rewrite(data, name, old, new)
    assert bad != data
    assert any(rule in v for v in violations(bad)), violations(bad)


def test_ellipsoid_height_equal_to_the_relative_height_is_refused():
    from irpatrol.scheduling.export.wpml_rules import violations

    data = kmz(mission(sortie(1), Drone("M30T")), "M30T", CREATED)
    _, way = parts(data)
    h = way.findtext("k:Document/k:Folder/k:Placemark/wpml:executeHeight", namespaces=NS)
    bad = _rewrite(data, "wpmz/template.kml", f"<wpml:height>{h}</wpml:height>",
                   f"<wpml:ellipsoidHeight>{h}</wpml:ellipsoidHeight><wpml:height>{h}</wpml:height>")
    assert any("ellipsoidHeight carries" in v for v in violations(bad))


def test_a_second_shot_round_trips_with_its_view():
    from irpatrol.scheduling.core.shot import ShotSettings

    m = mission(sortie(2), Drone("M30T"), shot=ShotSettings(azimuth_deg=90.0, depression_deg=8.0))
    assert [w.view for w in m.waypoints] == [1, 2, 1, 2]
    assert read_kmz(kmz(m, "M30T", CREATED)) == m.waypoints


def test_every_kmz_of_the_demo_plan_follows_the_rules_and_reads_back():
    """The demo's county and campaign (irpatrol.demo._county: seed 7, 3 areas, 6 crews, 30 days)."""
    from datetime import date, timedelta

    from irpatrol.scheduling.core.campaign import plan_campaign
    from irpatrol.scheduling.core.county import DRONES, generate
    from irpatrol.scheduling.core.model import Policy
    from irpatrol.scheduling.export.wpml import aircraft
    from irpatrol.scheduling.export.wpml_rules import violations

    today = date(2026, 11, 2)
    county = generate(poles=600, feeders=6, areas=3, crews=6, seed=7, start=today, days=30)
    plan = plan_campaign(county, Policy(start=today, deadline=today + timedelta(days=29)), time_limit_s=0.0)
    presets = {d.model: d for d in DRONES}
    n = 0
    for cd in plan.crew_days:
        a = aircraft(cd.drone)
        for s in cd.sorties:
            m = mission(s, presets[cd.drone])
            data = kmz(m, cd.drone, CREATED)
            assert violations(data, cd.drone, (a.drone_enum, a.drone_sub_enum, a.payload_enum)) == [], s.id
            assert read_kmz(data) == m.waypoints
            assert not m.warnings  # the generated county knows every ground elevation
            n += 1
    assert n == plan.figures.sorties > 10
