"""Images: upload into a batch (pilot); list, detail, a rendered thermal PNG and the visible photo
(any role)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from irpatrol.api.deps import IdFilter, PageDep, ReadUser, RecordId, SessionDep, SettingsDep, allowed
from irpatrol.api.listing import get_record, paginate
from irpatrol.api.schemas import ImageDetail, ImageRead, Page, UploadBatch
from irpatrol.api.uploads import BATCH_PATTERN, batch_folder, multipart_openapi, receive_files
from irpatrol.errors import InputError
from irpatrol.registry.model import Image, User
from irpatrol.registry.store import stored_file, visible_jpeg

router = APIRouter(prefix="/images", tags=["images"])

SORTABLE = {
    "id": Image.id,
    "captured_at": Image.captured_at,
    "original_name": Image.original_name,
    "t_max_c": Image.t_max_c,
    "status": Image.status,
    "pole_id": Image.pole_id,
}


@router.post(
    "",
    status_code=201,
    openapi_extra=multipart_openapi("files", many=True, description="Radiometric images (any number)"),
    responses={413: {"description": "Larger than the upload limit"}},
)
async def upload_images(
    request: Request,
    _: Annotated[User, allowed("image.upload")],
    settings: SettingsDep,
    batch: Annotated[
        str | None,
        Query(pattern=BATCH_PATTERN, description="Add to this batch (default: a new batch)"),
    ] = None,
) -> UploadBatch:
    """Stream images to the server's upload folder (pilot). The body is written to disk as it
    arrives; beyond the upload limit the request fails with 413. Then ``POST /ingest`` with the
    returned ``batch`` analyses them."""
    name = batch or uuid.uuid4().hex
    files, _fields = await receive_files(
        request, batch_folder(settings.data_dir, name), limit=settings.upload_limit_bytes
    )
    if not files:
        raise InputError("no file in the upload (send them in the multipart field 'files')")
    return UploadBatch(batch=name, files=files)


@router.get("")
def read_images(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    patrol_id: IdFilter = None,
    pole_id: IdFilter = None,
    status: Annotated[Literal["analysed", "rejected"] | None, Query()] = None,
) -> Page[ImageRead]:
    """Stored images; filter by patrol, pole or status (analysed, rejected)."""
    stmt = select(Image)
    if patrol_id is not None:
        stmt = stmt.where(Image.patrol_id == patrol_id)
    if pole_id is not None:
        stmt = stmt.where(Image.pole_id == pole_id)
    if status is not None:
        stmt = stmt.where(Image.status == status)
    return paginate(session, stmt, page, ImageRead, columns=SORTABLE)


def _image(session: Session, image_id: int) -> Image:
    return get_record(session, Image, image_id, options=[selectinload(Image.findings)])


@router.get("/{image_id}", responses={404: {"description": "No such image"}})
def read_image(image_id: RecordId, _: ReadUser, session: SessionDep) -> ImageDetail:
    """One image with its capture parameters, gimbal and findings."""
    return ImageDetail.model_validate(_image(session, image_id))


@router.get(
    "/{image_id}/thermal.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "False-colour PNG"}, 404: {}},
)
def render_image(
    image_id: RecordId,
    _: ReadUser,
    session: SessionDep,
    settings: SettingsDep,
    palette: Annotated[str, Query(max_length=32, description="Colour palette, e.g. iron")] = "iron",
    t_min: Annotated[float | None, Query(ge=-100, le=2000, description="Colour scale low end (°C)")] = None,
    t_max: Annotated[float | None, Query(ge=-100, le=2000, description="Colour scale high end (°C)")] = None,
    colorbar: bool = True,
) -> Response:
    """The image's temperatures as a false-colour PNG (with a colour bar unless turned off)."""
    from irpatrol.radiometry import read, render

    if t_min is not None and t_max is not None and t_min >= t_max:
        raise InputError("t_min must be below t_max")
    thermogram = read(stored_file(_image(session, image_id), settings.data_dir))
    png = render.render_png(thermogram.celsius, palette, t_min=t_min, t_max=t_max, colorbar=colorbar)
    return Response(content=png, media_type="image/png")


@router.get(
    "/{image_id}/visible.jpg",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "Visible photo"},
               404: {"description": "No such image, or it has no visible photo"}},
)
def visible_image(image_id: RecordId, _: ReadUser, session: SessionDep, settings: SettingsDep) -> Response:
    """The visible photo taken with the image: embedded in its file (FLIR R-JPEG) or the separate
    JPEG paired with it at ingest (DJI ``…_W.JPG`` / ``…_V.JPG``, simulated flights)."""
    from irpatrol.errors import NotFound
    from irpatrol.radiometry import read

    image = _image(session, image_id)
    path = stored_file(image, settings.data_dir)
    embedded = read(path).visible_jpeg if path is not None and path.is_file() else None
    photo = visible_jpeg(image, settings.data_dir, embedded)
    if not photo:
        raise NotFound(f"image {image_id} has no visible photo")
    return Response(content=photo, media_type="image/jpeg")
