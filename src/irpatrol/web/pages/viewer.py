"""The image viewer: the thermogram on a canvas (temperatures sent as float32), hotspots with
grades, box measurement, parameter changes, and the visible photo beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from irpatrol.errors import NotFound, ParameterError
from irpatrol.registry import findings
from irpatrol.registry.model import Image
from irpatrol.registry.permissions import role_for
from irpatrol.reports.images import stored_file
from irpatrol.web import thumbs
from irpatrol.web.deps import SessionDep, SettingsDep, WebUser, require
from irpatrol.web.render import page

router = APIRouter()


class RecomputeBody(BaseModel):
    """New capture parameters (bounds of :mod:`irpatrol.registry.findings`)."""

    emissivity: float | None = Field(default=None, ge=0.01, le=1, allow_inf_nan=False)
    distance_m: float | None = Field(default=None, ge=0, le=10_000, allow_inf_nan=False)
    reflected_c: float | None = Field(default=None, ge=-100, le=1000, allow_inf_nan=False)


CACHE = {"Cache-Control": "private, max-age=3600"}


def _image(session: SessionDep, image_id: int) -> Image:
    image = session.get(Image, image_id, options=[selectinload(Image.findings), selectinload(Image.pole)])
    if image is None:
        raise NotFound(f"no image {image_id}")
    return image


def _file(image: Image, data_dir: Path) -> Path:
    path = stored_file(image, data_dir)
    if path is None or not path.is_file():
        raise NotFound(f"the file of image {image.id} is not stored")
    return path


@router.get("/viewer/{image_id}", response_class=HTMLResponse)
def viewer(image_id: int, request: Request, user: WebUser, session: SessionDep, settings: SettingsDep,
           palette: str = "iron") -> HTMLResponse:
    """The viewer page; the canvas loads the temperatures from ``celsius.bin``."""
    image = _image(session, image_id)
    t = thumbs.load(_file(image, settings.data_dir))
    palette = palette if palette in thumbs.PALETTES else "iron"
    hotspots = [
        {"id": f.id, "x": f.bbox_x, "y": f.bbox_y, "w": f.bbox_w, "h": f.bbox_h, "t_max_c": f.t_max_c,
         "delta_t_k": f.delta_t_k, "grade": f.grade, "defect_id": f.defect_id, "rule": f.rule,
         "clause": f.clause}
        for f in image.findings
    ]
    params = {k: getattr(t.params, k, None) for k in ("emissivity", "distance_m", "reflected_c")}
    return page(request, session, user, "viewer.html", nav="patrols", image=image, hotspots=hotspots,
                width=t.celsius.shape[1], height=t.celsius.shape[0], has_visible=bool(t.visible_jpeg),
                lut=thumbs.palette_lut(palette), palette=palette, palettes=thumbs.PALETTES, params=params)


@router.get("/viewer/{image_id}/celsius.bin")
def celsius(
    image_id: int,
    _: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    emissivity: Annotated[float | None, Query(ge=0.01, le=1)] = None,
    distance_m: Annotated[float | None, Query(ge=0, le=10_000)] = None,
    reflected_c: Annotated[float | None, Query(ge=-100, le=1000)] = None,
) -> Response:
    """The temperatures (°C) as little-endian float32, row by row; ``X-Width``/``X-Height`` give
    the shape. With parameters, recomputed from the raw signal (ParameterError if the format
    keeps none)."""
    t = thumbs.load(_file(_image(session, image_id), settings.data_dir))
    if emissivity is not None or distance_m is not None or reflected_c is not None:
        try:
            findings.check_recompute_params(emissivity, distance_m, reflected_c)
            t = t.with_params(emissivity=emissivity, distance_m=distance_m, reflected_c=reflected_c)
        except (ZeroDivisionError, OverflowError, FloatingPointError) as exc:
            return Response(f"these parameters give no finite temperature: {exc}", status_code=422,
                            media_type="text/plain")
        except ParameterError as exc:
            return Response(str(exc), status_code=422, media_type="text/plain")
    h, w = t.celsius.shape
    headers = {"X-Width": str(w), "X-Height": str(h), **CACHE}
    return Response(thumbs.celsius_bytes(t), media_type="application/octet-stream", headers=headers)


@router.get("/viewer/{image_id}/thermal.png")
def thermal_png(image_id: int, _: WebUser, session: SessionDep, settings: SettingsDep,
                palette: str = "iron", w: Annotated[int, Query(ge=0, le=4000)] = 0) -> Response:
    """The thermogram in ``palette`` (no colour bar), ``w`` px wide (0: full size)."""
    path = _file(_image(session, image_id), settings.data_dir)
    palette = palette if palette in thumbs.PALETTES else "iron"
    png = thumbs.thumbnail_png(str(path), path.stat().st_mtime, palette, w)
    return Response(png, media_type="image/png", headers=CACHE)


@router.get("/viewer/{image_id}/visible.jpg")
def visible_jpg(image_id: int, _: WebUser, session: SessionDep, settings: SettingsDep) -> Response:
    """The visible photo embedded in the file; 404 when there is none."""
    t = thumbs.load(_file(_image(session, image_id), settings.data_dir))
    if not t.visible_jpeg:
        raise NotFound(f"image {image_id} has no visible photo")
    return Response(t.visible_jpeg, media_type="image/jpeg", headers=CACHE)


@router.post("/findings/{finding_id}/recompute")
def recompute(
    finding_id: int,
    user: Annotated[Any, Depends(require(role_for("finding.recompute")))],
    session: SessionDep,
    settings: SettingsDep,
    body: Annotated[RecomputeBody, Body()],
) -> dict[str, Any]:
    """The viewer's recompute (same rule and validation as ``POST /findings/{id}/recompute`` of
    the API, authenticated by the session cookie and the CSRF header instead of a token in the
    page): the finding's temperatures, ΔT and grade after the change."""
    f = findings.recompute(session, finding_id, emissivity=body.emissivity, distance_m=body.distance_m,
                           reflected_c=body.reflected_c, data_dir=settings.data_dir, user=user.username)
    session.commit()
    return {"id": f.id, "t_max_c": f.t_max_c, "delta_t_k": f.delta_t_k, "grade": f.grade}
