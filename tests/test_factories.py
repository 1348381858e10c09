"""The test factories build rows the database accepts as they are, on both backends."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import factories as make
from irpatrol.registry.model import Defect, Finding, Hazard, Image, Patrol, PatrolFeeder, Pole


def test_a_whole_graph_is_stored_with_one_add_all(session: Session) -> None:
    feeder = make.feeder(area=make.area(), poles=3)
    patrol = make.patrol(feeders=(feeder,), load_current_a=150.0)
    images = [make.image(patrol=patrol, pole=pole) for pole in feeder.poles[:2]]
    defect = make.defect(pole=feeder.poles[0], component=make.component(pole=feeder.poles[0]))
    session.add_all([feeder, patrol, *images, defect])
    session.flush()
    session.add_all([make.finding(image=images[0], defect=defect),
                     make.hazard(feeder=feeder, pole=feeder.poles[2])])
    session.commit()

    assert [p.number for p in session.scalars(select(Pole).order_by(Pole.seq))] == ["N1", "N2", "N3"]
    assert session.scalar(select(PatrolFeeder.load_current_a)) == 150.0
    assert len({i.sha256 for i in session.scalars(select(Image))}) == 2, "fresh SHA-256 per image"
    finding = session.scalars(select(Finding)).one()
    assert finding.pole_id == feeder.poles[0].id and finding.delta_t_k == 65.2
    assert finding.severity == session.scalars(select(Defect)).one().severity > 0, "the grade's severity"
    assert session.scalar(select(func.count(Hazard.id))) == 1
    assert session.scalar(select(func.count(Patrol.id))) == 1
