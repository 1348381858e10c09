"""The demo: a synthetic county, a campaign plan and one simulated patrol, ingested like a real one.

Everything it makes is labelled as demo data: the county's areas are called "Demo …", the patrol's
note says "Demo data", and the web app shows a banner while such a patrol exists.

The demo patrol flies a 10 kV feeder of 23 poles over 5.27 km (22 spans of about 240 m); the same
feeder was flown a year earlier with nothing found (for the year-on-year figures). One
terminal clamp at a disconnector (设备线夹) on pole N14 runs 75 K above its healthy phases, which
DL/T 664-2016 Table H.1 grades serious or worse; two over-height street trees under the line are
logged as hazards (1.5 m vertical clearance is required for 10 kV, standards.md §4.6).

The flights are field-like drone views (``irpatrol.simulate.flight_frame``, docs/physics.md §7):
N14 shows three disconnectors on its crossarm, the hot terminal clamp on phase B heating its lead
and blade; the other poles are tangent poles with a parallel-groove clamp on each conductor. Each
shot has its visible photo beside it, which ingest pairs with the thermogram and the viewer shows.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.config import Settings
from irpatrol.db import Base, make_engine, session_factory, upgrade
from irpatrol.errors import Conflict
from irpatrol.ingest import ingest_folder
from irpatrol.registry import auth
from irpatrol.registry.assets import import_assets
from irpatrol.registry.hazards import add_hazard
from irpatrol.registry.model import (
    AcceptanceProject,
    Area,
    Defect,
    Feeder,
    Hazard,
    Patrol,
    Photo,
    Plan,
    Pole,
    SiteViolation,
    User,
    WorkSite,
)
from irpatrol.scheduling.service import County

DEMO_FEEDER = "10kV Qingshan Line (demo)"
DEMO_POLES = 23
DEMO_LENGTH_M = 5270.0
HOT_POLE = "N14"
HOT_KIND = "terminal-clamp"
HOT_KELVIN = 75.0
DEMO_CREW = "Demo crew East"
AMBIENT_C = 22.0
USERS = (("demo-admin", "admin"), ("demo-analyst", "analyst"))
TREES = (("N7", 0.8, "Over-height street tree (poplar) under phase A — trim"),
         ("N19", 1.2, "Over-height street tree (camphor) near the span N19–N20"))
REQUIRED_TREE_M = 1.5


@dataclass
class DemoResult:
    """What was built, and the logins to print."""

    patrol_id: int = 0
    images: int = 0
    defects: int = 0
    hazards: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    plan_id: int | None = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    """(username, role, password)."""


MANIFEST = "demo.json"
"""File in the data folder that records what the demo built: the highest row id of each table it
fills (anything above is a user's) and the demo logins (mode 0600)."""
CHECKED = (Area, Feeder, Pole, Patrol, Plan, Hazard, Defect, Photo, User, AcceptanceProject, WorkSite,
           SiteViolation)
"""Tables whose rows tell demo data from a user's."""


@dataclass(frozen=True)
class DemoState:
    """What the configured database holds: ``empty`` (nothing to lose: build), ``demo`` (only what
    the demo built, plus changes to those rows), or ``foreign`` (rows the demo did not create)."""

    kind: str
    foreign: dict[str, int] = field(default_factory=dict)
    """Table → rows the demo did not create (``foreign`` only)."""
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    """The logins the demo created, as recorded in its manifest (none without one)."""


def demo_state(settings: Settings) -> DemoState:
    """Inspect the database ``settings`` name without changing it."""
    engine = make_engine(settings.effective_database_url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if not tables & {t.__tablename__ for t in CHECKED}:
                return DemoState("empty")
            manifest = _read_manifest(settings)
            limits = manifest.get("max_ids", {}) if manifest else {}
            foreign: dict[str, int] = {}
            for table in CHECKED:
                name = table.__tablename__
                if name not in tables:
                    continue
                above = int(limits.get(name, 0)) if manifest else -1
                count = conn.scalar(select(func.count()).select_from(table).where(table.id > above)) or 0
                if count:
                    foreign[name] = count
        if not manifest and not foreign:
            return DemoState("empty")
        logins = [(str(a), str(b), str(c)) for a, b, c in (manifest or {}).get("logins", [])]
        return DemoState("foreign" if foreign else "demo", foreign=foreign, logins=logins)
    finally:
        engine.dispose()


def build_demo(settings: Settings, *, reset: bool = False, county_poles: int = 1200,
               log: Callable[[str], None] = print) -> DemoResult | None:
    """Build the demo in ``settings``' database when it holds nothing yet, and return what was built.

    A database that holds anything is left exactly as it is (None is returned) unless ``reset``;
    ``reset`` rebuilds a database that holds only what the demo created, and refuses (Conflict,
    nothing changed) one that holds anything else.
    """
    state = demo_state(settings)
    if state.kind != "empty" and not reset:
        return None
    if state.kind == "foreign":
        rows = ", ".join(f"{n} {t}" for t, n in sorted(state.foreign.items()))
        raise Conflict(f"{settings.effective_database_url} holds data the demo did not create ({rows}); "
                       "--reset rebuilds only a database that holds nothing else: nothing was changed "
                       "(build a new demo by setting IRPATROL_DATA_DIR to a new folder)")
    url = settings.effective_database_url
    engine = make_engine(url)
    sessions = session_factory(engine)
    try:
        _reset(engine, url)
        result = DemoResult()
        today = datetime.now(UTC).date()
        log("county …")
        result.counts, result.plan_id = _county(sessions, today, county_poles)
        log("demo feeder and flights …")
        _feeder(sessions)
        earlier = _year_earlier(today)
        _flight(sessions, settings.data_dir / "demo" / "flight-last-year", earlier, hot=False)
        flight_dir = settings.data_dir / "demo" / "flight"
        _flight(sessions, flight_dir, today)
        log("ingest …")
        before = ingest_folder(
            sessions, settings.data_dir / "demo" / "flight-last-year", feeder=DEMO_FEEDER, date=earlier,
            crew=DEMO_CREW, settings=settings, kind=HOT_KIND, ambient_c=26.0, humidity_pct=64.0, wind_m_s=2.1,
            load_current_a={DEMO_FEEDER: 205.0},
        )
        ingested = ingest_folder(
            sessions, flight_dir, feeder=DEMO_FEEDER, date=today, crew=DEMO_CREW, settings=settings,
            kind=HOT_KIND, ambient_c=AMBIENT_C, humidity_pct=58.0, wind_m_s=1.6,
            load_current_a={DEMO_FEEDER: 236.0},
        )
        result.patrol_id = ingested.patrol_id
        with sessions() as session:
            _label(session, result, before.patrol_id)
            result.hazards = _hazards(session)
            result.logins = _users(session)
            session.commit()
        log("acceptance project and supervised work site …")
        with sessions() as session:
            from irpatrol.acceptance import demo as fieldwork_demo

            extra = fieldwork_demo.build(session, settings.data_dir, feeder=DEMO_FEEDER, crew=DEMO_CREW)
            result.logins += extra
            session.commit()
            _write_manifest(settings, session, result.logins)
        return result
    finally:
        engine.dispose()


def _read_manifest(settings: Settings) -> dict[str, Any] | None:
    path = settings.data_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise Conflict(f"{path}: unreadable demo manifest ({exc}); remove it only if the database "
                       "beside it holds nothing you need") from exc
    return data if isinstance(data, dict) else None


def _write_manifest(settings: Settings, session: Session, logins: list[tuple[str, str, str]]) -> None:
    """Record the highest id of each checked table and the logins, readable by the owner only."""
    max_ids = {t.__tablename__: session.scalar(select(func.max(t.id))) or 0 for t in CHECKED}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / MANIFEST
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"built_at": datetime.now(UTC).isoformat(timespec="seconds"), "max_ids": max_ids,
                   "logins": [list(x) for x in logins]}, fh, indent=1)
    os.replace(tmp, path)


