"""The content store: every file the registry keeps under ``Settings.data_dir``, one module, one behaviour.

Three folders, each content-addressed by SHA-256 (``<folder>/<sha[:2]>/<sha><suffix>``), so a file
is stored once however often it is sent:

* ``images/`` — every file an ingest records (analysed **and rejected**: a corrupt or unmatched
  file is kept as the evidence of why it was rejected), ``suffix`` the original's lower-cased
  (:func:`image_relpath`); ``Image.stored_path`` holds that path **relative to** the data folder in
  POSIX form, so a data folder can be moved or mounted elsewhere by every worker machine (an
  absolute ``stored_path``, as older versions wrote, is used as is: :func:`stored_file`);
* ``visible/`` — the visible photo taken with a thermal image, under the **thermal image's**
  address (``visible/<sha[:2]>/<sha>.jpg``, :func:`visible_relpath`; no column: found from
  ``Image.sha256``);
* ``photos/`` — the analysts' and crews' photos of defects and hazards (the suffix from the
  content; :mod:`irpatrol.registry.photos` keeps their records).

Writes never leave half a file under its name: :func:`write_atomically` writes a hidden temporary
file (``.<name>.<pid>.<random>.part``) in the target folder, fsyncs it, renames it over the final
name (atomic on POSIX) and fsyncs the folder. A process killed mid-copy leaves only its ``.part``
file; :func:`remove_stale_parts`, run when a store is next written, deletes those left for more than
:data:`STALE_PART_S` seconds (a live writer's file is younger: each write touches it). A file
already stored with the same size (same address, same bytes) is not written again; two processes
storing the same file at once both succeed.

Reading: :func:`stored_file` is the one way to find an image's file (NotFound when it is gone,
never None).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from irpatrol.errors import InputError, NotFound

if TYPE_CHECKING:
    from irpatrol.registry.model import Image

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


IMAGE_FOLDER = "images"
"""Folder of the ingested camera files under the data folder."""
VISIBLE_FOLDER = "visible"
"""Folder of the visible photos paired with thermal images."""
PHOTO_FOLDER = "photos"
"""Folder of the defect and hazard photos."""
FOLDERS = (IMAGE_FOLDER, VISIBLE_FOLDER, PHOTO_FOLDER)
_SHA = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


def sha256_of(data: bytes) -> str:
    """Content address of a file: hex SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def content_relpath(folder: str, sha: str, suffix: str = "") -> str:
    """``<folder>/<sha[:2]>/<sha><suffix>``, POSIX, relative to the data folder. InputError unless
    ``sha`` is a SHA-256 content address (so no stored path can leave its folder)."""
    if not _SHA.fullmatch(sha):
        raise InputError(f"not a SHA-256 content address: {sha!r}")
    return f"{folder}/{sha[:2]}/{sha}{suffix}"


def image_relpath(sha: str, name: str) -> str:
    """Where the image store keeps the file of content address ``sha`` (originally called
    ``name``): the original's suffix lower-cased, left out unless it is 1–10 letters or digits."""
    suffix = Path(name).suffix.lower()
    return content_relpath(IMAGE_FOLDER, sha, suffix if _SUFFIX.fullmatch(suffix) else "")


def visible_relpath(thermal_sha: str) -> str:
    """Where the visible photo of the thermal image ``thermal_sha`` is kept."""
    return content_relpath(VISIBLE_FOLDER, thermal_sha, ".jpg")


def put(data_dir: Path, rel: str, data: bytes) -> str:
    """Write ``data`` at ``data_dir / rel`` atomically unless a file of the same size is there
    (same address, same bytes); returns ``rel``. Raises OSError."""
    final = data_dir / rel
    try:
        if final.stat().st_size == len(data):
            return rel
    except FileNotFoundError:
        pass
    write_atomically(final, [data])
    return rel


def store_image(data_dir: Path, sha: str, name: str, data: bytes) -> str:
    """Copy a camera file (content address ``sha``, called ``name``) into the image store; returns
    its path relative to ``data_dir`` (:func:`image_relpath`). Raises OSError."""
    return put(data_dir, image_relpath(sha, name), data)


def store_visible(data_dir: Path, thermal_sha: str, data: bytes) -> str:
    """Copy the visible photo of the thermal image ``thermal_sha`` into the store; returns its
    path relative to ``data_dir``. Raises OSError."""
    return put(data_dir, visible_relpath(thermal_sha), data)


def remove_all_stale_parts(data_dir: Path) -> int:
    """:func:`remove_stale_parts` over every store folder (a run killed mid-copy); how many."""
    return sum(remove_stale_parts(data_dir / folder) for folder in FOLDERS)


def stored_file(image: Image, data_dir: Path) -> Path:
    """The image's stored file: ``stored_path`` under ``data_dir`` (the edge's ``Settings.data_dir``,
    passed down), an absolute ``stored_path`` (older records) as is. NotFound, naming the image,
    when it has none or the file is gone."""
    if not image.stored_path:
        raise NotFound(f"image #{image.id} has no stored file")
    path = Path(image.stored_path)
    if not path.is_absolute():
        path = data_dir / path
    if not path.is_file():
        raise NotFound(f"the file of image #{image.id} is gone", source=str(path))
    return path


def stored_visible(image: Image, data_dir: Path) -> Path | None:
    """The stored visible photo of ``image``, or None when it has none (a photo is optional)."""
    if not image.sha256 or not _SHA.fullmatch(image.sha256):
        return None
    path = data_dir / visible_relpath(image.sha256)
    return path if path.is_file() else None


def visible_jpeg(image: Image, data_dir: Path, embedded: bytes | None) -> bytes | None:
    """The image's visible photo: the one embedded in its file, else the stored paired one."""
    if embedded:
        return embedded
    path = stored_visible(image, data_dir)
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None
