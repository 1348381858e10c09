"""Defect services: deadlines, transitions with events and audit, list filters/sorting/paging, overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import Conflict, InputError, NotFound, ParameterError
from irpatrol.registry.assets import import_assets
from irpatrol.registry.defects import DeadlinePolicy, detail, list_defects, open_defect, overdue, transition
from irpatrol.registry.model import AuditLog, Defect, DefectEvent, Pole


@pytest.fixture
def poles(session: Session, feeder_csv: Path) -> list[Pole]:
    import_assets(session, feeder_csv)
    session.commit()
    return list(session.scalars(select(Pole).order_by(Pole.seq)))


def test_deadline_policy_by_grade() -> None:
    t = datetime(2026, 7, 1, tzinfo=UTC)
    p = DeadlinePolicy()
    assert p.deadline("critical", t) == t + timedelta(hours=24)
    assert p.deadline("serious", t) == t + timedelta(days=30)
    assert p.deadline("general", t) == t + timedelta(days=180)
    assert p.deadline("none", t) is None


def test_deadline_policy_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from irpatrol.config import Settings

    for name in ("CRITICAL_H", "SERIOUS_D", "SERIOUS_DAYS", "GENERAL_D", "GENERAL_DAYS"):
        monkeypatch.delenv(f"IRPATROL_DEADLINE_{name}", raising=False)
    defaults = Settings()
    assert (defaults.deadline_critical_h, defaults.deadline_serious_days, defaults.deadline_general_days) == (
        24.0,
        30.0,
        180.0,
    )
    assert DeadlinePolicy.from_settings(defaults) == DeadlinePolicy()
    own = DeadlinePolicy.from_settings(Settings(deadline_critical_h=12, deadline_general_days=90))
    assert own == DeadlinePolicy(critical=timedelta(hours=12), general=timedelta(days=90))
    # the environment variable names of before keep working, and the field names with the prefix too
    monkeypatch.setenv("IRPATROL_DEADLINE_CRITICAL_H", "6")
    monkeypatch.setenv("IRPATROL_DEADLINE_SERIOUS_D", "7")
    monkeypatch.setenv("IRPATROL_DEADLINE_GENERAL_DAYS", "120")
    s = Settings()
    assert (s.deadline_critical_h, s.deadline_serious_days, s.deadline_general_days) == (6.0, 7.0, 120.0)
    assert DeadlinePolicy.from_settings(s) == DeadlinePolicy(
        critical=timedelta(hours=6), serious=timedelta(days=7), general=timedelta(days=120)
    )
    monkeypatch.setenv("IRPATROL_DEADLINE_SERIOUS_D", "soon")
    with pytest.raises(ValidationError):
        Settings()


def test_no_service_reads_the_deadlines_from_the_environment(
    session: Session, poles: list[Pole], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edges build the policy from their settings and pass it down; a call without one takes
    the defaults whatever the environment says."""
    monkeypatch.setenv("IRPATROL_DEADLINE_CRITICAL_H", "6")
    t = datetime(2026, 7, 1, tzinfo=UTC)
    d = open_defect(session, grade="critical", pole_id=poles[0].id, found_at=t)
    assert d.deadline is not None and d.deadline.replace(tzinfo=UTC) == t + timedelta(hours=24)
    own = DeadlinePolicy(critical=timedelta(hours=2))
    d = open_defect(session, grade="critical", pole_id=poles[1].id, found_at=t, policy=own)
    assert d.deadline is not None and d.deadline.replace(tzinfo=UTC) == t + timedelta(hours=2)


def test_transition_writes_event_and_audit(session: Session, poles: list[Pole]) -> None:
    d = open_defect(session, grade="serious", pole_id=poles[0].id, user="pilot1", description="hot clamp")
    transition(session, d.id, "confirmed", user="ana", comment="seen on site")
    session.commit()
    events = list(
        session.scalars(select(DefectEvent).where(DefectEvent.defect_id == d.id).order_by(DefectEvent.id))
    )
    assert [(e.from_status, e.to_status, e.username) for e in events] == [
        (None, "new", "pilot1"),
        ("new", "confirmed", "ana"),
    ]
    audit = session.scalar(
        select(AuditLog).where(AuditLog.action == "transition", AuditLog.entity_id == d.id)
    )
    assert (
        audit is not None
        and audit.username == "ana"
        and audit.detail == {"from": "new", "to": "confirmed", "comment": "seen on site", "reason": None}
    )
    with pytest.raises(Conflict, match="a confirmed defect cannot become verified"):
        transition(session, d.id, "verified", user="ana")
    with pytest.raises(NotFound):
        transition(session, 999_999, "confirmed")


