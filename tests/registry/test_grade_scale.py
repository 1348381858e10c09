"""The grade scale travels from the rule set (issue 15 item 1): rank, "is a defect", deadlines,
re-inspection, SQL sorts and labels come from the ``[[grades]]`` of the grade's own rule set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.diagnosis import loader
from irpatrol.errors import InputError, RuleSetError
from irpatrol.ingest import ingest_folder
from irpatrol.registry import grades
from irpatrol.registry.assets import import_assets
from irpatrol.registry.defects import (
    DeadlinePolicy,
    list_defects,
    open_defect,
    register_finding,
    transition,
)
from irpatrol.registry.model import Defect, Finding, Image, Patrol, Pole
from irpatrol.reports.labels import grade_label
from irpatrol.reports.ledger import ledger_rows, table
from irpatrol.scheduling.service import policy_inputs
from irpatrol.simulate.flight import FlightSpec, HotSpec, line_of_poles, write_flight

T0 = datetime(2026, 7, 15, 9, tzinfo=UTC)

THIRD = """
[ruleset]
name = "acme-2027"
title = "ACME utility thermography practice 2027 (test rule set)"
standard = "ACME TP"
edition = "2027"
version = "1"
source = "test fixture: a third grade scale with names of its own"

[[grades]]
id = "green"
en = "green"
zh = "绿"
severity = 0
defect = false

[[grades]]
id = "amber"
en = "amber: watch"
zh = "黄：观察"
severity = 0
defect = false

[[grades]]
id = "orange"
en = "orange: repair within 3 days"
zh = "橙：三日内处理"
label_en = "orange"
label_zh = "橙"
severity = 1
defect = true
deadline_h = 72
reinspect = false

[[grades]]
id = "red"
en = "red: repair now"
zh = "红：立即处理"
label_en = "red"
label_zh = "红"
severity = 3
defect = true
reinspect = true

[[guards]]
id = "guard-not-above-ambient"
kind = "withhold"
flags = ["not-above-ambient"]
clause = "test"
edition = "2027"
source = "test"
confidence = "S"
advice_en = "not above ambient"
advice_zh = "不高于环境温度"

[load_correction]
exponent = 2.0
min_load_fraction = 0.3
clause = "test"
source = "test"
confidence = "S"

[[rows]]
id = "clamps"
table = "T1"
clause = "ACME TP 2027 table 1"
edition = "2027"
source = "test"
confidence = "S"
heating = "current"
device_class = "clamps"
devices = ["*"]
criteria = [
  { grade = "amber", quantity = "delta_t_k", op = ">", value = 2.0 },
  { grade = "orange", quantity = "delta_t_k", op = ">", value = 8.0 },
  { grade = "red", quantity = "delta_t_k", op = ">", value = 25.0 },
]
"""


@pytest.fixture
def third(tmp_path: Path) -> Iterator[str]:
    """The third rule set as one TOML file in a folder on the loader's search path."""
    folder = tmp_path / "standards"
    folder.mkdir()
    (folder / "acme-2027.toml").write_text(THIRD, encoding="utf-8")
    before = loader.search_path()
    loader.set_search_path([*before, folder])
    yield "acme-2027"
    loader.set_search_path(before)


@pytest.fixture
def poles(session: Session, feeder_csv: Path) -> list[Pole]:
    import_assets(session, feeder_csv)
    session.commit()
    return list(session.scalars(select(Pole).order_by(Pole.seq)))


def _finding(session: Session, pole: Pole, standard: str, grade: str) -> Finding:
    from irpatrol.registry.findings import component as _component

    patrol = Patrol(date=T0.date())
    session.add(patrol)
    session.flush()
    image = Image(patrol_id=patrol.id, sha256=f"{pole.id:04d}{grade}".ljust(64, "0")[:64],
                  original_name="x.tiff", status="analysed", pole_id=pole.id)
    session.add(image)
    session.flush()
    comp = _component(session, pole.id, "parallel-groove-clamp", "A")
    f = Finding(image_id=image.id, pole_id=pole.id, component_id=comp.id, bbox_x=0, bbox_y=0, bbox_w=2,
                bbox_h=2, t_max_c=90.0, standard=standard, grade=grade)
    session.add(f)
    session.flush()
    return f


