"""Photos kept as evidence of hazards and defects: the one service that stores and attaches them.

:func:`attach_photo` keeps the file in the content store (:mod:`irpatrol.registry.store`),
``<data_dir>/photos/<sha[:2]>/<sha256><suffix>`` (:func:`store_photo`, the suffix from the
content), written atomically, so the same picture is stored once; attaching it twice to the same
record returns the first Photo. The CLI, the API and the web app all go through it, so every Photo
path is relative to ``Settings.data_dir`` and can be served.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from irpatrol.errors import InputError, NotFound
from irpatrol.registry.audit import record
from irpatrol.registry.defects import get_defect
from irpatrol.registry.hazards import get_hazard
from irpatrol.registry.model import Photo
from irpatrol.registry.store import PHOTO_FOLDER, content_relpath, remove_stale_parts, write_atomically

MEDIA_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".webp": "image/webp",
}
"""Media type of each stored photo suffix."""
MAX_PHOTO_PIXELS = 100_000_000
"""Largest photo accepted (pixels, width × height): 100 MP is above every drone and phone camera
(a 48 MP sensor gives 8000 × 6000) and keeps one decoded RGB copy under 300 MB."""
STAGING_FOLDER = ".incoming"
"""Folder under the photo store where uploads wait while a request runs (removed with it)."""
_CHUNK = 1 << 20
_META_BYTES = 256 * 1024
"""Enough of a JPEG's head to hold its EXIF (APP1 segments are at most 64 KiB each)."""


def photo_suffix(head: bytes) -> str:
    """The store suffix of an image from its first bytes (JPEG, PNG, TIFF, WebP); InputError for
    anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return ".tif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    raise InputError("not a photo: expected a JPEG, PNG, TIFF or WebP image")


def declared_pixels(path: Path) -> tuple[int, int] | None:
    """The width and height a picture's header declares (nothing is decoded), None when the header
    cannot be read; a header declaring more than Pillow's decompression-bomb limit counts as
    too large."""
    import warnings

    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as im:
                return int(im.size[0]), int(im.size[1])
    except PILImage.DecompressionBombError:
        return (MAX_PHOTO_PIXELS + 1, 1)
    except Exception:  # not an image Pillow can read: stored as sent (the magic bytes were checked)
        return None


def check_pixels(path: Path) -> None:
    """InputError when the picture's header declares more than :data:`MAX_PHOTO_PIXELS`."""
    size = declared_pixels(path)
    if size is not None and size[0] * size[1] > MAX_PHOTO_PIXELS:
        raise InputError(
            f"photo too large: {size[0]} × {size[1]} pixels, at most {MAX_PHOTO_PIXELS:,} pixels"
        )


def store_photo(source: str | Path, data_dir: Path) -> tuple[str, str]:
    """Copy the image at ``source`` into the photo store; returns (path relative to ``data_dir``,
    sha256). A file already stored (same content) is not written again. InputError when
    ``source`` cannot be read or is not an image."""
    src = Path(source)
    digest = hashlib.sha256()
    try:
        with src.open("rb") as f:
            suffix = photo_suffix(f.read(16))
            f.seek(0)
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read photo: {exc.strerror}", source=str(src)) from None
    check_pixels(src)  # before anything decodes it (thumbnails, reports)
    sha = digest.hexdigest()
    relative = content_relpath(PHOTO_FOLDER, sha, suffix)
    dest = data_dir / relative
    remove_stale_parts(data_dir / PHOTO_FOLDER)  # left by a run killed mid-copy
    if not dest.exists():
        with src.open("rb") as f:
            write_atomically(dest, iter(lambda: f.read(_CHUNK), b""))
    return relative, sha


def _exif_position(path: Path) -> tuple[float | None, float | None, datetime | None]:
    """GPS and capture time from a JPEG's EXIF (None where absent; never raises)."""
    from irpatrol.radiometry.jpeg_meta import read_meta

    try:
        with path.open("rb") as f:
            head = f.read(_META_BYTES)
        meta = read_meta(head)
    except Exception:  # a photo without readable EXIF simply has no position
        return None, None, None
    lat = meta.gps.lat if meta.gps else None
    lon = meta.gps.lon if meta.gps else None
    taken = meta.captured_at if meta.captured_at and meta.captured_at.tzinfo else None
    return lat, lon, taken


