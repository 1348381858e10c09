"""Asset import: CSV, GeoJSON, KML; errors name the line/feature and field; re-import is idempotent."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from irpatrol.errors import ImportRowError
from irpatrol.registry import asset_files
from irpatrol.registry.assets import import_assets, pole_seq
from irpatrol.registry.model import Area, AuditLog, Feeder, Pole


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_csv_import_and_reimport_duplicates_nothing(session: Session, feeder_csv: Path) -> None:
    first = import_assets(session, feeder_csv, user="ana")
    session.commit()
    assert (first.poles_created, first.feeders_created, first.areas_created) == (10, 1, 1)
    again = import_assets(session, feeder_csv)
    session.commit()
    assert (again.poles_created, again.poles_updated, again.poles_unchanged) == (0, 0, 10)
    assert (count(session, Pole), count(session, Feeder), count(session, Area)) == (10, 1, 1)
    feeder = session.scalar(select(Feeder))
    assert (
        feeder is not None and feeder.name == "F1" and feeder.area is not None and feeder.area.name == "North"
    )
    assert session.scalar(select(AuditLog).where(AuditLog.username == "ana")) is not None


def test_reimport_updates_by_external_id(session: Session, tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("feeder,pole,lat,lon,external_id\nF1,7,30.0,120.0,X-1\n")
    import_assets(session, a)
    # the same pole renumbered and moved: matched by its external id, not duplicated
    a.write_text("feeder,pole,lat,lon,external_id\nF1,7A,30.0001,120.0002,X-1\n")
    r = import_assets(session, a)
    session.commit()
    assert (r.poles_created, r.poles_updated) == (0, 1)
    pole = session.scalar(select(Pole))
    assert pole is not None and (pole.number, pole.lat, pole.lon) == ("7A", 30.0001, 120.0002)
    assert count(session, Pole) == 1


def test_reimport_without_external_id_matches_feeder_and_number(session: Session, tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("feeder,pole,lat,lon\nF1,1,30.0,120.0\nF1,2,30.001,120.0\n")
    import_assets(session, a)
    a.write_text("feeder,pole,lat,lon,pole_type\nF1,2,30.002,120.0,steel\nF1,3,30.003,120.0,\n")
    r = import_assets(session, a)
    session.commit()
    assert (r.poles_created, r.poles_updated, r.poles_unchanged) == (1, 1, 0)
    assert count(session, Pole) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeder,pole,lat\nF1,1,30\n", "line 1: header lacks lon"),
        ("feeder,pole,lat,lon\nF1,1,30,120\nF1,2,abc,120\n", "line 3, field lat: 'abc' is not a number"),
        ("feeder,pole,lat,lon\nF1,1,95,120\n", "line 2, field lat: 95.0 outside"),
        ("feeder,pole,lat,lon\nF1,,30,120\n", "line 2, field pole: missing"),
        ("feeder,pole,lat,lon\nF1,1,30\n", "line 2: 3 fields, header has 4"),
        ("feeder,pole,lat,lon,voltage_kv\nF1,1,30,120,10000\n", "line 2, field voltage_kv"),
        ("feeder,pole,lat,lon\nF1,1,30,120\nF1,1,30,121\n", "line 3: pole F1/1 repeats line 2"),
        ("", "empty file"),
    ],
)
def test_csv_errors_name_line_and_field(session: Session, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ImportRowError, match=message) as info:
        import_assets(session, path)
    assert "bad.csv" in str(info.value)
    session.rollback()
    assert count(session, Pole) == 0


def test_geojson_points_and_feeder_line(session: Session, tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[120, 30], [120.01, 30.01]]},
                "properties": {"feeder": "G1", "voltage_kv": 10},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [120.0, 30.0]},
                "properties": {"feeder": "G1", "pole": "1", "external_id": "g-1"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [120.01, 30.01]},
                "properties": {"feeder": "G1", "pole": "2"},
            },
        ],
    }
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps(doc))
    r = import_assets(session, path)
    session.commit()
    assert (r.poles_created, r.lines) == (2, 1)
    feeder = session.scalar(select(Feeder).where(Feeder.name == "G1"))
    assert feeder is not None and feeder.geometry == [[120.0, 30.0], [120.01, 30.01]]
    doc["features"][2]["geometry"]["coordinates"] = ["x", 30]  # type: ignore[index]
    path.write_text(json.dumps(doc))
    with pytest.raises(ImportRowError, match="feature 3, field lon: 'x' is not a number"):
        import_assets(session, path)


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Folder><name>K1</name>
<Placemark><name>1</name><Point><coordinates>120.0,30.0,0</coordinates></Point></Placemark>
<Placemark><name>2</name><ExtendedData><Data name="external_id"><value>k-2</value></Data></ExtendedData>
<Point><coordinates>120.001,30.001</coordinates></Point></Placemark>
<Placemark><name>route</name><ExtendedData><Data name="feeder"><value>K1</value></Data></ExtendedData>
<LineString><coordinates>120.0,30.0 120.001,30.001</coordinates></LineString></Placemark>
</Folder></Document></kml>
"""