def _reset(engine: Engine, url: str) -> None:
    """Empty the database (the caller has checked it holds only demo data) and migrate it to the
    newest schema."""
    upgrade(url, engine=engine)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(url, engine=engine)


def _county(sessions: sessionmaker[Session], today: date, poles: int) -> tuple[dict[str, int], int | None]:
    """A county of 3 areas loaded into the registry, and a 30-day campaign plan stored with it."""
    from irpatrol.registry.county import load_county
    from irpatrol.scheduling.service import Policy, check, generate, plan_campaign, plan_to_dict

    county = generate(poles=poles, feeders=max(3, poles // 100), areas=3, crews=6, seed=7, start=today,
                      days=30)
    county = _demo_names(county)
    policy = Policy(start=today, deadline=today + timedelta(days=29))
    plan = plan_campaign(county, policy, time_limit_s=0.0)
    check(plan, county, policy)
    with sessions() as session:
        counts = load_county(session, county, user="demo")
        row = Plan(name="Demo campaign plan", status="draft", created_by="demo", period_start=policy.start,
                   period_end=policy.deadline, params={"demo": True}, result=plan_to_dict(plan))
        session.add(row)
        session.commit()
        return counts, row.id


def _demo_names(county: County) -> County:
    """The county with its areas called "Demo …" so the data reads as demo data everywhere."""
    from dataclasses import replace

    areas = tuple(replace(a, name=f"Demo {a.name}") for a in county.areas)
    return replace(county, name=f"Demo {county.name}", areas=areas)


def _feeder(sessions: sessionmaker[Session]) -> None:
    """The demo feeder: 23 poles N1…N23 in a line, 5.27 km, imported like a user's CSV."""
    from irpatrol.simulate.flight import line_of_poles

    span = DEMO_LENGTH_M / (DEMO_POLES - 1)
    with sessions() as session:
        area_name = session.scalar(select(Area.name).order_by(Area.id).limit(1))
    spots = line_of_poles(DEMO_POLES, lat=28.12, lon=112.90, span_m=span, azimuth_deg=55.0, prefix="N")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "demo-feeder.csv"
        lines = ["feeder,pole,lat,lon,area,voltage_kv,pole_type"]
        lines += [f"{DEMO_FEEDER},{s.number},{s.lat:.7f},{s.lon:.7f},{area_name or ''},10,concrete"
                  for s in spots]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with sessions() as session:
            import_assets(session, csv, user="demo")
            feeder = session.scalar(select(Feeder).where(Feeder.name == DEMO_FEEDER))
            if feeder is not None:
                feeder.length_m = DEMO_LENGTH_M
                feeder.rated_current_a = 400.0
            session.commit()


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _flight(sessions: sessionmaker[Session], out: Path, day: date, *, hot: bool = True) -> None:
    """Simulated radiometric images of every pole (two per pole), with the hot clamp on N14 if ``hot``."""
    from irpatrol.simulate.flight import FlightSpec, HotSpec, PoleSpot, write_flight

    with sessions() as session:
        poles = session.execute(
            select(Pole.number, Pole.lat, Pole.lon)
            .join(Feeder)
            .where(Feeder.name == DEMO_FEEDER)
            .order_by(Pole.seq)
        ).all()
    if out.exists():
        for old in out.iterdir():
            old.unlink()
    spec = FlightSpec(images_per_pole=2, ambient_c=AMBIENT_C, seed=7 if hot else 6,
                      start=datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC),
                      camera_model="simulated 640 (demo)")
    spots = [HotSpec(pole=HOT_POLE, kind=HOT_KIND, kelvin=HOT_KELVIN, phase="B")] if hot else []
    write_flight(out, DEMO_FEEDER, [PoleSpot(n, lat, lon) for n, lat, lon in poles], spec, spots)


