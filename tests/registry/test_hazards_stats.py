"""Hazards (clearance grading, workflow, photos) and statistics (keys, coverage, year-on-year)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.errors import Conflict, InputError, NotFound
from irpatrol.ingest import ingest_folder
from irpatrol.registry import hazards, photos, stats
from irpatrol.registry.assets import import_assets
from irpatrol.registry.defects import transition
from irpatrol.registry.model import Defect, Pole
from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight


@pytest.mark.parametrize(
    ("clearance", "required", "grade"),
    [(0.5, 1.5, "critical"), (1.0, 1.5, "serious"), (1.6, 1.5, "general"), (2.0, 1.5, "none")],
)
def test_clearance_grade(clearance: float, required: float, grade: str) -> None:
    assert hazards.clearance_grade(clearance, required) == grade


def test_hazard_record_and_workflow(session: Session, feeder_csv: Path) -> None:
    import_assets(session, feeder_csv)
    pole = session.scalar(select(Pole).where(Pole.number == "3"))
    assert pole is not None
    h = hazards.add_hazard(
        session,
        kind="vegetation",
        pole_id=pole.id,
        clearance_m=0.9,
        required_m=1.5,
        user="pilot1",
        description="poplar under phase C",
    )
    session.commit()
    assert (h.grade, h.status, h.lat, h.feeder_id) == ("serious", "open", pole.lat, pole.feeder_id)
    hazards.transition(session, h.id, "mitigation_scheduled", user="ana")
    hazards.transition(session, h.id, "cleared", user="ana")
    assert h.closed_at is not None
    with pytest.raises(Conflict):
        hazards.transition(session, h.id, "rejected", user="ana", reason="x")
    with pytest.raises(InputError, match="needs a position"):
        hazards.add_hazard(session, kind="building", grade="general")
    with pytest.raises(InputError, match="hazard kind"):
        hazards.add_hazard(session, kind="dragon", lat=30, lon=120, grade="general")
    with pytest.raises(NotFound):
        hazards.get_hazard(session, 424242)
    items, total = hazards.list_hazards(session, {"kind": "vegetation"})
    assert total == 1 and items[0].id == h.id


def test_stats_keys_coverage_and_change_against_last_year(
    session: Session, factory: sessionmaker[Session], feeder_csv: Path, tmp_path: Path
) -> None:
    import_assets(session, feeder_csv)
    session.commit()
    poles = line_of_poles(10)
    settings = Settings(data_dir=tmp_path)
    # last year: 4 poles, one hot; this year: all 10 poles, two hot
    write_flight(
        tmp_path / "y1",
        "F1",
        poles[:4],
        FlightSpec(width=320, height=256, start=datetime(2025, 7, 10, 9, tzinfo=UTC)),
        [HotSpec("2", "parallel-groove-clamp", 40)],
    )
    write_flight(
        tmp_path / "y2",
        "F1",
        poles,
        FlightSpec(width=320, height=256, seed=3, start=datetime(2026, 7, 10, 9, tzinfo=UTC)),
        [HotSpec("2", "parallel-groove-clamp", 40, "B"), HotSpec("6", "parallel-groove-clamp", 40)],
    )
    ingest_folder(
        factory, tmp_path / "y1", feeder="F1", date="2025-07-10", crew="C1", settings=settings, workers=1
    )
    ingest_folder(
        factory, tmp_path / "y2", feeder="F1", date="2026-07-10", crew="C2", settings=settings, workers=1
    )
    d = session.scalar(select(Defect).order_by(Defect.id))
    assert d is not None
    for s in ("confirmed", "repair_scheduled", "repaired"):
        transition(session, d.id, s, at=datetime(2026, 7, 20, tzinfo=UTC))
    session.commit()

    s = stats.compute(session, period="2026")
    for key in stats.KEYS:
        assert key in s
    assert (s["images"], s["poles_inspected"], s["coverage_pct"]) == (10, 10, 100.0)
    assert s["defects"] == 2 and s["previous_year"]["defects"] == 1
    assert s["change"]["images"] == 6 and s["change"]["poles_inspected"] == 6
    assert s["km_flown"] > s["previous_year"]["km_flown"] > 0
    assert s["defects_by_grade"] and sum(s["defects_by_grade"].values()) == 2
    # the 2025 defect was repaired in 2026, a year after it was found
    assert s["mttr_days"] is not None and 370 < s["mttr_days"] < 380
    crew = stats.compute(session, period="2026-07", crew="C1")
    assert crew["images"] == 0
    all_time = stats.compute(session)
    assert all_time["images"] == 14 and all_time["previous_year"] is None
    with pytest.raises(NotFound):
        stats.compute(session, feeder="nope")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026-03-05..2026-04-01", "2026-03-05", "2026-04-01"),
    ],
)
def test_parse_period(text: str, start: str, end: str) -> None:
    p = stats.parse_period(text)
    assert p is not None and (p.start.isoformat(), p.end.isoformat()) == (start, end)


def test_parse_period_errors() -> None:
    with pytest.raises(InputError):
        stats.parse_period("last week")
    with pytest.raises(InputError, match="ends before"):
        stats.parse_period("2026-05-01..2026-04-01")


@pytest.mark.parametrize("text", ["0001", "9999", "0001-01-01..2026-01-01"])
def test_parse_period_refuses_years_without_a_year_earlier(text: str) -> None:
    with pytest.raises(InputError, match="years must lie within"):
        stats.parse_period(text)


def _photo_jpeg(colour: tuple[int, int, int], *, gps: bool) -> bytes:
    """A small JPEG, with EXIF GPS 30.26 N 120.15 E when ``gps``."""
    import io

    from PIL import ExifTags
    from PIL import Image as PILImage

    exif = PILImage.Exif()
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {1: "N", 2: (30.0, 15.0, 36.0), 3: "E", 4: (120.0, 9.0, 0.0)}
        )
    buf = io.BytesIO()
    PILImage.new("RGB", (24, 16), colour).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_photos_are_stored_once_and_attached_to_hazards_and_defects(session: Session, tmp_path: Path) -> None:
    import hashlib

    from irpatrol.registry.defects import open_defect
    from irpatrol.registry.model import AuditLog

    data_dir = tmp_path / "data"
    source = tmp_path / "IMG_0001.JPG"
    source.write_bytes(_photo_jpeg((200, 30, 30), gps=True))
    h = hazards.add_hazard(session, kind="vegetation", lat=30.0, lon=120.0, grade="serious")
    d = open_defect(session, grade="general", pole_id=None, description="bird nest")

    first = photos.attach_photo(session, source, data_dir=data_dir, hazard_id=h.id, user="pilot1")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert first.path == f"photos/{sha[:2]}/{sha}.jpg" and first.sha256 == sha
    assert (first.lat, first.lon) == (pytest.approx(30.26), pytest.approx(120.15))
    assert (data_dir / first.path).read_bytes() == source.read_bytes()
    assert not [p for p in (data_dir / "photos" / sha[:2]).iterdir() if p.name.endswith(".part")]
    again = photos.attach_photo(session, source, data_dir=data_dir, hazard_id=h.id, user="pilot1")
    assert again.id == first.id, "the same picture on the same hazard is one photo"

    typed = photos.attach_photo(
        session, source, data_dir=data_dir, defect_id=d.id, lat=31.0, lon=121.0, caption="nest", user="p2"
    )
    assert typed.id != first.id and typed.path == first.path and typed.defect_id == d.id
    assert (typed.lat, typed.lon, typed.caption) == (31.0, 121.0, "nest")
    assert len(list((data_dir / "photos").rglob("*.jpg"))) == 1, "one file for both records"
    path, media = photos.photo_file(typed, data_dir)
    assert path == data_dir / first.path and media == "image/jpeg"
    logged = session.scalars(select(AuditLog.entity).where(AuditLog.action == "add_photo")).all()
    assert sorted(logged) == ["defect", "hazard"]

    plain = tmp_path / "plain.jpg"
    plain.write_bytes(_photo_jpeg((0, 0, 255), gps=False))
    assert photos.attach_photo(session, plain, data_dir=data_dir, hazard_id=h.id).lat is None
    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    with pytest.raises(InputError, match="not a photo"):
        photos.attach_photo(session, text, data_dir=data_dir, hazard_id=h.id)
    with pytest.raises(InputError, match="exactly one"):
        photos.attach_photo(session, plain, data_dir=data_dir, hazard_id=h.id, defect_id=d.id)
    with pytest.raises(NotFound):
        photos.attach_photo(session, plain, data_dir=data_dir, hazard_id=424242)
    (data_dir / first.path).unlink()
    with pytest.raises(NotFound, match="missing"):
        photos.photo_file(first, data_dir)
