"""The small seeded registry of the web tests and the sign-in helpers (a module of its own, so test
files import it by a name no other test folder uses; ``from conftest import …`` found another
folder's conftest when several folders were collected together)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

import factories as make
from database import sqlite_copy
from irpatrol.config import Settings
from irpatrol.db import make_engine, session_factory
from irpatrol.radiometry import tiff
from irpatrol.registry import auth
from irpatrol.registry.model import DefectEvent, Plan
from irpatrol.web.views import install

__all__ = ["PASSWORD", "seed", "seed_line", "sign_in", "with_csrf"]

PASSWORD = "correct-horse-1"


def seed(session, data_dir: Path) -> dict[str, int]:
    """The small registry every web test reads; returns the ids tests need."""
    area = make.area(name="East district")
    feeder = make.feeder(name="10kV Qingshan Line", area=area, length_m=1200.0, rated_current_a=400.0,
                         poles=5)
    poles = feeder.poles
    patrol = make.patrol(feeders=(feeder,), load_current_a=180.0, km_flown=1.2,
                         note="Demo data: simulated flight")
    session.add_all([area, feeder, patrol])
    session.flush()
    images = []
    for i, pole in enumerate(poles[:2]):
        celsius = np.full((60, 80), 22.0, dtype=np.float32)
        celsius[20:26, 30:36] = 96.4 if i == 0 else 30.0
        path = data_dir / f"img{i}.tiff"
        path.write_bytes(tiff.encode(celsius))
        images.append(make.image(patrol=patrol, pole=pole, sha256=f"{i:064d}", original_name=f"IMG_{i}.tiff",
                                 stored_path=str(path), t_max_c=float(celsius.max())))
    session.add_all(images)
    component = make.component(pole=poles[0], kind="disconnector-head", phase="B")
    defect = make.defect(pole=poles[0], component=component, grade="serious", last_t_max_c=96.4,
                         last_delta_t_k=65.2)
    session.add_all([component, defect])
    session.flush()
    finding = make.finding(image=images[0], component_id=component.id, defect_id=defect.id, delta_t_k=65.2,
                           diagnosis={"advice": "repair within 30 days"})
    session.add(finding)
    session.flush()
    session.add(DefectEvent(defect_id=defect.id, event="finding", finding_id=finding.id, t_max_c=96.4))
    session.add(make.hazard(feeder=feeder, pole=poles[3], description="poplar"))
    session.add(_plan())
    auth.add_user(session, "demo-admin", role="admin", password=PASSWORD)
    auth.add_user(session, "viewer1", role="viewer", password=PASSWORD, language="zh")
    session.commit()
    return {"patrol": patrol.id, "defect": defect.id, "image": images[0].id, "pole": poles[0].id}


def _plan() -> Plan:
    """A small stored campaign plan (for the schedule page and the mission downloads)."""
    from irpatrol.scheduling.core.campaign import plan_campaign
    from irpatrol.scheduling.core.codec import plan_to_dict
    from irpatrol.scheduling.core.county import generate
    from irpatrol.scheduling.core.model import Policy

    today = date.today()
    county = generate(poles=60, feeders=3, areas=3, crews=2, seed=3, start=today, days=10,
                      no_fly_share=0.0)
    policy = Policy(start=today, deadline=today + timedelta(days=9))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    return Plan(name="test plan", result=plan_to_dict(plan), period_start=today)


@contextlib.contextmanager
def pages_over(
    settings: Settings, sqlite_template: Path
) -> Iterator[tuple[TestClient, sessionmaker[Session]]]:
    """A client of an app with only the pages installed, over the test database of
    ``tests/conftest.py`` (a copy of the migrated SQLite template in ``settings.data_dir``), with
    the CSRF cookie and header (:func:`with_csrf`), and the session maker to seed it with."""
    engine = make_engine(sqlite_copy(sqlite_template, settings).effective_database_url)
    app = FastAPI()
    app.state.settings = settings
    app.state.session_factory = session_factory(engine)
    install(app)
    try:
        with TestClient(app) as client:
            yield with_csrf(client), app.state.session_factory
    finally:
        runner = getattr(app.state, "jobs", None)  # the upload page's job runner, started on demand
        if runner is not None:
            runner.close()
        engine.dispose()


def with_csrf(client: TestClient) -> TestClient:
    """Give ``client`` the CSRF cookie (from the login page) and send its token as the
    ``X-CSRF-Token`` header on every request, as ``static/js/page.js`` does in a browser."""
    client.get("/ui/login")
    token = client.cookies.get("irpatrol_csrf")
    assert token, "the login page sets the CSRF cookie"
    client.headers["X-CSRF-Token"] = token
    return client


def sign_in(client: TestClient, username: str = "demo-admin") -> None:
    """Sign ``client`` in (the token cookie stays on the client)."""
    if not client.cookies.get("irpatrol_csrf"):
        with_csrf(client)
    r = client.post("/ui/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text


def seed_line(sessions: sessionmaker[Session], feeder: str, spots: list[Any]) -> None:
    """Import ``spots`` (``simulate.flight.line_of_poles``) as the poles of ``feeder`` through an
    asset CSV, as a user would, and add the analyst ``analyst1`` (password :data:`PASSWORD`)."""
    from irpatrol.registry.assets import import_assets

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "poles.csv"
        csv.write_text("feeder,pole,lat,lon\n" + "".join(f"{feeder},{s.number},{s.lat:.7f},{s.lon:.7f}\n"
                                                          for s in spots))
        with sessions() as session:
            import_assets(session, csv)
            auth.add_user(session, "analyst1", role="analyst", password=PASSWORD)
            session.commit()
