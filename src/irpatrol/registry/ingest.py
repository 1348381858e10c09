"""Ingest a folder of thermal images into a patrol: decode, match, examine, record findings and defects.

Work is split so that a run can be killed at any moment and simply started again:

* worker processes (one per core, ``ProcessPoolExecutor``) hash every file (SHA-256, the image's
  content address), skip those the patrol already has, copy the rest into the image store (below)
  and decode, match and examine them (:mod:`irpatrol.registry.analyse`); results come back in
  file-name order;
* the parent writes each image with its findings, components and defect changes in **one
  transaction**, so after a kill an image is either wholly there or not at all; a re-run does the
  missing ones in the same order and ends with the same records as an uninterrupted run.

Concurrent ingests (several workers on PostgreSQL) serialise per pole with a transaction-level
advisory lock, and SQLite transactions start with ``BEGIN IMMEDIATE``; an image another process
recorded first is skipped (unique constraint), so two ingests of one flight give the same counts
as one.

Image store: every file an ingest records — analysed **and rejected** (a corrupt or unmatched
file is kept as the evidence of why it was rejected) — is copied to
``<data_dir>/images/<sha[:2]>/<sha256><suffix>`` (``suffix`` the original's, lower-cased), and
``Image.stored_path`` holds that path **relative to** ``Settings.data_dir``, in POSIX form
(``images/ab/ab12….tiff``), so a data folder can be moved or mounted elsewhere by every worker
machine; readers resolve it with ``data_dir / stored_path`` (an absolute ``stored_path``, as
written by older versions, is used as is). ``Image.original_name`` keeps the file's own name. A
file is written to a hidden temporary name in the same folder (``.<name>.<pid>.<random>.part``),
fsynced, renamed over the final name (atomic on POSIX) and the folder fsynced; a file already in
the store is not written again. A process killed mid-copy leaves at most a ``.part`` file, never a
partial file under its final name; a re-run writes the file again, and every ingest starts by
deleting the ``.part`` files older than a minute
(:func:`irpatrol.registry.filestore.remove_stale_parts`). Files that cannot be read
(``unreadable``) are neither stored nor recorded. Uploads go through :func:`ingest_folder` (with
``files=``) and are stored the same way.

Visible photos: a JPEG named like a thermal image's visible partner (``…_V`` / ``…_W`` / ``…_Z``
beside ``…_T`` or the plain name, as DJI payloads and the flight simulator write them) is not an
image of its own; it is kept under its thermal image's content address in ``visible/``
(:mod:`irpatrol.registry.visible`) and shown beside the thermogram.

Defects: a graded finding (see :func:`irpatrol.registry.grades.is_defect`) at a pole and
component with an open defect joins it; otherwise it opens a defect in status ``new``. A
``repaired`` defect whose component a later image shows normal becomes ``verified``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from irpatrol.conditions import Conditions
from irpatrol.db import analyze
from irpatrol.diagnosis.loader import search_path, set_search_path
from irpatrol.errors import InputError
from irpatrol.registry import grades
from irpatrol.registry.analyse import ImageAnalysis, MatchContext, analyse
from irpatrol.registry.audit import record
from irpatrol.registry.defects import DeadlinePolicy, register_finding, transition
from irpatrol.registry.filestore import remove_stale_parts, write_atomically
from irpatrol.registry.geo import PoleIndex
from irpatrol.registry.model import (
    DEFAULT_COMPONENT_KIND,
    Component,
    Defect,
    Feeder,
    Finding,
    Image,
    Patrol,
    PatrolFeeder,
    Pole,
)
from irpatrol.registry.patrols import ensure_patrol, update_track
from irpatrol.registry.visible import VISIBLE_FOLDER, split_visible, store_visible
from irpatrol.registry.workflow import DefectStatus

if TYPE_CHECKING:
    from irpatrol.config import Settings

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".fff", ".seq", ".rjpeg"})
"""Files an ingest looks at (case-insensitive); anything else (ground truth JSON, notes) is ignored."""
RETRIES = 5
"""Attempts to write one image when a concurrent writer collides (unique key, busy database)."""
KNOWN, UNREADABLE = "known", "unreadable"
"""Worker results that are not written: already in the patrol; the file could not be read (or stored)."""
STORE_FOLDER = "images"
"""Folder of the content-addressed image store under ``Settings.data_dir``."""
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")

Progress = Callable[[int, int], None]


@dataclass
class IngestResult:
    """What a run did (counts) and the patrol it filled. ``km_flown`` in km, ``elapsed_s`` in s."""

    patrol_id: int
    files: int = 0
    skipped: int = 0
    analysed: int = 0
    rejected: int = 0
    unmatched: int = 0
    unreadable: int = 0
    findings: int = 0
    defects_opened: int = 0
    defects_joined: int = 0
    defects_verified: int = 0
    km_flown: float = 0.0
    elapsed_s: float = 0.0
    rejected_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def images_per_s(self) -> float:
        done = self.analysed + self.rejected
        return done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["rejected_files"] = [{"file": f, "reason": r} for f, r in self.rejected_files]
        d["images_per_s"] = round(self.images_per_s, 2)
        return d


def image_files(folder: Path) -> list[Path]:
    """Thermal image files in ``folder`` (recursively), sorted by path; hidden files ignored."""
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder))
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in IMAGE_SUFFIXES
        and not any(part.startswith(".") for part in p.parts[-1:])
    )


def sha256_of(data: bytes) -> str:
    """Content address of a file: hex SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def stored_relpath(sha: str, name: str) -> str:
    """Where the store keeps the file of content address ``sha`` (originally called ``name``):
    ``images/<sha[:2]>/<sha><suffix>``, POSIX, relative to ``Settings.data_dir``. The suffix is the
    original's lower-cased (left out unless it is 1–10 letters or digits)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise InputError(f"not a SHA-256 content address: {sha!r}")
    suffix = Path(name).suffix.lower()
    if not _SUFFIX.fullmatch(suffix):
        suffix = ""
    return f"{STORE_FOLDER}/{sha[:2]}/{sha}{suffix}"


def store_image(data_dir: Path, sha: str, name: str, data: bytes) -> str:
    """Copy ``data`` (content address ``sha``) into the image store under ``data_dir``; returns the
    path relative to ``data_dir`` (:func:`stored_relpath`).

    Atomic (:func:`irpatrol.registry.filestore.write_atomically`): written to a hidden temporary
    name in the target folder, fsynced, renamed over the final name and the folder fsynced, so the
    final name only ever holds the whole file. Skipped when a
    file of the same size is already there (same address, same bytes). Two processes storing the
    same file at once both succeed (either rename leaves identical bytes). Raises OSError.
    """
    rel = stored_relpath(sha, name)
    final = data_dir / rel
    try:
        if final.stat().st_size == len(data):
            return rel
    except FileNotFoundError:
        pass
    write_atomically(final, [data])
    return rel


# --- worker side -------------------------------------------------------------------------------

_CTX: MatchContext | None = None
_KNOWN: frozenset[str] = frozenset()
_STORE: Path | None = None


def _init_worker(
    ctx: MatchContext, known: frozenset[str] = frozenset(), store: Path | None = None,
    parent_pid: int | None = None,
) -> None:
    global _CTX, _KNOWN, _STORE
    _CTX, _KNOWN, _STORE = ctx, known, store
    if ctx.standards_dirs:
        set_search_path(ctx.standards_dirs)
    if parent_pid is not None:
        die_with(parent_pid)


def die_with(pid: int) -> None:
    """End this process as soon as process ``pid`` ends (a pool worker's watchdog: the ingest that
    started the pool may be killed with SIGKILL, which runs no clean-up; the worker's own parent is
    the forkserver, so the kernel's parent-death signal cannot be used). Waits on a pidfd where the
    system has them (Linux ≥ 5.3), else checks every half second."""
    import threading

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            import select

            select.select([fd], [], [])  # readable once the process has ended
            os._exit(1)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, name="irpatrol-die-with-parent", daemon=True).start()


def _work(task: tuple[str, ...]) -> ImageAnalysis:
    """Hash one file and, unless the patrol already has it, store it (when a store is set) with
    its visible photo (``task[2]``, when paired: :mod:`irpatrol.registry.visible`) and decode,
    match and examine it. The analysis's ``path`` is the stored path (relative to the data folder),
    or the file's own path without a store."""
    path, name = task[0], task[1]
    photo = task[2] if len(task) > 2 else ""
    assert _CTX is not None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ImageAnalysis(path=path, name=name, sha256="", status=UNREADABLE, reason=f"cannot read: {exc}")
    sha = sha256_of(data)
    if sha in _KNOWN:
        return ImageAnalysis(path=path, name=name, sha256=sha, status=KNOWN)
    if _STORE is None:
        return analyse(path, name, sha, data, _CTX)
    # the copy (disk-bound: two fsyncs) runs in a thread while this process decodes and examines;
    # the result goes back to the parent, which records the image, only once the copy is complete
    copying = _copier().submit(store_image, _STORE, sha, name, data)
    analysis = analyse(stored_relpath(sha, name), name, sha, data, _CTX)
    try:
        copying.result()
    except OSError as exc:
        return ImageAnalysis(
            path=path, name=name, sha256=sha, status=UNREADABLE, reason=f"cannot store: {exc}"
        )
    if photo:
        with contextlib.suppress(OSError):  # an unreadable photo leaves the thermogram without one
            store_visible(_STORE, sha, Path(photo).read_bytes())
    return analysis


_COPIER: ThreadPoolExecutor | None = None


def _copier() -> ThreadPoolExecutor:
    """This process's one copying thread (made on first use, so after any fork)."""
    global _COPIER
    if _COPIER is None:
        _COPIER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="irpatrol-store")
    return _COPIER