def attach_photo(
    session: Session,
    source: str | Path,
    *,
    data_dir: Path,
    hazard_id: int | None = None,
    defect_id: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
    taken_at: datetime | None = None,
    caption: str | None = None,
    user: str | None = None,
) -> Photo:
    """Store the image at ``source`` (see module doc) and attach it to a hazard or a defect (give
    exactly one id). GPS: ``lat``/``lon`` when given, else the JPEG's EXIF position, else none.
    The same picture attached twice to one record gives the first Photo back. Flushed and
    audit-logged (``add_photo`` on the hazard or defect); NotFound for an unknown record,
    InputError for a file that is not an image."""
    if (hazard_id is None) == (defect_id is None):
        raise InputError("attach a photo to exactly one hazard or defect")
    if (lat is None) != (lon is None):
        raise InputError("give both lat and lon, or neither")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"position {lat}, {lon} is not a WGS-84 latitude/longitude")
    if hazard_id is not None:
        get_hazard(session, hazard_id)
        entity, entity_id, owner = "hazard", hazard_id, Photo.hazard_id == hazard_id
    else:
        assert defect_id is not None
        get_defect(session, defect_id)
        entity, entity_id, owner = "defect", defect_id, Photo.defect_id == defect_id
    path, sha = store_photo(source, data_dir)
    existing = session.scalars(select(Photo).where(owner, Photo.sha256 == sha).order_by(Photo.id)).first()
    if existing is not None:
        return existing
    if lat is None:
        lat, lon, exif_time = _exif_position(Path(source))
        taken_at = taken_at or exif_time
    photo = Photo(
        path=path,
        sha256=sha,
        hazard_id=hazard_id,
        defect_id=defect_id,
        lat=lat,
        lon=lon,
        taken_at=taken_at,
        caption=caption,
    )
    session.add(photo)
    session.flush()
    record(session, user, "add_photo", entity, entity_id, {"photo_id": photo.id, "path": path})
    session.flush()
    return photo


def get_photo(session: Session, photo_id: int) -> Photo:
    """The photo record; NotFound otherwise."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"no photo #{photo_id}")
    return photo


def photo_file(photo: Photo, data_dir: Path) -> tuple[Path, str]:
    """The stored file of ``photo`` (a relative path is under ``data_dir``) and its media type.
    NotFound when the file is gone or is not an image (only pictures are ever served)."""
    path = Path(photo.path)
    if not path.is_absolute():
        path = data_dir / path
    try:
        with path.open("rb") as f:
            suffix = photo_suffix(f.read(16))
    except OSError:
        raise NotFound(f"the file of photo #{photo.id} is missing") from None
    except InputError:
        raise NotFound(f"the file of photo #{photo.id} is not an image") from None
    return path, MEDIA_TYPES[suffix]


def photo_summary(photo: Photo) -> dict[str, Any]:
    """JSON-ready dict of a photo (``url`` is the API's download path)."""
    return {
        "id": photo.id,
        "path": photo.path,
        "sha256": photo.sha256,
        "caption": photo.caption,
        "lat": photo.lat,
        "lon": photo.lon,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "hazard_id": photo.hazard_id,
        "defect_id": photo.defect_id,
        "url": f"/photos/{photo.id}",
    }


class Upload(Protocol):
    """An uploaded file as the web framework gives it (FastAPI's ``UploadFile`` is one)."""

    @property
    def filename(self) -> str | None:
        """The name the client gave the file (None or empty when no file was chosen)."""

    @property
    def file(self) -> IO[bytes]:
        """The file's content, read from its start."""


@contextmanager
def staged_uploads(
    uploads: Iterable[Upload | None], data_dir: Path, limit_bytes: int
) -> Iterator[list[tuple[str, Path]]]:
    """Copy the uploads that carry a file (a form sends an empty part with no name when no file was
    chosen) into a temporary folder under the photo store, in 1 MiB chunks, and give their
    ``(file name, path)`` for the duration of the block; the folder is removed afterwards.
    InputError, naming the file, when one is larger than ``limit_bytes`` (bytes). One home for the
    API and the pages."""
    folder = data_dir / PHOTO_FOLDER / STAGING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        staged: list[tuple[str, Path]] = []
        for n, upload in enumerate(u for u in uploads if u is not None and u.filename):
            assert upload.filename
            path = Path(tmp) / f"{n}.upload"
            size = 0
            with path.open("wb") as out:
                while chunk := upload.file.read(_CHUNK):
                    size += len(chunk)
                    if size > limit_bytes:
                        raise InputError(
                            f"{upload.filename}: larger than the upload limit of {limit_bytes} bytes"
                        )
                    out.write(chunk)
            staged.append((upload.filename, path))
        yield staged
