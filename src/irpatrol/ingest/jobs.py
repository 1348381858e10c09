"""Background jobs (ingest) with progress recorded in the ``job`` table.

Two runners share one job body, :func:`run_ingest_job`:

* **embedded (SQLite)**: :class:`ThreadRunner` runs jobs one by one in a thread of the API process;
* **PostgreSQL**: :class:`QueueRunner` defers the job to a Procrastinate queue (tables
  ``procrastinate_*`` in the same database); ``irpatrol worker`` processes, on any number of
  machines sharing the database and ``data_dir``, take jobs from it (:func:`run_worker`).

Either way the API reads progress from the ``job`` row (``GET /jobs/{id}``): ``status``
(queued → running → done | failed), ``done`` of ``total`` items, the ingest summary in ``result``
or the ``error``. Ingest is idempotent, so a job run twice (a retried or duplicated job, two
workers on the same folder) adds nothing the second time.

Uploads: a job made with ``upload=True`` ingests an upload batch (``data_dir/uploads/<batch>``),
whose files the ingest copies into the content store. Once the job is done, the files the batch
held when it started are deleted, then its folders left empty (:func:`discard_upload`), so uploads
are not kept twice. A failed job keeps them for a retry, and so does a run that could not read or
store some file; files uploaded into the batch while the job ran stay for the next job.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date as date_type
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.db import is_sqlite, utcnow
from irpatrol.errors import InputError, IrPatrolError, NotFound
from irpatrol.registry.model import Job
from irpatrol.registry.patrols import Weather

if TYPE_CHECKING:
    import procrastinate

    from irpatrol.config import Settings

log = logging.getLogger(__name__)

QUEUE, TASK_NAME = "ingest", "irpatrol.ingest"
"""The Procrastinate queue ingest jobs go to, and the task's name."""
STALLED_AFTER_S = 60.0
"""A worker silent this long (s) is taken for dead and its jobs are queued again (workers send a
heartbeat every 10 s)."""
PROGRESS_INTERVAL_S = 0.5
"""Progress is written to the job row at most this often (and always at the end)."""
_SCHEMA_LOCK_KEY = 0x1A9A7201
"""Advisory-lock key serialising the creation of the Procrastinate tables."""


# --- job rows -----------------------------------------------------------------------------------


def create_ingest_job(
    session: Session,
    *,
    folder: Path,
    feeder: str,
    date: date_type,
    crew: str | None = None,
    user_id: int | None = None,
    upload: bool = False,
    weather: Weather | None = None,
) -> Job:
    """A queued ingest job for ``folder`` (which must be an existing folder); ``upload``: the folder
    is an upload batch, deleted once the job is done (module doc); ``weather``: the patrol's
    conditions as the uploader entered them (``params["weather"]``; the ingest takes ambient
    temperature and humidity from the images' metadata where none is given)."""
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    params: dict[str, Any] = {"folder": str(folder), "feeder": feeder, "date": date.isoformat(), "crew": crew}
    if upload:
        params["upload"] = True
    if weather is not None and weather != Weather():
        params["weather"] = dataclasses.asdict(weather)
    job = Job(kind="ingest", status="queued", params=params, done=0, created_by=user_id)
    session.add(job)
    session.flush()
    return job


def start_ingest(
    session: Session,
    runner: JobRunner,
    *,
    folder: Path,
    feeder: str,
    date: date_type,
    crew: str | None = None,
    user_id: int | None = None,
    upload: bool = False,
    weather: Weather | None = None,
) -> Job:
    """Create an ingest job, commit it (so any worker can see it) and hand it to ``runner``;
    ``upload`` and ``weather`` as in :func:`create_ingest_job`."""
    from irpatrol.registry.assets import get_feeder

    get_feeder(session, feeder)
    job = create_ingest_job(
        session, folder=folder, feeder=feeder, date=date, crew=crew, user_id=user_id, upload=upload,
        weather=weather,
    )
    session.commit()
    runner.submit(job.id)
    return job


