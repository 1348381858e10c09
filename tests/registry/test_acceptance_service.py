"""Acceptance projects through the registry: import with new poles, mission, photos matched to poles
and items, a failed item and its rectification (a hazard in the ledger), waiving, the re-measurement
of a repaired infrared defect, and acceptance — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.acceptance import service
from irpatrol.errors import Conflict, InputError, PermissionDenied
from irpatrol.radiometry import tiff
from irpatrol.registry import assets
from irpatrol.registry.model import AuditLog, Component, Defect, Hazard, Pole
from irpatrol.scheduling.export import wpml


def jpeg(path: Path, shade: int = 120) -> Path:
    PILImage.new("RGB", (32, 24), (shade, shade, shade)).save(path, "JPEG")
    return path


def new_poles_csv() -> tuple[str, bytes]:
    rows = ["feeder,pole,lat,lon,area,voltage_kv,pole_type"]
    rows += [f"F1,N{n},{30.0 + n * 0.0005:.6f},{120.0:.6f},North,10,concrete" for n in (11, 12)]
    return "new.csv", ("\n".join(rows) + "\n").encode()


@pytest.fixture
def project(session: Session, feeder_csv: Path):
    assets.import_assets(session, feeder_csv)
    return service.create_project(
        session,
        name="Qingshan extension",
        kind="new-pole-line",
        feeder="F1",
        from_pole="9",
        to_pole="10",
        poles_file=new_poles_csv(),
        contractor="Sanhe Electric",
        inspector="insp",
        user="insp",
    )


def test_project_takes_range_and_new_poles_with_items_per_pole(session: Session, project) -> None:
    numbers = [(ap.pole.number, ap.new) for ap in project.poles]
    assert numbers == [("9", False), ("10", False), ("N11", True), ("N12", True)]
    per_pole = [it for it in project.items if it.pole_id is not None]
    assert len(per_pole) == 6 * 4 and len(project.items) == 6 * 4 + 2
    assert project.checklist_version == "2026.1"
    with pytest.raises(Conflict, match="exists already"):
        service.create_project(
            session, name="Qingshan extension", kind="new-pole-line", feeder="F1", from_pole="1", to_pole="2"
        )


def test_mission_is_a_wpml_kmz_over_the_project_poles(session: Session, project) -> None:
    name, data = service.mission_kmz(session, project.id)
    waypoints = wpml.read_kmz(data)
    assert name.endswith(".kmz") and zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [w.pole_id for w in waypoints] == [str(ap.pole_id) for ap in project.poles]


def test_photos_match_poles_by_suffix_and_items_by_method(session: Session, project, tmp_path: Path) -> None:
    pole = project.poles[0].pole
    vis = jpeg(tmp_path / "v.jpg")
    celsius = np.full((24, 32), 25.0, dtype=np.float32)
    ir = tmp_path / "t.tiff"
    ir.write_bytes(tiff.encode(celsius))
    out = service.ingest_photos(
        session,
        project.id,
        [
            (f"DJI_0001_W_{pole.id}.JPG", vis),
            (f"DJI_0001_T_{pole.id}.tiff", ir),
            ("stray.jpg", jpeg(tmp_path / "s.jpg", 10)),
        ],
        data_dir=tmp_path / "data",
    )
    assert out["unmatched"] == ["stray.jpg"]
    items = [it for it in project.items if it.pole_id == pole.id]
    with_photo = {it.code for it in items if it.evidence}
    assert with_photo == {"pole-verticality", "crossarm-level", "insulators-pins", "clamps-bolts", "plates"}
    again = service.ingest_photos(
        session, project.id, [(f"DJI_0001_W_{pole.id}.JPG", vis)], data_dir=tmp_path / "data"
    )
    assert again["attached"] == 0 and again["already"] == 5


def test_failed_item_opens_a_rectification_and_blocks_acceptance(session: Session, project, tmp_path) -> None:
    data = tmp_path / "data"
    items = list(project.items)
    failed = next(it for it in items if it.code == "crossarm-level")
    with pytest.raises(InputError, match="needs evidence"):
        service.mark_item(session, failed.id, "fail", user="insp", role="analyst")
    service.add_evidence(session, failed.id, data_dir=data, photo=jpeg(tmp_path / "a.jpg"), user="insp")
    service.mark_item(
        session, failed.id, "fail", note="crossarm tilted 35 mm", assignee="Wang", user="insp", role="analyst"
    )
    rect = failed.rectifications[0]
    hazard = session.get(Hazard, rect.hazard_id)
    assert hazard is not None and hazard.kind == "construction" and hazard.status == "open"
    assert rect.assignee == "Wang" and rect.status == "open"
    for it in items:
        if it.result == "pending":
            service.add_evidence(session, it.id, value=1.0, unit="m", user="insp")
            service.mark_item(session, it.id, "pass", user="insp", role="analyst")
    with pytest.raises(Conflict, match="1 failed, 1 rectification"):
        service.accept_project(session, project.id, user="boss", role="admin")
    service.update_rectification(session, rect.id, "rectified", user="contractor", role="pilot")
    with pytest.raises(PermissionDenied):
        service.update_rectification(session, rect.id, "verified", user="contractor", role="pilot")
    service.add_evidence(session, failed.id, data_dir=data, photo=jpeg(tmp_path / "b.jpg", 200), user="insp")
    service.update_rectification(session, rect.id, "verified", note="level now", user="insp", role="analyst")
    assert failed.result == "pass" and session.get(Hazard, rect.hazard_id).status == "cleared"
    with pytest.raises(PermissionDenied):
        service.accept_project(session, project.id, user="insp", role="analyst")
    accepted = service.accept_project(session, project.id, user="boss", role="admin")
    assert accepted.status == "accepted" and accepted.actual_end is not None
    actions = session.scalars(select(AuditLog.action).where(AuditLog.entity == "acceptance_project")).all()
    assert "accept" in actions


def test_waiving_needs_a_manager_and_a_reason(session: Session, project) -> None:
    item = project.items[0]
    with pytest.raises(PermissionDenied):
        service.mark_item(session, item.id, "waived", reason="by design", role="analyst")
    with pytest.raises(InputError, match="reason"):
        service.mark_item(session, item.id, "waived", role="admin")
    service.mark_item(session, item.id, "waived", reason="pole of the old line, not in scope", role="admin")
    assert item.result == "waived"
    with pytest.raises(Conflict, match="final"):
        service.mark_item(session, item.id, "pass", role="admin")


@pytest.fixture
def repaired_defect(session: Session, feeder_csv: Path) -> Defect:
    assets.import_assets(session, feeder_csv)
    pole = session.scalars(select(Pole).where(Pole.number == "3")).one()
    comp = Component(pole=pole, kind="parallel-groove-clamp", phase="A")
    defect = Defect(kind="thermal", grade="serious", status="repaired", pole=pole, component=comp)
    session.add_all([comp, defect])
    session.flush()
    return defect


def test_repaired_defect_is_verified_only_when_the_remeasurement_grades_none(
    session: Session, repaired_defect: Defect
) -> None:
    p = service.create_project(
        session, name="Repair N3", kind="ir-defect-repair", defect_id=repaired_defect.id
    )
    item = next(it for it in p.items if it.code == "ir-remeasure")
    service.remeasure(session, item.id, t1_c=95.0, t2_c=30.0, t0_c=20.0, user="ana", role="analyst")
    assert item.result == "fail" and item.evidence[-1].grade not in ("none", None)
    assert repaired_defect.status == "repaired" and item.rectifications[0].status == "open"
    service.remeasure(session, item.id, t1_c=31.0, t2_c=30.0, t0_c=20.0, user="ana", role="analyst")
    assert item.evidence[-1].grade == "none" and item.result == "pass"
    assert item.rectifications[0].status == "verified"
    assert repaired_defect.status == "verified"


def test_analyst_may_waive_the_remeasurement_with_a_reason(session: Session, repaired_defect: Defect) -> None:
    p = service.create_project(
        session, name="Repair N3b", kind="ir-defect-repair", defect_id=repaired_defect.id
    )
    item = next(it for it in p.items if it.code == "ir-remeasure")
    service.remeasure(session, item.id, t1_c=95.0, t2_c=30.0, user="ana", role="analyst")
    service.mark_item(
        session,
        item.id,
        "waived",
        reason="feeder unloaded for a month; re-check in summer",
        user="ana",
        role="analyst",
    )
    other = next(it for it in p.items if it.code == "repair-visible")
    service.mark_item(session, other.id, "na", role="analyst")
    service.accept_project(session, p.id, user="boss")
    assert repaired_defect.status == "verified"
    assert session.get(Hazard, item.rectifications[0].hazard_id).status == "rejected"