def _label(session: Session, result: DemoResult, earlier_id: int) -> None:
    """Mark both patrols as demo data and count what this year's ingest found."""
    from irpatrol.registry.model import Defect, Image

    for patrol_id in (earlier_id, result.patrol_id):
        patrol = session.get(Patrol, patrol_id)
        if patrol is not None:
            patrol.note = "Demo data: simulated flight of a 10 kV feeder (irpatrol demo)"
    images = select(func.count(Image.id)).where(Image.patrol_id == result.patrol_id)
    result.images = session.scalar(images) or 0
    result.defects = session.scalar(select(func.count(Defect.id))) or 0


def _hazards(session: Session) -> int:
    """The two over-height trees, graded from their clearance."""
    for number, clearance, description in TREES:
        pole_id = session.scalar(select(Pole.id).join(Feeder).where(Feeder.name == DEMO_FEEDER,
                                                                     Pole.number == number))
        add_hazard(session, kind="vegetation", pole_id=pole_id, clearance_m=clearance,
                   required_m=REQUIRED_TREE_M, description=description, user="demo-analyst")
    return len(TREES)


def _users(session: Session) -> list[tuple[str, str, str]]:
    """demo-admin and demo-analyst with fresh random passwords."""
    logins = []
    for name, role in USERS:
        password = secrets.token_urlsafe(9)
        auth.add_user(session, name, role=role, password=password, language="en")
        logins.append((name, role, password))
    return logins