def test_neta_priority_1_is_due_in_24_h_and_priority_4_is_no_defect(
    session: Session, poles: list[Pole]
) -> None:
    policy = DeadlinePolicy()
    assert policy.deadline("priority-1", T0, "neta-mts") == T0 + timedelta(hours=24)
    assert policy.deadline("priority-2", T0, "neta-mts") == T0 + timedelta(days=30)
    assert policy.deadline("priority-4", T0, "neta-mts") is None
    assert not grades.is_defect("neta-mts", "priority-4")
    with pytest.raises(InputError, match="defect grade"):
        open_defect(session, grade="priority-4", standard="neta-mts", pole_id=poles[0].id, policy=policy)

    finding = _finding(session, poles[0], "neta-mts", "priority-1")
    assert register_finding(session, finding, found_at=T0, policy=policy) == "opened"
    session.flush()
    defect = session.get(Defect, finding.defect_id)
    assert defect is not None and defect.standard == "neta-mts" and defect.severity == 3
    assert defect.deadline is not None and _utc(defect.deadline) == T0 + timedelta(hours=24)
    assert finding.severity == 3


def test_neta_grades_regrade_a_defect(session: Session, poles: list[Pole]) -> None:
    policy = DeadlinePolicy()
    first = _finding(session, poles[1], "neta-mts", "priority-3")
    register_finding(session, first, found_at=T0, policy=policy)
    session.flush()
    defect = session.get(Defect, first.defect_id)
    assert defect is not None and _utc(defect.deadline) == T0 + timedelta(days=180)
    worse = _finding(session, poles[1], "neta-mts", "priority-1")
    worse.component_id = first.component_id
    assert register_finding(session, worse, found_at=T0 + timedelta(days=1), policy=policy) == "joined"
    session.flush()
    assert (defect.grade, defect.severity) == ("priority-1", 3)
    assert _utc(defect.deadline) == T0 + timedelta(days=1, hours=24)
    # the SQL sort ranks by severity across rule sets: NETA P1 above a DL/T 664 general defect
    open_defect(session, grade="general", pole_id=poles[2].id, found_at=T0, policy=policy)
    session.flush()
    order = [d.grade for d in list_defects(session, {}, sort="-grade").items]
    assert order == ["priority-1", "general"]


def test_unrated_is_no_defect_and_not_healthy() -> None:
    for standard in (None, "neta-mts"):
        g = grades.grade_of(standard, "unrated")
        assert (g.severity, g.defect, g.reinspect) == (0, False, False)
    assert grade_label("unrated", "zh") == "未定级" and grade_label("none", "en") == "normal"


def test_the_defect_grades_are_listed_worst_first_from_the_rule_set() -> None:
    # the ledger's filter, the dashboard's bars and the statistics list them in this order
    assert grades.defect_grades() == ("critical", "serious", "general")
    neta = grades.defect_grades("neta-mts")
    assert neta and all(grades.is_defect("neta-mts", g) for g in neta)
    assert [grades.severity("neta-mts", g) for g in neta] == sorted(
        (grades.severity("neta-mts", g) for g in neta), reverse=True)
    assert "unrated" not in neta and "none" not in grades.defect_grades()


