"""Ageing of open defects and the one selection (:class:`StatsFilter`) on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from irpatrol.registry import stats
from irpatrol.registry.model import Area, Crew, Defect, Feeder, Finding, Image, Patrol, Pole

NOW = datetime(2030, 6, 30, 12, 0, tzinfo=UTC)


def test_ageing_buckets_oldest_and_overdue_follow_the_selection(session: Session) -> None:
    area = Area(name="North")
    f1, f2 = Feeder(name="L1", area=area), Feeder(name="L2")
    p1 = Pole(feeder=f1, number="1", lat=30.0, lon=120.0)
    p2 = Pole(feeder=f2, number="1", lat=30.1, lon=120.1)
    crew = Crew(name="C1")
    session.add_all([area, f1, f2, p1, p2, crew])
    session.flush()
    patrol = Patrol(date=date(2030, 6, 1), crew_id=crew.id, km_flown=1.0)
    session.add(patrol)
    session.flush()
    image = Image(sha256="a" * 64, original_name="a.jpg", status="analysed", patrol_id=patrol.id,
                  pole_id=p1.id)
    session.add(image)
    session.flush()

    def defect(pole: Pole, grade: str, age_days: float, status: str = "confirmed",
               deadline_days: float = 30) -> Defect:
        found = NOW - timedelta(days=age_days)
        d = Defect(kind="thermal", grade=grade, status=status, pole_id=pole.id, found_at=found,
                   deadline=found + timedelta(days=deadline_days))
        session.add(d)
        return d

    crewed = defect(p1, "critical", 7.9, deadline_days=1)  # 7 whole days: 0-7, overdue
    defect(p1, "serious", 8.0)  # 8-30
    defect(p1, "general", 120, deadline_days=365)  # >90, not yet due
    defect(p2, "serious", 31)  # 31-90, other feeder, overdue
    defect(p2, "critical", 500, status="verified")  # closed: not ageing
    session.flush()
    session.add(Finding(image_id=image.id, pole_id=p1.id, defect_id=crewed.id, bbox_x=0, bbox_y=0, bbox_w=1,
                        bbox_h=1, t_max_c=90.0, grade="critical"))
    session.commit()

    everywhere = stats.compute(session, now=NOW)
    a = everywhere["ageing"]
    assert {k: b["count"] for k, b in a["buckets"].items()} == {"0-7": 1, "8-30": 1, "31-90": 1, ">90": 1}
    assert a["open"] == 4 and a["overdue"] == 2 and a["oldest"]["age_days"] == 120
    assert everywhere["open_by_grade"] == {"critical": 1, "serious": 2, "general": 1}

    north = stats.compute(session, selection=stats.StatsFilter.of(area="North"), now=NOW)
    assert north["ageing"]["open"] == 3 and north["ageing"]["buckets"]["31-90"]["count"] == 0
    by_crew = stats.compute(session, selection=stats.StatsFilter.of(crew="C1"), now=NOW)
    assert by_crew["ageing"]["open"] == 1 and by_crew["open_by_grade"]["critical"] == 1
    # a period that ended before the youngest was found: only the older ones, aged at its end
    before = stats.compute(session, selection=stats.StatsFilter.of(start="2030-01-01", end="2030-06-20"),
                           now=NOW)
    assert before["ageing"]["open"] == 2 and before["ageing"]["oldest"]["age_days"] == 110
    assert before["figures"]["km_flown"] == "1.00" and before["figures"]["change_pct"]["km_flown"] == "—"