def test_reject_needs_reason_and_keeps_the_record(session: Session, poles: list[Pole]) -> None:
    d = open_defect(session, grade="general", pole_id=poles[1].id)
    with pytest.raises(InputError, match="reason is required"):
        transition(session, d.id, "rejected", user="ana")
    transition(session, d.id, "rejected", user="ana", reason="sun reflection on the insulator cap")
    session.commit()
    kept = session.get(Defect, d.id)
    assert kept is not None and kept.status == "rejected"
    assert detail(session, d.id)["events"][-1]["reason"] == "sun reflection on the insulator cap"


def test_full_workflow_sets_repair_and_verification_times(session: Session, poles: list[Pole]) -> None:
    d = open_defect(session, grade="critical", pole_id=poles[2].id)
    for status in ("confirmed", "repair_scheduled", "repaired"):
        transition(session, d.id, status, user="ana")
    assert d.repaired_at is not None
    transition(session, d.id, "reopened", user="ana", reason="still hot at the next patrol")
    assert d.repaired_at is None
    for status in ("confirmed", "repair_scheduled", "repaired", "verified"):
        transition(session, d.id, status, user="ana")
    assert d.verified_at is not None and detail(session, d.id)["allowed"] == []


def test_list_filters_sort_and_pages(session: Session, poles: list[Pole]) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    grades = ["general", "serious", "critical"]
    for i in range(30):
        open_defect(session, grade=grades[i % 3], pole_id=poles[i % 10].id, found_at=base + timedelta(days=i))
    session.commit()
    page = list_defects(session, {"grade": "critical"}, sort="deadline", page=1, per_page=4)
    assert page.total == 10 and len(page.items) == 4 and page.pages == 3
    deadlines = [d.deadline for d in page.items]
    assert deadlines == sorted(deadlines)
    page3 = list_defects(session, {"grade": ["critical"]}, sort="deadline", page=3, per_page=4)
    assert len(page3.items) == 2
    worst = list_defects(session, None, sort="-grade", per_page=10)
    assert {d.grade for d in worst.items} == {"critical"}
    by_pole = list_defects(session, {"pole_id": poles[0].id})
    assert by_pole.total == 3 and all(d.pole_id == poles[0].id for d in by_pole.items)
    assert list_defects(session, {"feeder": "F1"}).total == 30
    assert list_defects(session, {"feeder": "other"}).total == 0
    with pytest.raises(ParameterError, match="cannot sort by 'colour'"):
        list_defects(session, None, sort="colour")
    with pytest.raises(InputError, match="unknown defect filter"):
        list_defects(session, {"colour": "red"})
    with pytest.raises(InputError, match="unknown defect status"):
        list_defects(session, {"status": "fixed"})


def test_overdue_is_a_query(session: Session, poles: list[Pole]) -> None:
    now = datetime(2026, 7, 1, tzinfo=UTC)
    late = open_defect(session, grade="critical", pole_id=poles[0].id, found_at=now - timedelta(days=2))
    fresh = open_defect(session, grade="critical", pole_id=poles[1].id, found_at=now)
    done = open_defect(session, grade="critical", pole_id=poles[2].id, found_at=now - timedelta(days=3))
    for s in ("confirmed", "repair_scheduled", "repaired"):
        transition(session, done.id, s)
    session.commit()
    assert [d.id for d in overdue(session, now)] == [late.id]
    # the list filter uses the present time: both unrepaired critical defects are past 24 h by now
    listed = {d.id for d in list_defects(session, {"overdue": True}).items}
    assert listed == {late.id, fresh.id}
    assert done.id in {d.id for d in list_defects(session, {"overdue": False}).items}


def test_an_image_shows_a_repair_only_when_its_clock_can_say_it_was_taken_after() -> None:
    # the one rule for evidence of a repair (ingest's automatic verification, the ledger's verify):
    # the capture time known, after the repair, and not ahead of the upload (a future date, or local
    # time written without its offset and read as UTC)
    from irpatrol.registry.defects import CLOCK_LEAD, taken_after

    repaired = datetime(2026, 7, 20, 12, tzinfo=UTC)
    stored = datetime(2026, 8, 1, 18, tzinfo=UTC)
    assert taken_after(datetime(2026, 8, 1, 9, tzinfo=UTC), stored, repaired)
    assert not taken_after(datetime(2026, 7, 19, 9, tzinfo=UTC), stored, repaired)  # before the repair
    assert not taken_after(None, stored, repaired)  # no capture time
    assert not taken_after(datetime(2026, 8, 1, 9, tzinfo=UTC), stored, None)  # nothing repaired
    assert taken_after(stored + CLOCK_LEAD, stored, repaired)  # a clock a little fast
    assert not taken_after(stored + CLOCK_LEAD + timedelta(seconds=1), stored, repaired)
    assert not taken_after(stored + timedelta(hours=8), stored, repaired)  # local time read as UTC
    assert taken_after(datetime(2026, 8, 1, 9), stored.replace(tzinfo=None), repaired)  # naive is UTC