def get_job(session: Session, job_id: int) -> Job:
    """The job ``job_id``; NotFound if there is none."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


def list_jobs(session: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[Job], int]:
    """Jobs, newest first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Job)) or 0
    rows = session.scalars(select(Job).order_by(Job.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total


def _update(sessions: sessionmaker[Session], job_id: int, **values: Any) -> None:
    with sessions.begin() as session:
        job = session.get(Job, job_id)
        if job is not None:
            for key, value in values.items():
                setattr(job, key, value)


def summary_dict(summary: Any) -> dict[str, Any]:
    """The ingest service's summary as a JSON-able dict."""
    if summary is None:
        return {}
    if isinstance(summary, dict):
        return summary
    if hasattr(summary, "to_dict"):
        return dict(summary.to_dict())
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        return dataclasses.asdict(summary)
    return {"summary": str(summary)}


class _Progress:
    """Progress callback for the ingest service: writes ``done``/``total`` at most every
    :data:`PROGRESS_INTERVAL_S` seconds."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int) -> None:
        self.sessions = sessions
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, *_: Any, **__: Any) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or (total is not None and done >= total):
            self._last = now
            _update(self.sessions, self.job_id, done=int(done), total=None if total is None else int(total))


def run_ingest_job(sessions: sessionmaker[Session], job_id: int, settings: Settings) -> None:
    """Run the ingest job ``job_id`` to the end, recording progress, result or error.

    A job that is already done is left alone. An irpatrol error marks the job failed with its
    message; any other exception also marks it failed, then propagates (a bug, to be seen).
    """
    from irpatrol.ingest.run import ingest_folder

    with sessions() as session:
        job = get_job(session, job_id)
        if job.status == "done":
            return
        params = dict(job.params)
    folder = Path(params["folder"])
    uploaded = upload_files(folder) if params.get("upload") else []
    _update(sessions, job_id, status="running", started_at=utcnow(), error=None)
    try:
        summary = ingest_folder(
            sessions,
            folder,
            feeder=params["feeder"],
            date=date_type.fromisoformat(params["date"]),
            crew=params.get("crew"),
            progress=_Progress(sessions, job_id),
            settings=settings,
            **(params.get("weather") or {}),
        )
    except IrPatrolError as exc:
        _update(sessions, job_id, status="failed", error=str(exc), finished_at=utcnow())
        return
    except Exception as exc:
        _update(sessions, job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow())
        raise
    result = summary_dict(summary)
    _update(sessions, job_id, status="done", result=result, finished_at=utcnow())
    if params.get("upload") and not result.get("unreadable"):
        discard_upload(folder, uploaded)


def upload_files(folder: Path) -> list[Path]:
    """The complete files of an upload batch (those still being written, ``*.part``, left out)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".part"))


def discard_upload(folder: Path, files: list[Path]) -> None:
    """Delete ``files`` of the ingested upload batch ``folder``, then its folders left empty (the
    batch folder too). Anything else stays; a failure is logged, never raised (the job is done)."""
    try:
        for path in files:
            path.unlink(missing_ok=True)
        folders = sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts))
        for sub in [*reversed(folders), folder]:
            if not any(sub.iterdir()):
                sub.rmdir()
    except OSError as exc:
        log.warning("could not delete the ingested upload batch %s: %s", folder, exc)


# --- runners ------------------------------------------------------------------------------------


class JobRunner(Protocol):
    """Something that runs a queued job eventually."""

    def start(self) -> None:
        """Called once when the serving process starts."""

    def submit(self, job_id: int) -> None:
        """Start (or queue) job ``job_id``; returns at once."""

    def close(self) -> None:
        """Release threads and connections (waits for a running in-process job)."""


