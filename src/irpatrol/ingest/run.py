"""Ingest a folder of camera files into a patrol: discover, analyse in a pool, record, summarise.

Work is split so that a run can be killed at any moment and simply started again: worker
processes (:mod:`irpatrol.ingest.pool`) hash, store and analyse every file the patrol does not
have yet; the parent records each image in one transaction (:mod:`irpatrol.ingest.record`); a
re-run does the missing ones in the same order and ends with the same records as an uninterrupted
run. Every file an ingest records — analysed **and rejected** — is kept in the content store
(:mod:`irpatrol.registry.store`); files that cannot be read (``unreadable``) are neither stored nor
recorded. Uploads go through :func:`ingest_folder` with ``files=`` and are stored the same way.

Weather: what the run is given (``ambient_c``, ``humidity_pct``, ``wind_m_s``, ``rain``,
``load_current_a``) is the patrol's; an ambient temperature or humidity still unknown afterwards is
taken from what the images' metadata recorded (:func:`irpatrol.registry.patrols.weather_from_images`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.conditions import Conditions
from irpatrol.db import analyze
from irpatrol.diagnosis.loader import search_path
from irpatrol.errors import InputError
from irpatrol.ingest.analyse import MatchContext
from irpatrol.ingest.discovery import Candidate, choose, discover
from irpatrol.ingest.pool import KNOWN, UNREADABLE, Task, results
from irpatrol.ingest.record import RETRIES, write_with_retry
from irpatrol.ingest.result import IngestResult, Progress
from irpatrol.registry.audit import record
from irpatrol.registry.defects import DeadlinePolicy
from irpatrol.registry.geo import PoleIndex
from irpatrol.registry.model import DEFAULT_COMPONENT_KIND, Feeder, Image, Patrol, PatrolFeeder, Pole
from irpatrol.registry.patrols import Weather, ensure_patrol, update_track, weather_from_images
from irpatrol.registry.store import remove_all_stale_parts

if TYPE_CHECKING:
    from irpatrol.config import Settings


def _parse_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"date {value!r} is not YYYY-MM-DD") from None


def match_context(
    session: Session, patrol: Patrol, settings: Settings, kind: str | None, standard: str | None
) -> MatchContext:
    """What the workers need for ``patrol``: its feeders' poles, kinds, rated currents and weather."""
    rows = session.execute(
        select(Pole.id, Pole.lat, Pole.lon, Feeder.default_component_kind, Feeder.rated_current_a)
        .join(Feeder, Feeder.id == Pole.feeder_id)
        .join(PatrolFeeder, PatrolFeeder.feeder_id == Feeder.id)
        .where(PatrolFeeder.patrol_id == patrol.id)
    ).all()
    loads = [pf.load_current_a for pf in patrol.feeders if pf.load_current_a is not None]
    conditions = Conditions(
        wind_m_s=patrol.wind_m_s,
        humidity_pct=patrol.humidity_pct,
        rain=bool(patrol.rain),
        load_current_a=loads[0] if len(loads) == 1 else None,
    )
    if kind is not None:
        from irpatrol.diagnosis import catalogue

        kinds = {c.kind for c in catalogue()}
        if kind not in kinds:
            raise InputError(f"unknown component kind {kind!r}; one of {', '.join(sorted(kinds))}")
    return MatchContext(
        poles=PoleIndex.of([(r[0], r[1], r[2]) for r in rows]),
        pole_kind={r[0]: r[3] or DEFAULT_COMPONENT_KIND for r in rows},
        pole_rated_a={r[0]: r[4] for r in rows},
        radius_m=settings.match_radius_m,
        standard=standard or settings.default_standard,
        default_kind=DEFAULT_COMPONENT_KIND,
        ambient_c=patrol.ambient_c,
        conditions=conditions,
        kind_override=kind,
        standards_dirs=(*search_path(), *settings.standards_folders),
    )