# --- parent side -------------------------------------------------------------------------------


def _parse_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"date {value!r} is not YYYY-MM-DD") from None


def _match_context(
    session: Session, patrol: Patrol, settings: Settings, kind: str | None, standard: str | None
) -> MatchContext:
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


def _lock(session: Session, pole_id: int | None) -> None:
    """Serialise writers per pole: advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql" and pole_id is not None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x1D0000000 + pole_id})


def _component(session: Session, pole_id: int, kind: str, phase: str) -> Component:
    comp = session.scalar(
        select(Component).where(
            Component.pole_id == pole_id, Component.kind == kind, Component.phase == phase
        )
    )
    if comp is None:
        comp = Component(pole_id=pole_id, kind=kind, phase=phase)
        session.add(comp)
        session.flush()
    return comp


def _as_utc(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def write_image(
    session: Session, a: ImageAnalysis, patrol_id: int, result: IngestResult, policy: DeadlinePolicy
) -> bool:
    """Record one analysed (or rejected) image with its findings and defect changes.
    Returns False when the image is already recorded. The caller commits."""
    _lock(session, a.pole_id)
    if session.scalar(select(Image.id).where(Image.sha256 == a.sha256)) is not None:
        return False
    captured = _as_utc(a.captured_at)
    img = Image(
        sha256=a.sha256,
        original_name=a.name,
        stored_path=a.path,
        patrol_id=patrol_id,
        status=a.status,
        reason=a.reason,
        camera=a.camera,
        source_format=a.source_format,
        width=a.width,
        height=a.height,
        params=a.params,
        lat=a.lat,
        lon=a.lon,
        alt_m=a.alt_m,
        gimbal_yaw=a.gimbal[0],
        gimbal_pitch=a.gimbal[1],
        gimbal_roll=a.gimbal[2],
        captured_at=captured,
        pole_id=a.pole_id,
        pole_distance_m=a.pole_distance_m,
        t_max_c=a.t_max_c,
        t_min_c=a.t_min_c,
        component_kind=a.kind,
    )
    session.add(img)
    session.flush()
    found_at = captured or datetime.now(UTC)
    graded_components: set[int] = set()
    for fd in a.findings:
        comp = (
            _component(session, a.pole_id, a.kind or DEFAULT_COMPONENT_KIND, fd.phase) if a.pole_id else None
        )
        d = fd.diagnosis
        finding = Finding(
            image_id=img.id,
            pole_id=a.pole_id,
            component_id=comp.id if comp else None,
            bbox_x=fd.bbox[0],
            bbox_y=fd.bbox[1],
            bbox_w=fd.bbox[2],
            bbox_h=fd.bbox[3],
            max_x=fd.max_xy[0],
            max_y=fd.max_xy[1],
            area_px=fd.area_px,
            contour=fd.contour,
            t_max_c=fd.t_max_c,
            t_mean_c=fd.t_mean_c,
            t_ref_c=fd.t_ref_c,
            t_ref_source=fd.t_ref_source,
            t_ambient_c=fd.t_ambient_c,
            delta_t_k=fd.delta_t_k,
            rise_k=fd.rise_k,
            delta_pct=fd.delta_pct,
            corrected_delta_t_k=d.get("corrected_delta_t_k"),
            standard=d.get("standard"),
            device=d.get("device"),
            grade=fd.grade,
            rule=_s(d.get("rule")),
            clause=_s(d.get("clause")),
            confidence=_s(d.get("confidence")),
            flags=list(d.get("flags") or []) + (["review"] if d.get("review") else []),  # unrated, ≥ 10 K
            diagnosis=d,
        )
        session.add(finding)
        session.flush()
        result.findings += 1
        if comp is None or not grades.is_defect(finding.standard, fd.grade):
            continue
        graded_components.add(comp.id)
        description = f"{a.kind} phase {fd.phase}: {fd.grade} ({d.get('rule') or ''})".strip()
        outcome = register_finding(
            session, finding, found_at=found_at, description=description, lat=a.lat, lon=a.lon, policy=policy
        )
        if outcome == "opened":
            result.defects_opened += 1
        else:
            result.defects_joined += 1
    if a.status == "analysed" and a.pole_id is not None:
        repaired = session.scalars(
            select(Defect)
            .join(Component, Component.id == Defect.component_id)
            .where(
                Defect.pole_id == a.pole_id,
                Defect.status == DefectStatus.REPAIRED.value,
                Component.kind == (a.kind or DEFAULT_COMPONENT_KIND),
            )
        ).all()
        for defect in repaired:
            done = _as_utc(defect.repaired_at)
            if defect.component_id in graded_components or (done and captured and captured < done):
                continue
            transition(
                session,
                defect.id,
                DefectStatus.VERIFIED,
                user=None,
                at=found_at,
                comment=f"image #{img.id} ({a.name}) of a later patrol shows the component normal",
            )
            result.defects_verified += 1
    if a.status == "rejected":
        result.rejected += 1
        result.rejected_files.append((a.name, a.reason or ""))
    else:
        result.analysed += 1
        if a.pole_id is None:
            result.unmatched += 1
    return True


def _s(v: Any) -> str | None:
    return None if v is None else str(v)[:200]


def _write_with_retry(
    factory: sessionmaker[Session],
    a: ImageAnalysis,
    patrol_id: int,
    result: IngestResult,
    policy: DeadlinePolicy,
) -> None:
    for attempt in range(RETRIES):
        trial = IngestResult(patrol_id=patrol_id)
        with factory() as session:
            try:
                written = write_image(session, a, patrol_id, trial, policy)
                session.commit()
            except (IntegrityError, OperationalError):
                session.rollback()
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
        if not written:
            result.skipped += 1
            return
        for name in (
            "analysed",
            "rejected",
            "unmatched",
            "findings",
            "defects_opened",
            "defects_joined",
            "defects_verified",
        ):
            setattr(result, name, getattr(result, name) + getattr(trial, name))
        result.rejected_files.extend(trial.rejected_files)
        return


def _results(
    tasks: list[tuple[str, str, str]], ctx: MatchContext, known: frozenset[str], workers: int,
    store: Path | None,
) -> Iterator[ImageAnalysis]:
    if workers <= 1 or len(tasks) < 4:
        _init_worker(ctx, known, store)
        for t in tasks:
            yield _work(t)
        return
    import multiprocessing

    # forkserver: workers fork from a clean server process that has preloaded the decoders, never
    # from this process (whose OpenCV/BLAS threads make fork unsafe)
    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(["irpatrol.registry.analyse", "irpatrol.pipeline", "irpatrol.radiometry"])
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=mp, initializer=_init_worker,
        initargs=(ctx, known, store, os.getpid()),
    ) as pool:
        yield from pool.map(_work, tasks, chunksize=max(1, min(16, len(tasks) // (workers * 8))))


def ingest_folder(
    session_factory: sessionmaker[Session],
    folder: str | Path,
    *,
    feeder: str | Sequence[str],
    date: date | str,
    crew: str | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
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
    """Ingest the thermal images in ``folder`` as the patrol of ``crew`` on ``date`` over ``feeder``.

    ``kind`` forces the component kind examined (default: each feeder's default kind);
    ``workers`` defaults to the number of cores; ``progress(done, total)`` is called per image.
    ``files`` restricts the run to these paths (an upload). Safe to run again and to kill.
    Each new file is copied into the image store under ``settings.data_dir`` (module doc);
    ``policy`` defaults to the deadlines of ``settings``.
    """
    if settings is None:
        from irpatrol.config import get_settings

        settings = get_settings()
    started = time.perf_counter()
    feeders = [feeder] if isinstance(feeder, str) else list(feeder)
    day = _parse_date(date)
    paths = sorted(files) if files is not None else image_files(Path(folder))
    paths, photos = split_visible(paths)  # visible photos ride with their thermal images
    policy = policy or DeadlinePolicy.from_settings(settings)
    store = settings.data_dir.resolve()
    remove_stale_parts(store / STORE_FOLDER)  # left by a run killed mid-copy
    remove_stale_parts(store / VISIBLE_FOLDER)
    for attempt in range(RETRIES):  # another ingest may create the same patrol at the same moment
        session = session_factory()
        try:
            patrol = ensure_patrol(
                session,
                feeders=feeders,
                day=day,
                crew=crew,
                ambient_c=ambient_c,
                humidity_pct=humidity_pct,
                wind_m_s=wind_m_s,
                rain=rain,
                load_current_a=load_current_a,
                drone=drone,
            )
            session.commit()
            break
        except (IntegrityError, OperationalError):
            session.rollback()
            session.close()
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    with session:
        ctx = _match_context(session, patrol, settings, kind, standard)
        patrol_id = patrol.id
        known = frozenset(session.scalars(select(Image.sha256).where(Image.patrol_id == patrol_id)))
    result = IngestResult(patrol_id=patrol_id, files=len(paths))
    tasks = [(str(p.resolve()), p.name, str(photos[p].resolve()) if p in photos else "") for p in paths]
    total = len(tasks)
    if progress:
        progress(0, total)
    n_workers = workers or os.cpu_count() or 1
    for done, analysis in enumerate(_results(tasks, ctx, known, n_workers, store), start=1):
        if analysis.status == KNOWN:
            result.skipped += 1
        elif analysis.status == UNREADABLE:
            result.unreadable += 1
        else:
            _write_with_retry(session_factory, analysis, patrol_id, result, policy)
        if progress:
            progress(done, total)
    with session_factory() as session:
        result.km_flown = update_track(session, patrol_id)
        record(
            session,
            None,
            "ingest",
            "patrol",
            patrol_id,
            {"folder": str(folder), "new": result.analysed + result.rejected, "skipped": result.skipped},
        )
        session.commit()
        analyze(session.get_bind())  # type: ignore[arg-type]
    result.elapsed_s = time.perf_counter() - started
    return result
