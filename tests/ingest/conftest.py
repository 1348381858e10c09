"""Ingest fixtures: the test database of ``tests/conftest.py`` (SQLite, and PostgreSQL when
configured) with one feeder of three poles, and a simulated flight over it (the flight simulator
writes raw-count radiometric TIFFs with GPS, time and the camera's atmospheric temperature and
humidity, and a visible JPEG per shot)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.registry.assets import import_assets
from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, line_of_poles, write_flight

FEEDER = "10kV Ingest Line"
AMBIENT_C = 24.0
"""The simulated flight's air temperature (°C), recorded in every file as the atmospheric one."""


@pytest.fixture
def feeder() -> str:
    """The name of the feeder the flight is over."""
    return FEEDER


@pytest.fixture
def ambient_c() -> float:
    """The flight's air temperature (°C)."""
    return AMBIENT_C


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir)


@pytest.fixture
def sessions(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """The test database of ``tests/conftest.py`` (each backend) with the feeder imported."""
    spots = line_of_poles(3, lat=28.1, lon=112.9, span_m=200.0, azimuth_deg=40.0, prefix="N")
    csv = tmp_path / "poles.csv"
    csv.write_text(
        "feeder,pole,lat,lon\n" + "".join(f"{FEEDER},{s.number},{s.lat:.7f},{s.lon:.7f}\n" for s in spots)
    )
    with factory() as session:
        import_assets(session, csv)
        session.commit()
    return factory


@pytest.fixture
def flight(tmp_path: Path) -> Path:
    """Three shots (one per pole), a hot clamp on N2, each with its ``_V.JPG`` visible photo."""
    spots = line_of_poles(3, lat=28.1, lon=112.9, span_m=200.0, azimuth_deg=40.0, prefix="N")
    folder = tmp_path / "flight"
    spec = FlightSpec(
        images_per_pole=1,
        ambient_c=AMBIENT_C,
        seed=11,
        start=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
        camera_model="simulated 640",
    )
    write_flight(
        folder,
        FEEDER,
        [PoleSpot(s.number, s.lat, s.lon) for s in spots],
        spec,
        [HotSpec(pole="N2", kind="t-clamp", kelvin=80.0, phase="A")],
    )
    return folder
