"""Flight upload in the browser: many files (or a folder) sent one by one into an upload batch,
resumable (files already received are skipped), then the background ingest job with its
progress, each rejected file with its reason, and the patrol's summary at the end."""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy import select

from irpatrol.errors import InputError, IrPatrolError, NotFound
from irpatrol.http_errors import status_for
from irpatrol.ingest import jobs
from irpatrol.registry.model import Feeder, User
from irpatrol.registry.patrols import entered_weather
from irpatrol.web.deps import ReadUser, SessionDep, SettingsDep, allowed
from irpatrol.web.i18n import error_text
from irpatrol.web.pages.judgement import form_float
from irpatrol.web.render import PREFIX, page

router = APIRouter()
BATCH = re.compile(r"[A-Za-z0-9_-]{1,64}")
NAME = re.compile(r"[^/\\\x00-\x1f]{1,200}")


def _batch(data_dir: Path, batch: str) -> Path:
    if not BATCH.fullmatch(batch):
        raise InputError(f"bad upload batch name {batch!r}")
    return data_dir / "uploads" / batch


def _name(name: str) -> str:
    """A file's name inside the batch: its base name (folders flattened), nothing hidden."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not NAME.fullmatch(base) or base.startswith(".") or base.endswith(".part"):
        raise InputError(f"bad file name {name!r}")
    return base


@router.get("/upload", response_class=HTMLResponse, response_model=None)
def upload_page(request: Request, user: Annotated[User, allowed("flight.upload")], session: SessionDep,
                batch: str | None = None) -> HTMLResponse | RedirectResponse:
    """The upload form; a new batch id when none is given (reloading resumes the same batch)."""
    if not batch or not BATCH.fullmatch(batch):
        return RedirectResponse(f"{PREFIX}/upload?batch={secrets.token_hex(8)}", status_code=303)
    feeders = session.scalars(select(Feeder.name).order_by(Feeder.name)).all()
    return page(request, session, user, "upload.html", nav="patrols", batch=batch, feeders=feeders,
                today=date.today().isoformat())


@router.get("/upload/{batch}/files")
def batch_files(
    batch: str, _: Annotated[User, allowed("flight.upload")], settings: SettingsDep
) -> JSONResponse:
    """The files already received in the batch (name and size), so a resumed upload skips them."""
    folder = _batch(settings.data_dir, batch)
    files = [{"name": p.name, "size": p.stat().st_size} for p in jobs.upload_files(folder)]
    return JSONResponse({"files": files})


@router.post("/upload/{batch}/files")
async def receive_file(
    batch: str, request: Request, user: Annotated[User, allowed("flight.upload")], settings: SettingsDep,
    name: str
) -> JSONResponse:
    """One file's bytes (the request body) into the batch; written to ``.part`` and renamed, so
    the ingest never sees half a file."""
    try:
        folder = _batch(settings.data_dir, batch)
        target = folder / _name(name)
        folder.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        size = 0
        with part.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > settings.upload_limit_bytes:
                    raise InputError(f"{target.name}: larger than the upload limit of "
                                     f"{settings.upload_limit_bytes} bytes")
                out.write(chunk)
        part.replace(target)
    except IrPatrolError as exc:
        if "part" in locals():
            part.unlink(missing_ok=True)
        return JSONResponse({"error": error_text(exc.message, user.language)}, status_code=status_for(exc))
    return JSONResponse({"name": target.name, "size": size})


def _runner(request: Request, settings: Any, sessions: Any) -> jobs.JobRunner:
    runner = getattr(request.app.state, "jobs", None)
    if runner is None:  # pages installed without the API's runner (tests): one of its own
        runner = jobs.ThreadRunner(settings, sessions)
        request.app.state.jobs = runner
    return runner


@router.post("/upload/{batch}/ingest")
def start(
    batch: str, request: Request, user: Annotated[User, allowed("flight.upload")], session: SessionDep,
    settings: SettingsDep, feeder: Annotated[str, Form()], day: Annotated[str, Form(alias="date")],
    crew: Annotated[str | None, Form()] = None, ambient_c: Annotated[str | None, Form(max_length=40)] = None,
    humidity_pct: Annotated[str | None, Form(max_length=40)] = None,
    wind_m_s: Annotated[str | None, Form(max_length=40)] = None,
    rain: Annotated[str | None, Form(max_length=10)] = None,
    load_current_a: Annotated[str | None, Form(max_length=40)] = None
) -> JSONResponse:
    """Start the ingest job of the batch; its id to follow. The weather and the feeder's load
    current typed in the form (each optional, checked against
    :data:`irpatrol.registry.patrols.WEATHER_RANGES`) are the patrol's: they win over what the
    images' metadata recorded, and are audited as entered."""
    try:
        folder = _batch(settings.data_dir, batch)
        if not jobs.upload_files(folder):
            raise InputError("no files were uploaded")
        try:
            when = date.fromisoformat(day)
        except ValueError:
            raise InputError(f"date: expected YYYY-MM-DD, got {day!r}") from None
        weather = entered_weather(
            feeder, ambient_c=form_float(ambient_c, "ambient_c"),
            humidity_pct=form_float(humidity_pct, "humidity_pct"), wind_m_s=form_float(wind_m_s, "wind_m_s"),
            rain=(rain or "").strip().lower() in ("1", "on", "true", "yes"),
            load_current_a=form_float(load_current_a, "load_current_a"))
        job = jobs.start_ingest(session, _runner(request, settings, request.app.state.session_factory),
                                folder=folder, feeder=feeder, date=when, crew=(crew or "").strip() or None,
                                user_id=user.id, upload=True, weather=weather)
    except IrPatrolError as exc:
        session.rollback()
        return JSONResponse({"error": error_text(exc.message, user.language)}, status_code=status_for(exc))
    return JSONResponse({"job_id": job.id})


@router.get("/jobs/{job_id}/progress")
def job_progress(job_id: int, user: ReadUser, session: SessionDep) -> JSONResponse:
    """A job's status, progress, rejected files with their reasons, and the patrol it made."""
    try:
        job = jobs.get_job(session, job_id)
    except NotFound as exc:
        return JSONResponse({"error": error_text(exc.message, user.language)}, status_code=status_for(exc))
    result = job.result or {}
    return JSONResponse({
        "status": job.status, "done": job.done, "total": job.total,
        "error": error_text(job.error, user.language) if job.error else None,
        "patrol_id": result.get("patrol_id"),
        "rejected_files": [[r.get("file"), r.get("reason")] if isinstance(r, dict) else list(r)
                           for r in result.get("rejected_files") or []],
        "summary": {k: result.get(k) for k in ("files", "analysed", "rejected", "unmatched", "findings",
                                               "defects_opened", "defects_joined", "km_flown")},
    })