def test_a_third_rule_set_is_one_toml_file(
    third: str, session: Session, poles: list[Pole], factory: sessionmaker[Session], tmp_path: Path
) -> None:
    assert third in loader.list_standards()
    # ingest: the flight's two hot clamps (about 30 K and 60 K over the healthy phase) are "red"
    flight = tmp_path / "flight"
    hot = [HotSpec("2", "parallel-groove-clamp", 30.0, "B"), HotSpec("5", "parallel-groove-clamp", 60.0, "C")]
    write_flight(flight, "F1", line_of_poles(10), FlightSpec(width=320, height=256, start=T0, seed=0), hot)
    result = ingest_folder(factory, flight, feeder="F1", date="2026-07-15", crew="C1",
                           settings=Settings(data_dir=tmp_path), standard=third, workers=1)
    assert result.defects_opened == 2
    session.expire_all()
    defects = list(session.scalars(select(Defect).order_by(Defect.id)))
    assert {(d.grade, d.standard, d.severity) for d in defects} == {("red", third, 3)}
    # deadlines: severity 3 takes the critical tier (24 h after the image was taken)
    for d in defects:
        taken = min(f.image.captured_at for f in d.findings if f.image.captured_at)
        assert _utc(d.deadline) - _utc(taken) == timedelta(hours=24)
    # the grade's own deadline_h and "is a defect" for the other grades
    assert DeadlinePolicy().deadline("orange", T0, third) == T0 + timedelta(hours=72)
    assert not grades.is_defect(third, "amber") and DeadlinePolicy().deadline("amber", T0, third) is None
    # re-inspection: a repaired "red" defect is due for a re-inspection
    for status in ("confirmed", "repair_scheduled", "repaired"):
        transition(session, defects[0].id, status, user="ana", at=T0 + timedelta(days=2))
    session.commit()
    inputs = policy_inputs(session, reinspect_days=7)
    assert [when for _, when in inputs.reinspect] == [(T0 + timedelta(days=9)).date()]
    # reports: the rule set's own names, in both languages
    headers, body = table(ledger_rows(session), "zh")
    grade_col = [row[headers.index("缺陷等级")] for row in body]
    assert grade_col == ["红", "红"]
    _, body_en = table(ledger_rows(session), "en")
    assert {row[7] for row in body_en} == {"red"}


def test_scale_errors_name_the_file_and_grade(tmp_path: Path) -> None:
    bad = THIRD.replace('severity = 3\ndefect = true\nreinspect = true', 'severity = 1\ndefect = true')
    bad = bad.replace('id = "orange"', 'id = "orange"\nseverity_typo = 1', 1)
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"bad\.toml.*grades\[3\].*severity_typo"):
        loader.load_ruleset(path)
    falling = THIRD.replace('severity = 3\ndefect = true\nreinspect = true', 'severity = 0\ndefect = true')
    path.write_text(falling, encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"grades\[4\] \(id 'red'\).*severity"):
        loader.load_ruleset(path)


def _utc(t: datetime | None) -> datetime:
    assert t is not None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def test_the_setting_puts_a_folder_on_the_search_path(tmp_path: Path) -> None:
    (tmp_path / "acme-2027.toml").write_text(THIRD, encoding="utf-8")
    before = loader.search_path()
    try:
        Settings(standards_dirs=str(tmp_path)).use_standards()
        assert loader.load_ruleset("acme-2027").grade("red").severity == 3
    finally:
        loader.set_search_path(before)
    with pytest.raises(RuleSetError, match="unknown standard 'acme-2027'"):
        loader.load_ruleset("acme-2027")


def test_migration_0013_backfills_severity_from_rule_set_and_grade(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from irpatrol import db

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    db.upgrade(url, "0012")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO patrol (id, date, rain, km_flown, created_at) "
                             "VALUES (1, '2026-07-15', 0, 0, '2026-07-15')"))
        conn.execute(sa.text("INSERT INTO image (id, patrol_id, sha256, original_name, status, created_at) "
                             "VALUES (1, 1, :sha, 'a.tiff', 'analysed', '2026-07-15')"), {"sha": "0" * 64})
        for i, grade in ((1, "priority-1"), (2, "serious")):
            conn.execute(sa.text("INSERT INTO defect (id, kind, grade, status, found_at, created_at) "
                                 "VALUES (:i, 'thermal', :g, 'new', '2026-07-15', '2026-07-15')"),
                         {"i": i, "g": grade})
        rows = ((1, "neta-mts", "priority-1"), (2, None, "serious"), (3, "neta-mts", "priority-4"))
        for i, std, grade in rows:
            conn.execute(sa.text(
                "INSERT INTO finding (id, image_id, defect_id, bbox_x, bbox_y, bbox_w, bbox_h, t_max_c, "
                "standard, grade, created_at) VALUES (:i, 1, :d, 0, 0, 1, 1, 50, :s, :g, '2026-07-15')"),
                {"i": i, "d": i if i < 3 else None, "s": std, "g": grade})
    engine.dispose()
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        defects = conn.execute(sa.text("SELECT id, standard, severity FROM defect ORDER BY id")).all()
        findings = conn.execute(sa.text("SELECT id, severity FROM finding ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in defects] == [(1, "neta-mts", 3), (2, None, 2)]
    assert [tuple(r) for r in findings] == [(1, 3), (2, 2), (3, 0)]
