"""Registry fixtures: a small feeder as an asset file. The database (``db_url``, ``engine``,
``factory``, ``session`` on SQLite and PostgreSQL) comes from ``tests/conftest.py``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def feeder_csv(tmp_path: Path) -> Path:
    """Ten poles of feeder F1 in a line (50 m apart), as an asset CSV."""
    from irpatrol.simulate.flight import line_of_poles

    rows = ["feeder,pole,lat,lon,area,voltage_kv,pole_type,external_id"]
    for p in line_of_poles(10):
        rows.append(f"F1,{p.number},{p.lat:.8f},{p.lon:.8f},North,10,concrete,F1-{p.number}")
    path = tmp_path / "assets.csv"
    path.write_text("\n".join(rows) + "\n")
    return path
