"""Ingest: simulated flights in, images/findings/defects out; idempotent; defects join, verify, reopen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.ingest import ingest_folder
from irpatrol.registry.assets import import_assets
from irpatrol.registry.defects import transition
from irpatrol.registry.model import Component, Defect, DefectEvent, Finding, Image, Patrol, Pole
from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight

POLES = line_of_poles(10)
LATER_SEED = 3
HOT = [HotSpec("2", "parallel-groove-clamp", 30.0, "B"), HotSpec("5", "parallel-groove-clamp", 60.0, "C")]


def fly(out: Path, hot: list[HotSpec], start: datetime, seed: int = 0) -> Path:
    """Field frames (the default scene). These tests pin the registry's bookkeeping (open, join,
    verify, reopen), so the detector must find exactly the clamps made hot: the seeds are ones where
    it does (seed 1 of the later flight gave one false defect in 10 frames; the detector's truth is
    measured in tests/analysis and bench/scenarios.py)."""
    write_flight(out, "F1", POLES, FlightSpec(width=320, height=256, start=start, seed=seed), hot)
    return out


@pytest.fixture(scope="module")
def flight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = fly(tmp_path_factory.mktemp("flight"), HOT, datetime(2026, 7, 15, 9, tzinfo=UTC))
    (out / "IRP_99999.tiff").write_bytes(b"II*\0 this is not a thermal image")
    return out


@pytest.fixture
def loaded(session: Session, feeder_csv: Path) -> Session:
    import_assets(session, feeder_csv)
    session.commit()
    return session


def n(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def run(factory: sessionmaker[Session], folder: Path, tmp: Path, day: str = "2026-07-15", workers: int = 1):
    return ingest_folder(
        factory, folder, feeder="F1", date=day, crew="C1", settings=Settings(data_dir=tmp), workers=workers
    )


def test_ingest_records_images_findings_and_defects(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    r = run(factory, flight, tmp_path)
    assert (r.files, r.analysed, r.rejected, r.unmatched) == (11, 10, 1, 0)
    assert r.rejected_files[0][0] == "IRP_99999.tiff" and r.rejected_files[0][1]
    assert r.defects_opened == 2 and r.defects_joined == 0
    loaded.expire_all()
    assert n(loaded, Image) == 11 and n(loaded, Defect) == 2
    rejected = loaded.scalar(select(Image).where(Image.status == "rejected"))
    assert rejected is not None and rejected.reason
    truth = json.loads((flight / "ground_truth.json").read_text())
    for img in loaded.scalars(select(Image).where(Image.status == "analysed")):
        pole = loaded.get(Pole, img.pole_id)
        entry = next(e for e in truth["images"] if e["file"] == img.original_name)
        assert pole is not None and pole.number == entry["pole"]
        assert img.pole_distance_m is not None and img.pole_distance_m < 10.0
    hot_components = {
        (c.pole.number, c.phase)
        for c in loaded.scalars(select(Component).join(Defect, Defect.component_id == Component.id))
    }
    assert hot_components == {("2", "B"), ("5", "C")}
    patrol = loaded.scalar(select(Patrol))
    # the track passes the ten poles 50 m apart: about 450 m plus the side-steps to each shot
    assert patrol is not None and 0.4 < patrol.km_flown < 0.6
    assert all(d.status == "new" and d.deadline is not None for d in loaded.scalars(select(Defect)))


@pytest.mark.slow
def test_reingest_adds_nothing(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    run(factory, flight, tmp_path, workers=2)
    counts = (n(loaded, Image), n(loaded, Finding), n(loaded, Defect), n(loaded, DefectEvent))
    again = run(factory, flight, tmp_path, workers=2)
    assert again.skipped == 11 and again.analysed == again.rejected == 0
    assert (n(loaded, Image), n(loaded, Finding), n(loaded, Defect), n(loaded, DefectEvent)) == counts


def test_later_patrol_joins_open_defect(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    run(factory, flight, tmp_path)
    later = fly(tmp_path / "later", HOT, datetime(2026, 8, 15, 9, tzinfo=UTC), seed=LATER_SEED)
    r = run(factory, later, tmp_path, day="2026-08-15")
    assert (r.defects_opened, r.defects_joined) == (0, 2)
    loaded.expire_all()
    assert n(loaded, Defect) == 2 and n(loaded, Patrol) == 2
    for d in loaded.scalars(select(Defect)):
        assert len(d.findings) == 2  # temperature history across the two patrols


def test_repaired_defect_is_verified_by_a_normal_patrol_and_reopened_by_a_hot_one(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    run(factory, flight, tmp_path)
    ids = sorted(loaded.scalars(select(Defect.id)))
    repaired_at = datetime(2026, 7, 20, tzinfo=UTC)
    for defect_id in ids:
        for status in ("confirmed", "repair_scheduled", "repaired"):
            transition(loaded, defect_id, status, user="ana", at=repaired_at)
    loaded.commit()
    # pole 2 repaired well, pole 5 still hot
    later = fly(tmp_path / "later", [HOT[1]], datetime(2026, 8, 1, 9, tzinfo=UTC), seed=2)
    r = run(factory, later, tmp_path, day="2026-08-01")
    assert r.defects_verified == 1 and r.defects_joined == 1 and r.defects_opened == 0
    loaded.expire_all()
    by_pole = {d.pole.number: d for d in loaded.scalars(select(Defect))}
    assert by_pole["2"].status == "verified" and by_pole["2"].verified_at is not None
    assert by_pole["5"].status == "reopened"
    reasons = [e.reason for e in by_pole["5"].events if e.to_status == "reopened"]
    assert reasons and "after the repair" in reasons[0]


def test_an_image_dated_ahead_of_its_upload_does_not_verify_a_repair(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    # a later flight whose camera clock runs days ahead: its capture times lie after the repair but
    # also after the upload, so they cannot show when it was taken; the repaired defects stay repaired
    run(factory, flight, tmp_path)
    ids = sorted(loaded.scalars(select(Defect.id)))
    for defect_id in ids:
        for status in ("confirmed", "repair_scheduled", "repaired"):
            transition(loaded, defect_id, status, user="ana")
    loaded.commit()
    ahead = datetime.now(UTC) + timedelta(days=3)
    later = fly(tmp_path / "later", [], ahead, seed=2)
    r = run(factory, later, tmp_path, day=ahead.date().isoformat())
    assert r.defects_verified == 0
    loaded.expire_all()
    assert {d.status for d in loaded.scalars(select(Defect))} == {"repaired"}


def test_images_far_from_the_patrol_feeders_stay_unmatched(
    loaded: Session, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    far = [p.__class__(p.number, p.lat + 0.01, p.lon) for p in POLES[:3]]  # ~1.1 km north
    write_flight(tmp_path / "far", "F1", far, FlightSpec(width=160, height=128))
    r = run(factory, tmp_path / "far", tmp_path)
    assert r.unmatched == 3 and r.defects_opened == 0
    loaded.expire_all()
    assert all(i.pole_id is None and "within" in (i.reason or "") for i in loaded.scalars(select(Image)))


def test_unknown_feeder_and_bad_date(
    loaded: Session, factory: sessionmaker[Session], flight: Path, tmp_path: Path
) -> None:
    from irpatrol.errors import InputError, NotFound

    with pytest.raises(NotFound, match="no feeder named 'nope'"):
        ingest_folder(factory, flight, feeder="nope", date="2026-07-15", settings=Settings(data_dir=tmp_path))
    with pytest.raises(InputError, match="not YYYY-MM-DD"):
        ingest_folder(factory, flight, feeder="F1", date="15.07.2026", settings=Settings(data_dir=tmp_path))
    with pytest.raises(InputError, match="not a folder"):
        ingest_folder(
            factory,
            tmp_path / "missing",
            feeder="F1",
            date="2026-07-15",
            settings=Settings(data_dir=tmp_path),
        )


def test_patrol_records_crew_drone_weather_and_load(loaded: Session, factory: sessionmaker[Session]) -> None:
    from irpatrol.registry import patrols
    from irpatrol.registry.patrols import ensure_patrol

    p = ensure_patrol(
        loaded,
        feeders=["F1"],
        day=datetime(2026, 7, 15).date(),
        crew="C1",
        drone="M30T-07",
        ambient_c=31.5,
        humidity_pct=60.0,
        wind_m_s=2.0,
        load_current_a={"F1": 180.0},
    )
    loaded.commit()
    again = ensure_patrol(loaded, feeders=["F1"], day=datetime(2026, 7, 15).date(), crew="C1")
    assert again.id == p.id and n(loaded, Patrol) == 1
    s = patrols.summary(loaded, p)
    assert s["crew"] == "C1" and s["feeders"] == [{"name": "F1", "load_current_a": 180.0}]
    assert (s["ambient_c"], s["humidity_pct"], s["wind_m_s"]) == (31.5, 60.0, 2.0)
    assert p.drone is not None and p.drone.name == "M30T-07"
