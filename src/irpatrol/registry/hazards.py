"""Corridor hazards: manual records with GPS and photos, graded by clearance, through their workflow.

Grade of a clearance hazard (vegetation, building, crossing) from the measured clearance ``c``
and the required distance ``r`` (m; for 10 kV e.g. 1.5 m vertical / 2.0 m horizontal to street
trees, shared/domain/standards.md §4.6):

* ``c < 0.7 m``  → critical: inside the 10 kV safety distance, contact or arcing risk (standards.md §4.6);
* ``c < r``      → serious: inside the required distance, trim within the cycle (standards.md §4.6);
* ``c < 1.2 r``  → general: within 20 % of the limit, growth may take it inside by the next
  trimming cycle (a project convention);
* otherwise      → none (recorded, no action).

Pass ``grade=`` to record a grade decided on site instead.

Photos (evidence of hazards and of defects, one service for both): :func:`attach_photo` keeps
the file in a content-addressed store, ``<data_dir>/photos/<sha[:2]>/<sha256><suffix>``, written
atomically (a temporary file in the same folder, then renamed), so the same picture is stored
once; attaching it twice to the same record returns the first Photo.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from irpatrol.db import utcnow
from irpatrol.errors import InputError, NotFound
from irpatrol.registry import workflow
from irpatrol.registry.audit import record
from irpatrol.registry.model import Hazard, Photo, Pole

KINDS = ("vegetation", "building", "foreign_object", "crossing", "construction", "other")
"""Kinds of corridor hazard."""
SAFETY_DISTANCE_M = 0.7
"""10 kV safety distance (m): a smaller clearance is critical (standards.md §4.6)."""
MARGIN_FACTOR = 1.2
"""Clearance below this multiple of the required distance is general (project convention)."""


def clearance_grade(clearance_m: float, required_m: float) -> str:
    """Grade of a measured clearance against the required distance (m); see module doc."""
    if clearance_m < 0 or required_m <= 0:
        raise InputError(
            f"clearance must be ≥ 0 m and required distance > 0 m, got {clearance_m} and {required_m}"
        )
    if clearance_m < SAFETY_DISTANCE_M:
        return "critical"
    if clearance_m < required_m:
        return "serious"
    if clearance_m < MARGIN_FACTOR * required_m:
        return "general"
    return "none"


def add_hazard(
    session: Session,
    *,
    kind: str,
    lat: float | None = None,
    lon: float | None = None,
    pole_id: int | None = None,
    clearance_m: float | None = None,
    required_m: float | None = None,
    grade: str | None = None,
    description: str | None = None,
    observed_at: datetime | None = None,
    user: str | None = None,
    photos: list[str] | None = None,
) -> Hazard:
    """Record a hazard (status ``open``). The grade comes from the clearance when both distances are
    given, else ``grade`` must be given. Position: ``lat``/``lon`` or the pole's."""
    if kind not in KINDS:
        raise InputError(f"hazard kind {kind!r}: one of {', '.join(KINDS)}")
    pole = None
    if pole_id is not None:
        pole = session.get(Pole, pole_id)
        if pole is None:
            raise NotFound(f"no pole #{pole_id}")
    if lat is None or lon is None:
        if pole is None:
            raise InputError("a hazard needs a position: lat and lon, or a pole")
        lat, lon = pole.lat, pole.lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"position {lat}, {lon} is not a WGS-84 latitude/longitude")
    if clearance_m is not None and required_m is not None:
        computed = clearance_grade(clearance_m, required_m)
        grade = grade or computed
    if grade is None:
        raise InputError("give the clearance and required distance (m), or a grade")
    if grade not in workflow.GRADE_ORDER:
        raise InputError(f"grade {grade!r}: one of {', '.join(workflow.GRADE_ORDER)}")
    hazard = Hazard(
        kind=kind,
        grade=grade,
        status=workflow.HazardStatus.OPEN.value,
        pole_id=pole_id,
        feeder_id=pole.feeder_id if pole else None,
        lat=lat,
        lon=lon,
        clearance_m=clearance_m,
        required_m=required_m,
        description=description,
        observed_at=observed_at or utcnow(),
        reported_by=user,
    )
    session.add(hazard)
    session.flush()
    for path in photos or []:
        session.add(Photo(path=path, hazard_id=hazard.id, lat=lat, lon=lon))
    record(session, user, "create", "hazard", hazard.id, {"kind": kind, "grade": grade})
    session.flush()
    return hazard


