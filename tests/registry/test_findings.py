"""Real camera files through ingest, and a finding recomputed with another emissivity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol import radiometry
from irpatrol.config import Settings
from irpatrol.errors import NotFound, ParameterError
from irpatrol.ingest import ingest_folder
from irpatrol.registry.assets import import_assets
from irpatrol.registry.findings import recompute
from irpatrol.registry.model import AuditLog, Finding, Image

SAMPLE = "dji_xtr_flir_core.jpg"  # FLIR-core R-JPEG with GPS and a hot region


@pytest.fixture
def ingested(samples: Path, session: Session, factory: sessionmaker[Session], tmp_path: Path) -> Session:
    gps = radiometry.read(samples / SAMPLE).meta.gps
    assert gps is not None
    csv = tmp_path / "pole.csv"
    csv.write_text(f"feeder,pole,lat,lon\nR1,1,{gps.lat + 0.0001},{gps.lon}\n")  # ~11 m from the camera
    import_assets(session, csv)
    session.commit()
    folder = tmp_path / "flight"
    folder.mkdir()
    shutil.copy(samples / SAMPLE, folder)
    shutil.copy(samples / "flir_e40.jpg", folder)  # no GPS: analysed, not matched
    r = ingest_folder(
        factory, folder, feeder="R1", date="2026-07-15", workers=1, settings=Settings(data_dir=tmp_path)
    )
    assert (r.analysed, r.unmatched, r.rejected) == (2, 1, 0)
    session.expire_all()
    return session


def test_real_file_is_matched_and_judged(ingested: Session) -> None:
    """The sample is a sun-warmed steel frame in grass (no power line): matched to the pole near its
    GPS position, its warm parts are findings, none a defect — unrated with the reason, and marked
    for review where they rise 10 K or more over T0 (issue 10, items 3 and 4)."""
    img = ingested.scalar(select(Image).where(Image.original_name == SAMPLE))
    assert img is not None and img.pole_id is not None and 10.0 < (img.pole_distance_m or 0) < 12.5
    assert img.camera and img.params and img.params["emissivity"] > 0
    assert img.findings and not [f for f in img.findings if f.defect_id is not None]
    unrated = [f for f in img.findings if f.grade == "unrated"]
    assert unrated and all(f.diagnosis and f.diagnosis["unrated_reason"] for f in unrated)
    assert all(("review" in (f.flags or [])) == ((f.rise_k or 0) >= 10.0) for f in unrated)
    assert any("review" in (f.flags or []) for f in unrated)


def test_recompute_with_lower_emissivity_raises_the_temperature(ingested: Session, tmp_path: Path) -> None:
    finding = ingested.scalar(
        select(Finding).join(Image).where(Image.original_name == SAMPLE).order_by(Finding.t_max_c.desc())
    )
    assert finding is not None
    before = finding.t_max_c
    eps = finding.image.params["emissivity"]  # type: ignore[index]
    recompute(ingested, finding.id, emissivity=round(eps * 0.7, 3), user="ana", data_dir=tmp_path)
    ingested.commit()
    assert finding.t_max_c > before + 1.0  # less emissive → the same radiance means a hotter object
    assert finding.params is not None and finding.params["emissivity"] == round(eps * 0.7, 3)
    assert ingested.scalar(select(AuditLog).where(AuditLog.action == "recompute", AuditLog.username == "ana"))


def test_recompute_errors(ingested: Session, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        recompute(ingested, 987654, emissivity=0.9, data_dir=tmp_path)
    finding = ingested.scalar(select(Finding))
    assert finding is not None
    with pytest.raises(ParameterError):
        recompute(ingested, finding.id, emissivity=1.7, data_dir=tmp_path)
    stored = tmp_path / (finding.image.stored_path or "")
    assert stored.is_file() and not Path(finding.image.stored_path or "").is_absolute()
    stored.unlink()
    with pytest.raises(NotFound, match="is gone"):
        recompute(ingested, finding.id, emissivity=0.8, data_dir=tmp_path)
