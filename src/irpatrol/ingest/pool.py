"""The worker side of an ingest: one process per core hashes, stores, decodes, matches and examines.

Workers run in a ``ProcessPoolExecutor`` forked from a forkserver that has preloaded the decoders
(never from the parent, whose OpenCV/BLAS threads make fork unsafe). Each hashes a file (SHA-256,
its content address), skips it when the patrol already has it, copies it into the content store
(:func:`irpatrol.registry.store.store_image`, in a thread while the process decodes) and analyses
it (:mod:`irpatrol.ingest.analyse`); results come back in file order. A worker ends itself when the
ingest that started it ends (:func:`die_with`), even when that was killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from irpatrol.diagnosis.loader import set_search_path
from irpatrol.ingest.analyse import ImageAnalysis, MatchContext, analyse, rejected
from irpatrol.registry.store import image_relpath, sha256_of, store_image, store_visible
from irpatrol.serving import release_core

KNOWN, UNREADABLE = "known", "unreadable"
"""Worker results that are not written: already in the patrol; the file could not be read (or stored)."""


@dataclass(frozen=True)
class Task:
    """One file for a worker: its path and name, its paired visible photo (or ``""``) and, when
    discovery refused its content, the reason it is rejected (or ``""``)."""

    path: str
    name: str
    photo: str = ""
    refused: str = ""


_CTX: MatchContext | None = None
_KNOWN: frozenset[str] = frozenset()
_STORE: Path | None = None
_COPIER: ThreadPoolExecutor | None = None


def _init_worker(
    ctx: MatchContext,
    known: frozenset[str] = frozenset(),
    store: Path | None = None,
    parent_pid: int | None = None,
) -> None:
    global _CTX, _KNOWN, _STORE
    _CTX, _KNOWN, _STORE = ctx, known, store
    if ctx.standards_dirs:
        set_search_path(ctx.standards_dirs)
    if parent_pid is not None:
        die_with(parent_pid)
        release_core()  # started from a server worker pinned to one core: analyse on all of them


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


def work(task: Task) -> ImageAnalysis:
    """Hash one file and, unless the patrol already has it, store it (when a store is set) with
    its visible photo and decode, match and examine it (a file discovery refused is stored and
    rejected with its reason, not decoded). The analysis's ``path`` is the stored path (relative to
    the data folder), or the file's own path without a store."""
    path, name = task.path, task.name
    assert _CTX is not None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ImageAnalysis(path=path, name=name, sha256="", status=UNREADABLE, reason=f"cannot read: {exc}")
    sha = sha256_of(data)
    if sha in _KNOWN:
        return ImageAnalysis(path=path, name=name, sha256=sha, status=KNOWN)
    stored = image_relpath(sha, name) if _STORE is not None else path
    # the copy (disk-bound: two fsyncs) runs in a thread while this process decodes and examines;
    # the result goes back to the parent, which records the image, only once the copy is complete
    copying = _copier().submit(store_image, _STORE, sha, name, data) if _STORE is not None else None
    if task.refused:
        analysis = rejected(stored, name, sha, task.refused)
    else:
        analysis = analyse(stored, name, sha, data, _CTX)
    if copying is None:
        return analysis
    try:
        copying.result()
    except OSError as exc:
        return ImageAnalysis(
            path=path, name=name, sha256=sha, status=UNREADABLE, reason=f"cannot store: {exc}"
        )
    if task.photo:
        with contextlib.suppress(OSError):  # an unreadable photo leaves the thermogram without one
            store_visible(_STORE, sha, Path(task.photo).read_bytes())  # type: ignore[arg-type]
    return analysis


def _copier() -> ThreadPoolExecutor:
    """This process's one copying thread (made on first use, so after any fork)."""
    global _COPIER
    if _COPIER is None:
        _COPIER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="irpatrol-store")
    return _COPIER


def results(
    tasks: list[Task], ctx: MatchContext, known: frozenset[str], workers: int, store: Path | None
) -> Iterator[ImageAnalysis]:
    """The analyses of ``tasks`` in order: in this process for one worker or a handful of files,
    else in a pool of ``workers`` processes."""
    if workers <= 1 or len(tasks) < 4:
        _init_worker(ctx, known, store)
        for t in tasks:
            yield work(t)
        return
    import multiprocessing

    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload(["irpatrol.ingest.analyse", "irpatrol.pipeline", "irpatrol.radiometry"])
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp,
        initializer=_init_worker,
        initargs=(ctx, known, store, os.getpid()),
    ) as pool:
        yield from pool.map(work, tasks, chunksize=max(1, min(16, len(tasks) // (workers * 8))))