def _patrol(
    factory: sessionmaker[Session],
    feeders: list[str],
    day: date,
    crew: str | None,
    drone: str | None,
    weather: Weather,
) -> tuple[Session, Patrol]:
    """The patrol, created or updated and committed (retried: another ingest may create the same
    patrol at the same moment); the session stays open."""
    for attempt in range(RETRIES):
        session = factory()
        try:
            patrol = ensure_patrol(
                session,
                feeders=feeders,
                day=day,
                crew=crew,
                drone=drone,
                ambient_c=weather.ambient_c,
                humidity_pct=weather.humidity_pct,
                wind_m_s=weather.wind_m_s,
                rain=weather.rain,
                load_current_a=weather.load_current_a,
            )
            session.commit()
            return session, patrol
        except (IntegrityError, OperationalError):
            session.rollback()
            session.close()
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def ingest_folder(
    session_factory: sessionmaker[Session],
    folder: str | Path,
    *,
    feeder: str | Sequence[str],
    date: date | str,
    crew: str | None = None,
    progress: Progress | None = None,
    settings: Settings,
    kind: str | None = None,
    standard: str | None = None,
    workers: int | None = None,
    ambient_c: float | None = None,
    humidity_pct: float | None = None,
    wind_m_s: float | None = None,
    rain: bool = False,
    load_current_a: dict[str, float] | None = None,
    policy: DeadlinePolicy | None = None,
    files: Sequence[Path] | None = None,
    drone: str | None = None,
) -> IngestResult:
    """Ingest the camera files in ``folder`` as the patrol of ``crew`` on ``date`` over ``feeder``.

    ``kind`` forces the component kind examined (default: each feeder's default kind);
    ``workers`` defaults to the number of cores; ``progress(done, total)`` is called per image.
    ``files`` restricts the run to these paths (an upload). Safe to run again and to kill.
    Each new file is copied into the content store under ``settings.data_dir`` (module doc);
    ``policy`` defaults to the deadlines of ``settings``.
    ``settings`` are the edge's (nothing here reads the environment).
    """
    started = time.perf_counter()
    found = choose(files, listed=True) if files is not None else discover(Path(folder))
    policy = policy or DeadlinePolicy.from_settings(settings)
    store = settings.data_dir.resolve()
    remove_all_stale_parts(store)  # left by a run killed mid-copy
    weather = Weather(ambient_c, humidity_pct, wind_m_s, rain, load_current_a)
    feeders = [feeder] if isinstance(feeder, str) else list(feeder)
    session, patrol = _patrol(session_factory, feeders, _parse_date(date), crew, drone, weather)
    with session:
        ctx = match_context(session, patrol, settings, kind, standard)
        patrol_id = patrol.id
        known = frozenset(session.scalars(select(Image.sha256).where(Image.patrol_id == patrol_id)))
    result = IngestResult(patrol_id=patrol_id, files=len(found.candidates))
    _run(
        session_factory,
        [_task(c) for c in found.candidates],
        ctx,
        known,
        workers,
        store,
        result,
        policy,
        progress,
    )
    _finish(session_factory, patrol_id, str(folder), result)
    result.elapsed_s = time.perf_counter() - started
    return result


def _task(c: Candidate) -> Task:
    return Task(str(c.path.resolve()), c.path.name, str(c.photo.resolve()) if c.photo else "", c.reason or "")


def _run(
    factory: sessionmaker[Session],
    tasks: list[Task],
    ctx: MatchContext,
    known: frozenset[str],
    workers: int | None,
    store: Path,
    result: IngestResult,
    policy: DeadlinePolicy,
    progress: Progress | None,
) -> None:
    """Analyse ``tasks`` in the pool and record each result as it comes."""
    total = len(tasks)
    if progress:
        progress(0, total)
    n_workers = workers or os.cpu_count() or 1
    for done, analysis in enumerate(results(tasks, ctx, known, n_workers, store), start=1):
        if analysis.status == KNOWN:
            result.skipped += 1
        elif analysis.status == UNREADABLE:
            result.unreadable += 1
        else:
            write_with_retry(factory, analysis, result.patrol_id, result, policy)
        if progress:
            progress(done, total)


def _finish(factory: sessionmaker[Session], patrol_id: int, folder: str, result: IngestResult) -> None:
    """The patrol's track, the weather its images recorded (where it has none), the audit row and
    fresh planner statistics."""
    with factory() as session:
        result.km_flown = update_track(session, patrol_id)
        weather_from_images(session, patrol_id)
        record(
            session,
            None,
            "ingest",
            "patrol",
            patrol_id,
            {"folder": folder, "new": result.analysed + result.rejected, "skipped": result.skipped},
        )
        session.commit()
        analyze(session.get_bind())  # type: ignore[arg-type]
