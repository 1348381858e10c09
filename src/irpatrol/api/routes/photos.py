"""Photos kept as evidence of hazards and defects: download one (any role). Uploading is a
route of the hazard or defect it belongs to (``POST /hazards/{id}/photos``,
``POST /defects/{id}/photos``); both go through :func:`receive_photos`."""

from __future__ import annotations

import shutil
import uuid

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from irpatrol.api.deps import ReadUser, RecordId, SessionDep, SettingsDep
from irpatrol.api.uploads import multipart_openapi, receive_files
from irpatrol.config import Settings
from irpatrol.errors import InputError
from irpatrol.registry import defects, hazards
from irpatrol.registry import photos as photo_store
from irpatrol.registry.model import Photo

router = APIRouter(prefix="/photos", tags=["photos"])

PHOTO_UPLOAD = multipart_openapi(
    "files", many=True, description="Photos (JPEG, PNG, TIFF or WebP); optional form fields lat, lon, caption"
)
"""``openapi_extra`` of the photo upload routes."""


def _coordinate(fields: dict[str, str], name: str) -> float | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"form field {name!r} is not a number: {text[:40]!r}") from None


async def receive_photos(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    user: str,
    hazard_id: int | None = None,
    defect_id: int | None = None,
) -> list[Photo]:
    """Stream the request's photos (field ``files``; form fields ``lat``, ``lon``, ``caption``
    apply to all) to a scratch folder, then attach each to the hazard or defect through
    :func:`irpatrol.registry.photos.attach_photo`, which keeps them in the photo store. NotFound
    before anything is read when the hazard or defect does not exist; the session is expired
    afterwards so the record is read again with its new photos."""
    if hazard_id is not None:
        await run_in_threadpool(hazards.get_hazard, session, hazard_id)
    elif defect_id is not None:
        await run_in_threadpool(defects.get_defect, session, defect_id)
    folder = settings.data_dir / photo_store.PHOTO_FOLDER / ".incoming" / uuid.uuid4().hex
    try:
        files, fields = await receive_files(request, folder, limit=settings.upload_limit_bytes)
        if not files:
            raise InputError("no file in the upload (send them in the multipart field 'files')")
        lat, lon = _coordinate(fields, "lat"), _coordinate(fields, "lon")
        caption = fields.get("caption", "").strip()[:2000] or None
        photos = []
        for f in files:
            photo = await run_in_threadpool(
                photo_store.attach_photo,
                session,
                folder / f.name,
                data_dir=settings.data_dir,
                hazard_id=hazard_id,
                defect_id=defect_id,
                lat=lat,
                lon=lon,
                caption=caption,
                user=user,
            )
            photos.append(photo)
        session.expire_all()
        return photos
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get(
    "/{photo_id}",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/*": {}}, "description": "The photo"},
        404: {"description": "No such photo"},
    },
)
def read_photo(photo_id: RecordId, _: ReadUser, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """The file of a photo (JPEG, PNG, TIFF or WebP as stored)."""
    path, media_type = photo_store.photo_file(photo_store.get_photo(session, photo_id), settings.data_dir)
    return FileResponse(path, media_type=media_type)
