"""Supervised work sites through the registry: a site from its work ticket with its measures, the
orbit mission, a violation recorded from a photo, its workflow, who sees which site, and the
register's statistics — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy.orm import Session

from irpatrol.errors import Conflict, InputError, NotFound, PermissionDenied
from irpatrol.registry import assets
from irpatrol.registry.model import Crew
from irpatrol.scheduling.export import wpml
from irpatrol.supervision import service

START = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def site(session: Session, feeder_csv: Path):
    assets.import_assets(session, feeder_csv)
    session.add_all([Crew(name="Crew East"), Crew(name="Crew West")])
    session.flush()
    service.add_crew_member(session, "Crew East", "lineman1")
    return service.create_site(
        session,
        ticket_no="WT-2026-0142",
        feeder="F1",
        poles=["4", "5", "6"],
        starts_at=START,
        ends_at=START + timedelta(hours=6),
        crew="Crew East",
        contractor="Sanhe Electric",
        supervisor="sup1",
        user="sup1",
        role="analyst",
    )


def test_site_gets_the_ticket_measures_with_earthing_at_both_ends(session: Session, site) -> None:
    kinds = [(m.kind, m.pole.number if m.pole else None) for m in site.measures]
    assert kinds == [
        ("power-cut", None),
        ("verified-dead", None),
        ("earthing-set", "4"),
        ("earthing-set", "6"),
        ("fence-signs", None),
        ("supervisor-on-site", None),
    ]
    with pytest.raises(Conflict, match="WT-2026-0142"):
        service.create_site(
            session,
            ticket_no="WT-2026-0142",
            feeder="F1",
            poles=["4"],
            starts_at=START,
            ends_at=START + timedelta(hours=1),
        )
    with pytest.raises(InputError, match="ends before"):
        service.create_site(
            session, ticket_no="WT-2", feeder="F1", poles=["4"], starts_at=START, ends_at=START
        )


def test_orbit_and_hover_missions_go_through_the_wpml_export(session: Session, site) -> None:
    _name, orbit = service.site_mission(session, site.id, mode="orbit")
    assert len(wpml.read_kmz(orbit)) == 8
    _name, hover = service.site_mission(session, site.id, mode="hover")
    (w,) = wpml.read_kmz(hover)
    assert w.gimbal_pitch_deg == -90.0


def test_violation_from_photo_rectified_and_closed(session: Session, site, tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    PILImage.new("RGB", (40, 30), (90, 90, 90)).save(photo, "JPEG")
    with pytest.raises(PermissionDenied):
        service.record_violation(session, site.id, type="missing-earthing", user="lineman1", role="pilot")
    v = service.record_violation(
        session,
        site.id,
        type="missing-earthing",
        photo=photo,
        data_dir=tmp_path / "d",
        description="no earthing set at pole 6",
        user="sup1",
        role="analyst",
    )
    assert v.photo_id is not None and v.lat == pytest.approx(site.lat) and v.observer == "sup1"
    earthing = next(m for m in site.measures if m.id == v.measure_id)
    assert earthing.kind == "earthing-set" and earthing.status == "violated" and site.status == "active"
    with pytest.raises(Conflict, match="open violations"):
        service.set_status(session, site.id, "closed", role="analyst")
    with pytest.raises(NotFound):
        service.transition_violation(session, v.id, "rectified", user="lineman-west", role="pilot")
    service.transition_violation(session, v.id, "rectified", user="lineman1", role="pilot")
    with pytest.raises(PermissionDenied):
        service.transition_violation(session, v.id, "closed", user="lineman1", role="pilot")
    service.transition_violation(session, v.id, "closed", user="sup1", role="analyst")
    assert v.status == "closed" and v.closed_at is not None and earthing.status == "confirmed"
    assert service.set_status(session, site.id, "closed", role="analyst").status == "closed"


def test_escalation_needs_a_reason(session: Session, site) -> None:
    v = service.record_violation(session, site.id, type="missing-ppe", user="sup1", role="analyst")
    with pytest.raises(InputError, match="reason"):
        service.transition_violation(session, v.id, "escalated", role="analyst")
    service.transition_violation(session, v.id, "escalated", reason="crew refused", role="analyst")
    with pytest.raises(Conflict):
        service.transition_violation(session, v.id, "reported", role="analyst")


def test_crews_see_their_own_sites_and_the_register_counts(session: Session, site) -> None:
    other = service.create_site(
        session,
        ticket_no="WT-9",
        feeder="F1",
        poles=["1"],
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        crew="Crew West",
        contractor="Other Co",
    )
    service.record_violation(session, site.id, type="missing-ppe")
    service.record_violation(session, site.id, type="missing-ppe")
    service.record_violation(session, other.id, type="no-fence-sign")
    assert [s.ticket_no for s in service.list_sites(session, user="lineman1", role="pilot")] == [
        "WT-2026-0142"
    ]
    with pytest.raises(NotFound):
        service.visible_site(session, other.id, user="lineman1", role="pilot")
    _rows, stats = service.register(session, role="admin")
    assert stats.total == 3 and stats.open == 3
    assert stats.by_type == {"missing-ppe": 2, "no-fence-sign": 1}
    assert stats.by_crew == {"Crew East": 2, "Crew West": 1}
    assert stats.by_contractor == {"Sanhe Electric": 2, "Other Co": 1}
    _rows, own = service.register(session, user="lineman1", role="pilot")
    assert own.total == 2
