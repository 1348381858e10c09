"""Files under the data folder written so that a crash never leaves half a file under its name.

Shared by the content-addressed image store (:mod:`irpatrol.registry.ingest`) and the photo store
(:mod:`irpatrol.registry.photos`): :func:`write_atomically` writes a hidden temporary file
(``.<name>.<pid>.<random>.part``) in the target folder, fsyncs it, renames it over the final
name (atomic on POSIX) and fsyncs the folder. A process killed mid-copy leaves only its ``.part``
file; :func:`remove_stale_parts`, run when a store is next written, deletes those left for more
than :data:`STALE_PART_S` seconds (a live writer's file is younger: each write touches it).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

PART_SUFFIX = ".part"
"""Suffix of the hidden temporary files (their names also start with a dot)."""
STALE_PART_S = 60.0
"""A ``.part`` file not modified for this long (s) belongs to a dead process."""


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(final: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``final`` through a hidden ``.part`` file in the same folder (created
    with the folder when missing), so ``final`` only ever holds the whole file. The temporary file
    is removed on any failure. Raises OSError."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.{secrets.token_hex(4)}{PART_SUFFIX}")
    try:
        with open(tmp, "xb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(final.parent)


def remove_stale_parts(folder: Path, *, older_than_s: float = STALE_PART_S, now: float | None = None) -> int:
    """Delete the hidden ``.part`` files under ``folder`` (recursively) last modified more than
    ``older_than_s`` seconds before ``now`` (default: the current time), left by a run killed
    mid-copy; returns how many. Files that vanish meanwhile (another process) are skipped."""
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - older_than_s
    removed = 0
    for path in folder.rglob(f".*{PART_SUFFIX}"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