def transition(
    session: Session,
    hazard_id: int,
    to_status: str,
    *,
    user: str | None = None,
    reason: str | None = None,
    comment: str | None = None,
) -> Hazard:
    """Move a hazard through :data:`workflow.HAZARD_TRANSITIONS` (Conflict / InputError as defects)."""
    hazard = get_hazard(session, hazard_id)
    current = hazard.status
    target = workflow.check_hazard_transition(current, to_status, reason=reason)
    hazard.status = target.value
    hazard.closed_at = utcnow() if target in workflow.HAZARD_CLOSED else None
    if reason:
        hazard.reason = reason
    record(
        session,
        user,
        "transition",
        "hazard",
        hazard.id,
        {"from": current, "to": target.value, "reason": reason, "comment": comment},
    )
    session.flush()
    return hazard


def get_hazard(session: Session, hazard_id: int) -> Hazard:
    """The hazard with its photos; NotFound otherwise."""
    hazard = session.get(Hazard, hazard_id, options=[selectinload(Hazard.photos)])
    if hazard is None:
        raise NotFound(f"no hazard #{hazard_id}")
    return hazard


def list_hazards(
    session: Session, filters: Mapping[str, Any] | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[Hazard], int]:
    """Hazards matching ``filters`` (status, kind, grade, feeder_id, pole_id, open_only), worst first."""
    f = dict(filters or {})
    unknown = set(f) - {"status", "kind", "grade", "feeder_id", "pole_id", "open_only"}
    if unknown:
        raise InputError(f"unknown hazard filter(s): {', '.join(sorted(unknown))}")
    conds = []
    for key in ("status", "kind", "grade"):
        v = f.get(key)
        if v:
            conds.append(getattr(Hazard, key).in_([v] if isinstance(v, str) else list(v)))
    for key in ("feeder_id", "pole_id"):
        if f.get(key) is not None:
            conds.append(getattr(Hazard, key) == f[key])
    if f.get("open_only"):
        conds.append(Hazard.status.not_in([s.value for s in workflow.HAZARD_CLOSED]))
    total = session.scalar(select(func.count(Hazard.id)).where(*conds)) or 0
    from sqlalchemy import case

    rank = case(workflow.GRADE_ORDER, value=Hazard.grade, else_=1)
    items = session.scalars(
        select(Hazard)
        .where(*conds)
        .order_by(rank.desc(), Hazard.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(items), int(total)


def summary(h: Hazard) -> dict[str, Any]:
    """JSON-ready dict of a hazard."""
    return {
        "id": h.id,
        "kind": h.kind,
        "grade": h.grade,
        "status": h.status,
        "pole_id": h.pole_id,
        "feeder_id": h.feeder_id,
        "lat": h.lat,
        "lon": h.lon,
        "clearance_m": h.clearance_m,
        "required_m": h.required_m,
        "description": h.description,
        "observed_at": h.observed_at.isoformat() if h.observed_at else None,
        "reported_by": h.reported_by,
        "reason": h.reason,
    }


# --- photos (hazards and defects) ---------------------------------------------------------------

PHOTO_FOLDER = "photos"
"""Folder of the photo store under ``settings.data_dir``."""
MEDIA_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".webp": "image/webp",
}
"""Media type of each stored photo suffix."""
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
    sha = digest.hexdigest()
    relative = Path(PHOTO_FOLDER) / sha[:2] / f"{sha}{suffix}"
    dest = data_dir / relative
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{sha[:16]}-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, src.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)  # atomic: readers see the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return relative.as_posix(), sha


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
    audit-logged; NotFound for an unknown record, InputError for a file that is not an image."""
    if (hazard_id is None) == (defect_id is None):
        raise InputError("attach a photo to exactly one hazard or defect")
    if (lat is None) != (lon is None):
        raise InputError("give both lat and lon, or neither")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"position {lat}, {lon} is not a WGS-84 latitude/longitude")
    if hazard_id is not None:
        get_hazard(session, hazard_id)
        owner = Photo.hazard_id == hazard_id
    else:
        from irpatrol.registry import defects

        assert defect_id is not None
        defects.get_defect(session, defect_id)
        owner = Photo.defect_id == defect_id
    path, sha = store_photo(source, data_dir)
    existing = session.scalars(select(Photo).where(owner, Photo.sha256 == sha).order_by(Photo.id)).first()
    if existing is not None:
        return existing
    if lat is None:
        lat, lon, exif_time = _exif_position(Path(source))
        taken_at = taken_at or exif_time
    if hazard_id is not None:
        photo = Photo(path=path, sha256=sha, hazard_id=hazard_id, lat=lat, lon=lon, caption=caption)
        session.add(photo)
        session.flush()
        record(session, user, "add_photo", "hazard", hazard_id, {"photo_id": photo.id, "path": path})
    else:
        from irpatrol.registry import defects

        assert defect_id is not None
        photo = defects.add_photo(
            session, defect_id, path, user=user, sha256=sha, lat=lat, lon=lon, caption=caption
        )
    photo.taken_at = taken_at
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