class ThreadRunner:
    """Runs jobs one at a time in a background thread of this process (embedded database)."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="irpatrol-job")
        self._lock = threading.Lock()

    def start(self) -> None:
        """Run again the jobs a previous process left queued or running (killed, restarted):
        ingest is idempotent, so a job cut short finishes with nothing lost or doubled."""
        with self.sessions() as session:
            unfinished = session.scalars(
                select(Job.id).where(Job.status.in_(("queued", "running"))).order_by(Job.id)
            ).all()
        for job_id in unfinished:
            log.info("resuming job %s", job_id)
            self.submit(job_id)

    def submit(self, job_id: int) -> None:
        """Queue ``job_id`` behind any job already running here."""
        with self._lock:
            self._pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        try:
            run_ingest_job(self.sessions, job_id, self.settings)
        except Exception:  # recorded on the job row; keep the thread alive for the next one
            log.exception("job %s failed", job_id)

    def close(self) -> None:
        """Wait for queued jobs and stop the thread."""
        self._pool.shutdown(wait=True)


def pg_conninfo(database_url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL (driver suffix removed)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def queue_app(settings: Settings, sessions: sessionmaker[Session] | None = None) -> procrastinate.App:
    """The Procrastinate app over the settings' PostgreSQL database, with the ingest task."""
    import procrastinate

    if sessions is None:
        from irpatrol.db import engine_for, session_factory

        sessions = session_factory(engine_for(settings))
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=pg_conninfo(settings.effective_database_url))
    )
    task_sessions = sessions

    @app.task(name=TASK_NAME, queue=QUEUE)
    def ingest(job_id: int) -> None:
        run_ingest_job(task_sessions, job_id, settings)

    return app


def ensure_queue_schema(settings: Settings) -> None:
    """Create the Procrastinate tables in the database if they are not there yet (safe to call
    from several processes at once)."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(pg_conninfo(settings.effective_database_url), autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is None or row[0] is None:
            conn.execute(SchemaManager.get_schema())
        conn.commit()


class QueueRunner:
    """Defers jobs to the Procrastinate queue; ``irpatrol worker`` processes run them."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.app = queue_app(settings, sessions)
        self._opened = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Nothing to do: the queue in PostgreSQL outlives any process."""

    def submit(self, job_id: int) -> None:
        """Put ``job_id`` on the ingest queue."""
        with self._lock:
            if not self._opened:
                ensure_queue_schema(self.settings)
                self.app.open()
                self._opened = True
        self.app.configure_task(TASK_NAME, queue=QUEUE).defer(job_id=job_id)

    def close(self) -> None:
        """Close the queue's connection pool."""
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False


def make_runner(settings: Settings, sessions: sessionmaker[Session]) -> JobRunner:
    """:class:`ThreadRunner` on SQLite, :class:`QueueRunner` on PostgreSQL."""
    if is_sqlite(settings.effective_database_url):
        return ThreadRunner(settings, sessions)
    return QueueRunner(settings, sessions)


def run_worker(
    settings: Settings,
    *,
    wait: bool = True,
    name: str | None = None,
    stalled_after_s: float = STALLED_AFTER_S,
    install_signal_handlers: bool = True,
) -> None:
    """Take ingest jobs from the PostgreSQL queue until stopped (or, with ``wait=False``, until
    the queue is empty). InputError on an embedded SQLite database (jobs run in-process there).

    First, jobs left ``doing`` by a worker silent for ``stalled_after_s`` seconds (killed, its
    machine lost) are put back on the queue; ingest is idempotent, so they finish with nothing
    lost or doubled.
    """
    if is_sqlite(settings.effective_database_url):
        raise InputError(
            "irpatrol worker needs PostgreSQL (set IRPATROL_DATABASE_URL); "
            "with the embedded SQLite database, jobs run inside 'irpatrol serve'"
        )
    ensure_queue_schema(settings)
    app = queue_app(settings)
    options: dict[str, Any] = {"name": name} if name else {}

    async def work() -> None:
        async with app.open_async():
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=stalled_after_s
            )
            for job in stalled:
                log.warning("retrying job %s of a stalled worker", job.id)
                await app.job_manager.retry_job(job)
            await app.run_worker_async(
                queues=[QUEUE],
                wait=wait,
                concurrency=1,
                install_signal_handlers=install_signal_handlers,
                delete_jobs="successful",
                **options,
            )

    asyncio.run(work())
