"""Background ingest: start a job (analyst) and follow its progress (any role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from irpatrol.api.deps import PageDep, ReadUser, RecordId, SessionDep, SettingsDep, allowed
from irpatrol.api.schemas import IngestRequest, JobRead, Page
from irpatrol.api.uploads import batch_folder, folder_inside
from irpatrol.errors import InputError
from irpatrol.ingest import jobs
from irpatrol.registry.listing import PageRequest, Sorting, search_page
from irpatrol.registry.model import Job, User
from irpatrol.registry.patrols import entered_weather

router = APIRouter(tags=["ingest"])
NEWEST_FIRST = Sorting(columns={"id": Job.id}, default="-id")
"""Jobs are listed newest first."""


@router.post(
    "/ingest",
    status_code=status.HTTP_202_ACCEPTED,
    responses={404: {"description": "No such feeder"}},
)
def start_ingest(
    body: IngestRequest, request: Request, user: Annotated[User, allowed("ingest")], session: SessionDep,
    settings: SettingsDep
) -> JobRead:
    """Analyse an upload batch (or a folder under the data folder) in the background (analyst):
    decode, match each image to a pole of the feeder, find hotspots, diagnose, record findings
    and defects. Poll ``GET /jobs/{id}`` for progress. Re-ingesting the same files adds nothing.
    An upload batch is deleted once its job is done (its images are in the image store); a failed
    job keeps it, so the same batch can be ingested again. Weather and the feeder's load current,
    when given, are the patrol's (they win over the images' metadata)."""
    if (body.batch is None) == (body.folder is None):
        raise InputError("give exactly one of 'batch' and 'folder'")
    if body.batch is not None:
        folder = batch_folder(settings.data_dir, body.batch)
    else:
        folder = folder_inside(settings.data_dir, body.folder or "")
    job = jobs.start_ingest(
        session,
        request.app.state.jobs,
        folder=folder,
        feeder=body.feeder,
        date=body.date,
        crew=body.crew,
        user_id=user.id,
        upload=body.batch is not None,
        weather=entered_weather(
            body.feeder, ambient_c=body.ambient_c, humidity_pct=body.humidity_pct, wind_m_s=body.wind_m_s,
            rain=body.rain, load_current_a=body.load_current_a,
        ),
    )
    return JobRead.model_validate(job)


@router.get("/jobs")
def read_jobs(_: ReadUser, session: SessionDep, page: PageDep) -> Page[JobRead]:
    """Background jobs, newest first."""
    newest = PageRequest(page=page.page, per_page=page.per_page)  # the only order: ``sort`` is not read
    found = search_page(session, select(Job), newest, NEWEST_FIRST)
    return Page[JobRead](
        items=[JobRead.model_validate(j) for j in found.items], total=found.total, page=found.page,
        per_page=found.per_page,
    )


@router.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def read_job(job_id: RecordId, _: ReadUser, session: SessionDep) -> JobRead:
    """A job's status (queued, running, done, failed), progress (``done`` of ``total``), result
    or error."""
    return JobRead.model_validate(jobs.get_job(session, job_id))
