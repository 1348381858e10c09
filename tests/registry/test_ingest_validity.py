"""The ``outside-calibrated-range`` validity flag reaches the registry: a FLIR image whose hot spot
reads above the camera's stated range is ingested, and its finding is stored with the flag, as
the other validity flags are (issue 11)."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.ingest import ingest_folder
from irpatrol.registry.assets import import_assets
from irpatrol.registry.model import Finding
from irpatrol.simulate.flight import line_of_poles

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "radiometry"))
import flir_build as fb


def test_finding_outside_the_calibrated_range_is_stored_with_the_flag(
    session: Session, factory: sessionmaker[Session], feeder_csv: Path, tmp_path: Path
) -> None:
    import_assets(session, feeder_csv)
    session.commit()
    pole = line_of_poles(10)[3]
    folder = tmp_path / "flight"
    folder.mkdir()
    hot = fb.scene(120, 160, hot_c=400.0)  # camera range −20…150 °C
    (folder / "FLIR0001.jpg").write_bytes(
        fb.rjpeg(fb.flir_frame(fb.counts_of(hot), "png-le", gps=(pole.lat, pole.lon)))
    )
    result = ingest_folder(
        factory,
        folder,
        feeder="F1",
        date="2026-07-15",
        crew="C1",
        settings=Settings(data_dir=tmp_path / "data"),
    )
    assert (result.analysed, result.rejected) == (1, 0), result.rejected_files
    session.expire_all()
    findings = list(session.scalars(select(Finding)))
    assert findings, "the 400 °C disc is found"
    hottest = max(findings, key=lambda f: f.t_max_c)
    assert hottest.t_max_c > 150.0
    assert "outside-calibrated-range" in (hottest.flags or [])
    assert "outside-calibrated-range" in hottest.diagnosis["flags"]
