"""The migrations build exactly the ORM schema; the county loader and the simulator's ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from irpatrol import db
from irpatrol.errors import InputError
from irpatrol.registry.county import load_county
from irpatrol.registry.model import Area, Base, Crew, Drone, Feeder, Image, Pilot, Pole
from irpatrol.simulate.flight import (
    FlightSpec,
    HotSpec,
    line_of_poles,
    plan_shots,
    render_scene,
    write_flight,
)


def test_migrated_schema_matches_models(engine: sa.Engine) -> None:
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_defect_list_indexes_exist(engine: sa.Engine) -> None:
    names = {ix["name"] for ix in sa.inspect(engine).get_indexes("defect")}
    assert {
        "ix_defect_status",
        "ix_defect_grade",
        "ix_defect_pole_id",
        "ix_defect_deadline",
        "ix_defect_status_deadline",
        "ix_defect_status_grade_deadline",
    } <= names


def test_sha256_is_unique(session: Session) -> None:
    session.add(Image(sha256="a" * 64, original_name="x.tiff", status="rejected"))
    session.commit()
    session.add(Image(sha256="a" * 64, original_name="y.tiff", status="rejected"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    eng = db.make_engine(f"sqlite:///{tmp_path}/sub/x.sqlite")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_load_county_twice_duplicates_nothing(session: Session) -> None:
    from irpatrol.scheduling.core.county import generate

    county = generate(poles=120, feeders=4, areas=2, crews=3, seed=5)
    first = load_county(session, county)
    session.commit()
    load_county(session, county)
    session.commit()
    counts = [
        session.scalar(select(func.count()).select_from(m)) for m in (Area, Feeder, Pole, Crew, Pilot, Drone)
    ]
    assert counts == [2, 4, 120, 3, 6, 3] and first["poles_created"] == 120
    assert session.scalar(select(func.count()).select_from(Feeder).where(Feeder.area_id.is_(None))) == 0


def test_simulated_hot_clamp_is_where_the_truth_says(tmp_path: Path) -> None:
    spec = FlightSpec(width=320, height=256, ambient_c=20.0)
    poles = line_of_poles(3)
    shots = plan_shots(poles, spec, [HotSpec("2", "parallel-groove-clamp", 25.0, "C")])
    frame = render_scene(spec, shots[1])
    hot = next(c for c in frame.clamps if c.hot_k > 0)
    x, y, w, h = hot.bbox
    peak = float(frame.celsius[y : y + h, x : x + w].max())
    # the truth's peak is apparent (weathered metal, ε < 1) before blur and noise
    assert hot.phase == "C" and hot.hot_k == 25.0 and abs(peak - hot.peak_c) < 1.5
    assert all(hot.peak_c - c.peak_c > 20.0 for c in frame.clamps if c is not hot)
    assert float(np.min(frame.celsius)) < 20.0 - 10.0  # the cold sky is in view
    assert [s.captured_at for s in shots] == sorted(s.captured_at for s in shots)
    truth = write_flight(tmp_path, "F1", poles, spec)
    written = json.loads((tmp_path / "ground_truth.json").read_text())
    assert written["images"] == json.loads(json.dumps(truth["images"]))
    assert len(list(tmp_path.glob("*.tiff"))) == 3


def test_hot_spec_parsing() -> None:
    assert HotSpec.parse("N7:strain-clamp:8:c") == HotSpec("N7", "strain-clamp", 8.0, "C")
    for bad in ("7:clamp", "7:clamp:hot", "7:clamp:-3", "7:clamp:5:D"):
        with pytest.raises(InputError):
            HotSpec.parse(bad)
    with pytest.raises(InputError, match="does not have"):
        plan_shots(line_of_poles(2), FlightSpec(), [HotSpec("9", "t-clamp", 5.0)])
