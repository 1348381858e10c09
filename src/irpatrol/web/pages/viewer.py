"""The image viewer: the thermogram on a canvas (temperatures sent as float32), hotspots with
grades, box measurement, parameter changes, and the visible photo beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import selectinload

from irpatrol.diagnosis.catalogue import catalogue
from irpatrol.errors import NotFound, ParameterError
from irpatrol.registry import judgement
from irpatrol.registry.model import Image, Patrol
from irpatrol.registry.store import stored_file, stored_visible, visible_jpeg
from irpatrol.reports.why import effective, explain
from irpatrol.web import thumbs
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep
from irpatrol.web.render import page

router = APIRouter()


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


def patrol_range(session: SessionDep, image: Image) -> tuple[float, float] | None:
    """The fixed colour range (°C) of the image's patrol, when one is set."""
    patrol = session.get(Patrol, image.patrol_id) if image.patrol_id else None
    if patrol is None or patrol.display_t_min_c is None or patrol.display_t_max_c is None:
        return None
    return patrol.display_t_min_c, patrol.display_t_max_c


@router.get("/viewer/{image_id}", response_class=HTMLResponse)
def viewer(image_id: int, request: Request, user: ReadUser, session: SessionDep, settings: SettingsDep,
           palette: str = "iron", flash: str | None = None, ok: str | None = None) -> HTMLResponse:
    """The viewer page; the canvas loads the temperatures from ``celsius.bin``."""
    image = _image(session, image_id)
    t = thumbs.load(_file(image, settings.data_dir))
    palette = palette if palette in thumbs.PALETTES else "iron"
    lang = user.language
    hotspots = [
        {"id": f.id, "x": f.bbox_x, "y": f.bbox_y, "w": f.bbox_w, "h": f.bbox_h, "t_max_c": f.t_max_c,
         "delta_t_k": f.delta_t_k, "grade": effective(f)["grade"], "automatic_grade": f.grade,
         "defect_id": f.defect_id, "rule": f.rule, "clause": f.clause,
         "contour": f.contour if f.origin else None,
         "manual": f.origin == "manual", "why": [line.__dict__ for line in explain(f, lang)]}
        for f in sorted(image.findings, key=lambda f: f.id)
    ]
    params = {k: getattr(t.params, k, None) for k in ("emissivity", "distance_m", "reflected_c")}
    fixed = patrol_range(session, image)
    kinds = [(c.kind, c.name_zh if lang == "zh" else c.name_en) for c in catalogue()]
    return page(request, session, user, "viewer.html", nav="patrols", image=image, hotspots=hotspots,
                width=t.celsius.shape[1], height=t.celsius.shape[0],
                has_visible=bool(t.visible_jpeg) or stored_visible(image, settings.data_dir) is not None,
                lut=thumbs.palette_lut(palette), palette=palette, palettes=thumbs.PALETTES, params=params,
                fixed_range=fixed, kinds=kinds, bounds=judgement.PARAM_BOUNDS, flash=flash,
                flash_kind="error", ok=ok)


@router.get("/viewer/{image_id}/celsius.bin")
def celsius(
    image_id: int,
    _: ReadUser,
    session: SessionDep,
    settings: SettingsDep,
    emissivity: Annotated[float | None, Query(ge=0.01, le=1)] = None,
    distance_m: Annotated[float | None, Query(ge=0, le=10_000)] = None,
    reflected_c: Annotated[float | None, Query(ge=-100, le=1000)] = None,
) -> Response:
    """The temperatures (°C) as little-endian float32, row by row; ``X-Width``/``X-Height`` give
    the shape. With parameters, recomputed from the raw signal (ParameterError if the format
    keeps none); the bounds are those a saved recompute is held to
    (:data:`irpatrol.registry.judgement.PARAM_BOUNDS`)."""
    t = thumbs.load(_file(_image(session, image_id), settings.data_dir))
    if emissivity is not None or distance_m is not None or reflected_c is not None:
        try:
            judgement.check_params(emissivity, distance_m, reflected_c)
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
def thermal_png(image_id: int, _: ReadUser, session: SessionDep, settings: SettingsDep,
                palette: str = "iron", w: Annotated[int, Query(ge=0, le=4000)] = 0,
                t_min: Annotated[float | None, Query(ge=-100, le=2000)] = None,
                t_max: Annotated[float | None, Query(ge=-100, le=2000)] = None,
                isotherm: Annotated[float | None, Query(ge=-100, le=2000)] = None) -> Response:
    """The thermogram in ``palette`` with its colour bar (°C scale), ``w`` px wide (0: full
    size). The scale runs over ``t_min``–``t_max`` when both are given, else the patrol's fixed
    range, else the image's own minimum and maximum; pixels above ``isotherm`` °C are marked."""
    image = _image(session, image_id)
    path = _file(image, settings.data_dir)
    palette = palette if palette in thumbs.PALETTES else "iron"
    t_range = (t_min, t_max) if t_min is not None and t_max is not None and t_min < t_max else None
    png = thumbs.thumbnail_png(str(path), path.stat().st_mtime, palette, w,
                               t_range or patrol_range(session, image), isotherm)
    return Response(png, media_type="image/png", headers=CACHE)


@router.get("/viewer/{image_id}/visible.jpg")
def visible_jpg(image_id: int, _: ReadUser, session: SessionDep, settings: SettingsDep) -> Response:
    """The visible photo embedded in the file, else the one taken with it (paired at ingest:
    irpatrol.registry.store); 404 when there is none."""
    image = _image(session, image_id)
    t = thumbs.load(_file(image, settings.data_dir))
    photo = visible_jpeg(image, settings.data_dir, t.visible_jpeg)
    if not photo:
        raise NotFound(f"image {image_id} has no visible photo")
    return Response(photo, media_type="image/jpeg", headers=CACHE)
