"""The detector's precision learnt from the analysts (issue 10, item 6): confirming a defect records
``real`` on its automatic findings, rejecting it needs one of the fixed reasons, findings marked by
hand never count, every verdict is audited; ``stats.compute`` carries ``auto_precision`` overall,
by device kind and by patrol. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import InputError
from irpatrol.registry import precision, stats
from irpatrol.registry.assets import import_assets
from irpatrol.registry.defects import detail, register_finding, transition
from irpatrol.registry.model import AuditLog, Component, Defect, Finding, Image, Patrol, Pole


def _finding(
    session: Session, patrol: Patrol, pole: Pole, kind: str, *, n: int, origin: str | None = None
) -> Finding:
    """A serious finding of ``kind`` on ``pole`` in a new image of ``patrol``, tied to a defect."""
    image = Image(
        sha256=f"{n:064x}",
        original_name=f"IMG_{n}.jpg",
        status="analysed",
        patrol_id=patrol.id,
        pole_id=pole.id,
    )
    session.add(image)
    session.flush()
    component = session.scalar(select(Component).where(Component.pole_id == pole.id, Component.kind == kind))
    if component is None:
        component = Component(pole_id=pole.id, kind=kind)
        session.add(component)
        session.flush()
    finding = Finding(
        image_id=image.id,
        pole_id=pole.id,
        component_id=component.id,
        bbox_x=1,
        bbox_y=1,
        bbox_w=4,
        bbox_h=4,
        t_max_c=61.0,
        grade="serious",
        device=kind,
        origin=origin,
    )
    session.add(finding)
    session.flush()
    register_finding(session, finding)
    return finding


@pytest.fixture
def poles(session: Session, feeder_csv: Path) -> list[Pole]:
    import_assets(session, feeder_csv)
    session.commit()
    return list(session.scalars(select(Pole).order_by(Pole.seq)))


def test_confirm_and_reject_record_verdicts_and_precision(session: Session, poles: list[Pole]) -> None:
    july = Patrol(date=date(2026, 7, 15), key="july")
    august = Patrol(date=date(2026, 8, 20), key="august")
    session.add_all([july, august])
    session.flush()
    clamp = _finding(session, july, poles[0], "parallel-groove-clamp", n=1)
    glint = _finding(session, july, poles[1], "parallel-groove-clamp", n=2)
    roof = _finding(session, july, poles[2], "drop-out-fuse", n=3)
    manual = _finding(session, august, poles[3], "arrester", n=4, origin="manual")
    waiting = _finding(session, august, poles[4], "arrester", n=5)
    session.commit()
    assert all(f.defect_id is not None for f in (clamp, glint, roof, manual, waiting))

    transition(session, clamp.defect_id or 0, "confirmed", user="ana")
    with pytest.raises(InputError, match="reason is required"):  # neither a reason nor a verdict
        transition(session, glint.defect_id or 0, "rejected", user="ana")
    with pytest.raises(InputError, match="needs a verdict"):  # free text alone no longer suffices
        transition(session, glint.defect_id or 0, "rejected", user="ana", reason="sun on the clamp")
    with pytest.raises(InputError, match="one of wrong_component"):
        transition(session, glint.defect_id or 0, "rejected", user="ana", verdict="real")
    with pytest.raises(InputError, match="unknown verdict"):
        transition(session, glint.defect_id or 0, "rejected", user="ana", verdict="cosmic rays")
    with pytest.raises(InputError, match="verdict is 'real'"):
        transition(session, waiting.defect_id or 0, "confirmed", user="ana", verdict="reflection")
    transition(session, glint.defect_id or 0, "rejected", user="ana", verdict="Reflection")
    transition(
        session,
        roof.defect_id or 0,
        "rejected",
        user="bo",
        verdict="background",
        reason="a sunlit roof behind the fuse",
    )
    transition(session, manual.defect_id or 0, "rejected", user="bo", reason="marked on the wrong pole")
    session.commit()

    assert [f.verdict for f in (clamp, glint, roof, manual, waiting)] == [
        "real",
        "reflection",
        "background",
        None,
        None,
    ]
    events = detail(session, glint.defect_id or 0)["events"]
    assert events[-1]["reason"] == "reflection", "the verdict is the reason when none is typed"
    assert detail(session, roof.defect_id or 0)["events"][-1]["reason"] == "a sunlit roof behind the fuse"
    assert detail(session, clamp.defect_id or 0)["findings"][0]["verdict"] == "real"
    audits = {
        (a.entity_id, a.username, a.detail["verdict"])
        for a in session.scalars(select(AuditLog).where(AuditLog.action == "verdict"))
    }
    assert audits == {
        (clamp.id, "ana", "real"),
        (glint.id, "ana", "reflection"),
        (roof.id, "bo", "background"),
    }

    ap = stats.compute(session)["auto_precision"]
    assert ap["overall"] == {
        "precision": round(1 / 3, 4),
        "real": 1,
        "decided": 3,
        "pending": 1,
        "rejected_by_reason": {"wrong_component": 0, "reflection": 1, "background": 1, "duplicate": 0},
    }
    by_device = ap["by_device"]
    assert {k: (v["precision"], v["real"], v["decided"], v["pending"]) for k, v in by_device.items()} == {
        "parallel-groove-clamp": (0.5, 1, 2, 0),
        "drop-out-fuse": (0.0, 0, 1, 0),
        "arrester": (None, 0, 0, 1),  # the hand-marked arrester does not count; the other waits
    }
    assert [(p["patrol_id"], p["date"], p["precision"], p["decided"]) for p in ap["by_patrol"]] == [
        (july.id, "2026-07-15", round(1 / 3, 4), 3),
        (august.id, "2026-08-20", None, 0),
    ]
    august_only = stats.compute(session, period="2026-08")["auto_precision"]
    assert august_only["overall"]["precision"] is None and august_only["overall"]["pending"] == 1


def test_verdicts_are_given_once_and_later_findings_wait(session: Session, poles: list[Pole]) -> None:
    patrol = Patrol(date=date(2026, 9, 1), key="sept")
    session.add(patrol)
    session.flush()
    first = _finding(session, patrol, poles[5], "strain-clamp", n=11)
    transition(session, first.defect_id or 0, "confirmed", user="ana")
    for status in ("repair_scheduled", "repaired"):
        transition(session, first.defect_id or 0, status, user="ana")
    again = _finding(session, patrol, poles[5], "strain-clamp", n=12)  # hot again: the defect reopens
    defect = session.get(Defect, first.defect_id)
    assert defect is not None and defect.status == "reopened" and again.defect_id == defect.id
    assert again.verdict is None
    transition(session, defect.id, "confirmed", user="ana")
    assert (first.verdict, again.verdict) == ("real", "real")
    assert len(list(session.scalars(select(AuditLog).where(AuditLog.action == "verdict")))) == 2
    with pytest.raises(InputError, match="only when confirming or rejecting"):
        transition(session, defect.id, "repair_scheduled", user="ana", verdict="real")


def test_a_defect_without_automatic_findings_is_rejected_with_a_reason_alone(
    session: Session, poles: list[Pole]
) -> None:
    from irpatrol.registry.defects import open_defect

    d = open_defect(session, grade="general", pole_id=poles[6].id, description="cracked insulator")
    transition(session, d.id, "rejected", user="ana", reason="seen twice")
    assert d.status == "rejected"
    assert stats.compute(session)["auto_precision"]["overall"]["precision"] is None


def test_parse_verdict() -> None:
    assert precision.parse_verdict("wrong component") == "wrong_component"
    assert precision.parse_verdict(" Duplicate ") == "duplicate"
    assert precision.parse_verdict("") is None and precision.parse_verdict(None) is None
    with pytest.raises(InputError, match="one of real, wrong_component"):
        precision.parse_verdict("maybe")