def test_kml_placemarks(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "k.kml"
    path.write_text(KML)
    r = import_assets(session, path)
    session.commit()
    assert (r.poles_created, r.lines) == (2, 1)
    assert session.scalar(select(Pole.number).where(Pole.external_id == "k-2")) == "2"
    path.write_text(KML.replace("120.001,30.001</coordinates></Point>", "120.001</coordinates></Point>"))
    with pytest.raises(ImportRowError, match=r"placemark 2 \(line 5\), field coordinates"):
        import_assets(session, path)


def test_unknown_extension(tmp_path: Path, session: Session) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(ImportRowError, match="unknown asset file type"):
        import_assets(session, path)


def test_pole_seq() -> None:
    assert pole_seq("N12", 1) == 12
    assert pole_seq("#7-3", 1) == 3
    assert pole_seq("end", 5) == 5


_field = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(st.lists(st.tuples(_field, _field, _field, _field), max_size=6))
def test_csv_parser_accepts_or_raises_import_row_error(rows: list[tuple[str, str, str, str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["feeder", "pole", "lat", "lon"])
    w.writerows(rows)
    try:
        parsed = asset_files.parse_csv(buf.getvalue(), source="h.csv")
    except ImportRowError as exc:
        assert "line " in str(exc) and "h.csv" in str(exc)
        return
    for p in parsed.poles:
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180 and p.feeder and p.pole


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=12,
    )
)
def test_geojson_parser_never_crashes(doc: object) -> None:
    with contextlib.suppress(ImportRowError):
        asset_files.parse_geojson(json.dumps({"type": "FeatureCollection", "features": [doc]}), source="x")


_kml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)


@given(st.lists(st.tuples(_kml_text, _kml_text), max_size=4))
def test_kml_parser_accepts_or_raises_import_row_error(placemarks: list[tuple[str, str]]) -> None:
    from xml.sax.saxutils import escape

    body = "".join(
        f"<Placemark><name>{escape(n)}</name><Point><coordinates>{escape(c)}</coordinates></Point></Placemark>"
        for n, c in placemarks
    )
    doc = f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>K</name>{body}</Folder></Document></kml>'
    try:
        parsed = asset_files.parse_kml(doc.encode(), source="h.kml")
    except ImportRowError as exc:
        assert str(exc).startswith("h.kml: ") and ("placemark" in str(exc) or "line" in str(exc))
        return
    assert len(parsed.poles) == len(placemarks)


def test_ids_of_deleted_assets_are_never_reused(session: Session, tmp_path: Path) -> None:
    """Deleting the newest feeder and importing another gives new ids (SQLite AUTOINCREMENT), so
    the audit rows of the deleted feeder and poles do not read as the newcomer's history."""
    from irpatrol.registry.assets import delete_feeder
    from irpatrol.registry.model import Component

    first = tmp_path / "f1.csv"
    first.write_text("feeder,pole,lat,lon\nF1,1,30.0,120.0\nF2,1,30.1,120.1\n")
    import_assets(session, first)
    old = session.scalars(select(Feeder).where(Feeder.name == "F2")).one()
    old_id, old_pole = old.id, old.poles[0].id
    session.add(Component(pole_id=old_pole, kind="parallel-groove-clamp", phase="A"))
    session.flush()
    old_comp = session.scalars(select(Component.id).where(Component.pole_id == old_pole)).one()
    delete_feeder(session, old_id, reason="moved to another utility", user="ana")
    session.commit()
    assert old_id > max(session.scalars(select(Feeder.id)).all())  # it was the newest

    second = tmp_path / "f3.csv"
    second.write_text("feeder,pole,lat,lon\nF3,1,30.2,120.2\n")
    import_assets(session, second)
    new = session.scalars(select(Feeder).where(Feeder.name == "F3")).one()
    new_pole = new.poles[0].id
    session.add(Component(pole_id=new_pole, kind="parallel-groove-clamp", phase="A"))
    session.commit()
    new_comp = session.scalars(select(Component.id).where(Component.pole_id == new_pole)).one()
    assert (new.id, new_pole, new_comp) != (old_id, old_pole, old_comp)
    assert new.id > old_id and new_pole > old_pole and new_comp > old_comp
    history = session.scalars(
        select(AuditLog.action).where(AuditLog.entity == "feeder", AuditLog.entity_id == new.id)
    ).all()
    assert "delete" not in history
