"""Ground heights: the asset column ``ground_m``, a DEM GeoTIFF import, take-off point import, and
the README path (``simulate county`` → ``schedule plan`` → missions) with stored forecast,
take-off points and pole heights."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import tifffile
from sqlalchemy import select
from typer.testing import CliRunner

from irpatrol import db
from irpatrol.cli.main import app
from irpatrol.config import get_settings
from irpatrol.errors import ImportRowError, InputError
from irpatrol.registry import model as rm
from irpatrol.registry.assets import import_assets
from irpatrol.scheduling import service
from irpatrol.scheduling.core.dem import Dem
from irpatrol.scheduling.export.wpml_rules import violations
from irpatrol.scheduling.files import read_dem, read_takeoffs

runner = CliRunner()


@pytest.fixture()
def registry(tmp_path, monkeypatch):
    monkeypatch.setenv("IRPATROL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IRPATROL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = db.engine_for(get_settings())
    db.ensure_schema(engine)
    yield db.session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def write_geotiff(path, values, lon0, lat0, d, *, geographic=True, point=False, nodata=None):
    keys = [1, 1, 0, 3, 1024, 0, 1, 2 if geographic else 1, 1025, 0, 1, 2 if point else 1,
            2048 if geographic else 3072, 0, 1, 4326 if geographic else 32650]
    extratags = [(33550, "d", 3, (d, d, 0.0), False), (33922, "d", 6, (0, 0, 0, lon0, lat0, 0), False),
                 (34735, "H", len(keys), keys, False)]
    if nodata is not None:
        extratags.append((42113, "s", 0, str(nodata), False))
    tifffile.imwrite(path, np.asarray(values, dtype=np.float32), extratags=extratags)


def test_dem_is_read_and_sampled_bilinearly(tmp_path):
    grid = np.array([[100.0, 110.0, 120.0], [130.0, 140.0, 150.0], [160.0, 170.0, -9999.0]])
    path = tmp_path / "dem.tif"
    write_geotiff(path, grid, 112.0, 28.0, 0.01, nodata=-9999)
    dem = read_dem(path)
    assert (dem.lon0, dem.lat0, dem.dlon, dem.nodata) == (112.0, 28.0, 0.01, -9999.0)
    # pixel centres at 112.005 + 0.01 k; halfway between the first two centres of row 0 → 105 m
    z = dem.sample(np.array([27.995, 27.995, 27.99, 27.5]), np.array([112.01, 112.005, 112.01, 112.01]))
    assert z[0] == pytest.approx(105.0) and z[1] == pytest.approx(100.0) and z[2] == pytest.approx(120.0)
    assert np.isnan(z[3])  # outside
    assert np.isnan(dem.sample(np.array([27.98]), np.array([112.02]))[0])  # next to no-data
    utm = tmp_path / "utm.tif"
    write_geotiff(utm, grid, 500000.0, 3100000.0, 30.0, geographic=False)
    with pytest.raises(InputError, match="EPSG:4326"):
        read_dem(utm)
    (tmp_path / "plain.tif").write_bytes(b"")
    tifffile.imwrite(tmp_path / "plain.tif", grid.astype(np.float32))
    with pytest.raises(InputError, match="not a GeoTIFF"):
        read_dem(tmp_path / "plain.tif")


def test_pixel_is_point_dems_use_the_tie_point_as_centre():
    dem = Dem(values=np.array([[0.0, 10.0], [20.0, 30.0]]), lon0=1.0, lat0=2.0, dlon=1.0, dlat=1.0,
              pixel_is_point=True)
    assert dem.sample(np.array([2.0, 1.5]), np.array([1.0, 1.5])).tolist() == [0.0, 15.0]


def test_asset_files_carry_ground_and_height(registry, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("feeder,pole,lat,lon,height_m,ground_m\nF1,1,28.0,112.0,12.5,87.3\nF1,2,28.001,112.0,,\n")
    with registry() as session:
        import_assets(session, f)
        session.commit()
        poles = sorted(session.scalars(select(rm.Pole)), key=lambda p: p.seq)
        assert [(p.height_m, p.ground_m) for p in poles] == [(12.5, 87.3), (None, None)]
        session.add(rm.Crew(name="c1"))
        session.flush()
        county = service.load_county(session)
        assert [(p.height_m, p.ground_m) for p in county.poles] == [(12.5, 87.3), (12.0, None)]
    f.write_text("feeder,pole,lat,lon,ground_m\nF1,1,28.0,112.0,99999\n")
    with registry() as session, pytest.raises(ImportRowError, match="line 2, field ground_m"):
        import_assets(session, f)


def test_takeoff_files_are_checked(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("name,lat,lon,area,ground_m\nT1,28.0,112.0,A1,80\nT2,28.01,112.01,,\n")
    sites = read_takeoffs(f)
    assert [(s.id, s.area, s.ground_m) for s in sites] == [("T1", "A1", 80.0), ("T2", "", None)]
    g = tmp_path / "t.geojson"
    g.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.0, 28.0, 75.5]},
         "properties": {"name": "T9"}}]}))
    assert read_takeoffs(g)[0].ground_m == 75.5
    f.write_text("name,lat,lon\nT1,28.0,212.0\n")
    with pytest.raises(InputError, match="row 2"):
        read_takeoffs(f)
    f.write_text("name,lat,lon\nT1,28.0,112.0\nT1,28.0,112.1\n")
    with pytest.raises(InputError, match="repeated"):
        read_takeoffs(f)


def test_the_readme_path_works_end_to_end(registry, tmp_path):
    r = runner.invoke(app, ["simulate", "county", "--poles", "400", "--feeders", "4", "--areas", "2",
                            "--crews", "2", "--seed", "3", "--json"])
    assert r.exit_code == 0, r.output
    with registry() as session:
        county = service.load_county(session)
        assert all(p.ground_m is not None for p in county.poles)
        assert len({p.height_m for p in county.poles}) > 10  # real heights, not 12 m everywhere
        stored = session.scalars(select(rm.TakeoffPoint)).all()
        assert stored and all(t.ground_m is not None for t in stored)
        assert len({w.day for w in county.weather}) == 50
    # re-running is safe: nothing duplicated
    again = runner.invoke(app, ["simulate", "county", "--poles", "400", "--feeders", "4", "--areas", "2",
                                "--crews", "2", "--seed", "3", "--json"])
    assert again.exit_code == 0
    with registry() as session:
        assert len(session.scalars(select(rm.TakeoffPoint)).all()) == len(stored)
    # the crews' own take-off point, with its elevation
    tf = tmp_path / "t.csv"
    tf.write_text(f"name,lat,lon,area,ground_m\n{stored[0].name},{stored[0].lat},{stored[0].lon},Area 1,55\n")
    r = runner.invoke(app, ["schedule", "takeoffs", "import", str(tf)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["updated"] == 1
    out = tmp_path / "plan.json"
    r = runner.invoke(app, ["schedule", "plan", "--from", "2026-11-02", "--deadline", "2027-02-04",
                            "--iterations", "30", "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["weather"]["forecast_until"] == "2026-12-21"  # the stored 50-day forecast
    assert s["finish_date"] is not None
    shown = json.loads(runner.invoke(app, ["schedule", "show", str(out), "--json"]).stdout)
    day, crew = shown["days"][0]["day"], shown["days"][0]["crews"][0]["crew"]
    r = runner.invoke(app, ["schedule", "missions", str(out), "--day", day, "--crew", crew,
                            "--out", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    assert "ground elevation unknown" not in r.stderr
    for path in json.loads(r.stdout)["files"]:
        with open(path, "rb") as fh:
            data = fh.read()
        assert violations(data) == []
        with zipfile.ZipFile(path) as z:
            assert b"<wpml:executeHeight>" in z.read("wpmz/waylines.wpml")


def test_dem_import_fills_unknown_ground(registry, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("feeder,pole,lat,lon\nF1,1,28.0055,112.0055\nF1,2,27.5,112.0\n")
    dem = tmp_path / "dem.tif"
    write_geotiff(dem, np.full((3, 3), 42.0), 112.0, 28.01, 0.005)
    with registry() as session:
        import_assets(session, f)
        session.commit()
    r = runner.invoke(app, ["schedule", "dem", "import", str(dem)])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert (got["poles_set"], got["poles_unknown"]) == (1, 1)
    assert "still unknown for 1 pole" in r.stderr
    with registry() as session:
        assert sorted((p.ground_m is None, p.ground_m) for p in session.scalars(select(rm.Pole))) == [
            (False, 42.0), (True, None)]
