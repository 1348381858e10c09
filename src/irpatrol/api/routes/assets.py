"""Assets: areas, feeders and poles (any role); import a CSV/GeoJSON/KML file and delete poles,
feeders and areas with a reason (admin)."""

from __future__ import annotations

import shutil
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from irpatrol.api.deps import IdFilter, PageDep, ReadUser, RecordId, SessionDep, SettingsDep, allowed
from irpatrol.api.listing import get_record, paginate
from irpatrol.api.schemas import AreaRead, Deleted, FeederRead, ImportResult, Page, PoleRead
from irpatrol.api.uploads import multipart_openapi, receive_files
from irpatrol.errors import InputError
from irpatrol.registry import assets
from irpatrol.registry.model import Feeder, Pole, User

router = APIRouter(prefix="/assets", tags=["assets"])

FEEDER_SORT = {
    "id": Feeder.id,
    "name": Feeder.name,
    "voltage_kv": Feeder.voltage_kv,
    "created_at": Feeder.created_at,
}
POLE_SORT = {"id": Pole.id, "number": Pole.number, "seq": Pole.seq, "feeder_id": Pole.feeder_id}


ReasonQuery = Annotated[str, Query(min_length=1, max_length=2000, description="Why (kept in the audit log)")]


@router.get("/areas")
def read_areas(_: ReadUser, session: SessionDep) -> list[AreaRead]:
    """Every area with its number of feeders, by name."""
    return [AreaRead.model_validate(a) for a in assets.list_areas(session)]


@router.get("/feeders")
def read_feeders(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    area_id: IdFilter = None,
) -> Page[FeederRead]:
    """Feeders, by name unless sorted otherwise."""
    stmt = select(Feeder)
    if area_id is not None:
        stmt = stmt.where(Feeder.area_id == area_id)
    return paginate(session, stmt, page, FeederRead, columns=FEEDER_SORT, default_sort="name")


@router.get("/feeders/{feeder_id}", responses={404: {"description": "No such feeder"}})
def read_feeder(feeder_id: RecordId, _: ReadUser, session: SessionDep) -> FeederRead:
    """One feeder."""
    return FeederRead.model_validate(get_record(session, Feeder, feeder_id))


@router.get("/poles")
def read_poles(
    _: ReadUser,
    session: SessionDep,
    page: PageDep,
    feeder: Annotated[str | None, Query(max_length=200, description="Feeder name")] = None,
) -> Page[PoleRead]:
    """Poles, in order along their feeder unless sorted otherwise."""
    stmt = select(Pole)
    if feeder:
        stmt = stmt.join(Feeder).where(Feeder.name == feeder)
    return paginate(session, stmt, page, PoleRead, columns=POLE_SORT, default_sort="feeder_id,seq")


@router.get("/poles/{pole_id}", responses={404: {"description": "No such pole"}})
def read_pole(pole_id: RecordId, _: ReadUser, session: SessionDep) -> PoleRead:
    """One pole."""
    return PoleRead.model_validate(get_record(session, Pole, pole_id))


@router.post(
    "/import",
    openapi_extra=multipart_openapi("file", many=False, description="A CSV, GeoJSON or KML asset file"),
    responses={413: {"description": "Larger than the upload limit"}},
)
async def import_assets(
    request: Request, admin: Annotated[User, allowed("asset.import")], session: SessionDep,
    settings: SettingsDep
) -> ImportResult:
    """Import poles and feeders (admin). Re-importing updates by external id, never duplicates;
    a bad row names its line and field and changes nothing."""
    folder = settings.data_dir / "imports" / uuid.uuid4().hex
    try:
        files, _ = await receive_files(request, folder, limit=settings.upload_limit_bytes)
        if len(files) != 1:
            raise InputError(f"send exactly one asset file in the field 'file' (got {len(files)})")
        result = await run_in_threadpool(
            assets.import_assets, session, folder / files[0].name, user=admin.username
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ImportResult(summary=result.to_dict())


@router.delete(
    "/poles/{pole_id}",
    responses={404: {"description": "No such pole"}, 409: {"description": "Records refer to the pole"}},
)
def delete_pole(
    pole_id: RecordId,
    admin: Annotated[User, allowed("asset.delete")],
    session: SessionDep,
    reason: ReasonQuery,
) -> Deleted:
    """Delete a pole nothing refers to (admin); its last values and the reason stay in the audit log."""
    assets.delete_pole(session, pole_id, reason=reason, user=admin.username)
    return Deleted(kind="pole", id=pole_id, reason=reason)


@router.delete(
    "/feeders/{feeder_id}",
    responses={
        404: {"description": "No such feeder"},
        409: {"description": "Open defects or other records refer to the feeder"},
    },
)
def delete_feeder(
    feeder_id: RecordId, admin: Annotated[User, allowed("asset.delete")], session: SessionDep,
    reason: ReasonQuery
) -> Deleted:
    """Delete a feeder with its poles (admin): refused while it has open defects or any history
    (images, findings, defects, hazards, patrols). Its last values, its poles and the reason stay
    in the audit log."""
    assets.delete_feeder(session, feeder_id, reason=reason, user=admin.username)
    return Deleted(kind="feeder", id=feeder_id, reason=reason)


@router.delete(
    "/areas/{area_id}",
    responses={
        404: {"description": "No such area"},
        409: {"description": "Feeders, crews or pilots still belong to the area"},
    },
)
def delete_area(
    area_id: RecordId, admin: Annotated[User, allowed("asset.delete")], session: SessionDep,
    reason: ReasonQuery
) -> Deleted:
    """Delete an area no feeder, crew or pilot belongs to (admin); its name and the reason stay in
    the audit log."""
    assets.delete_area(session, area_id, reason=reason, user=admin.username)
    return Deleted(kind="area", id=area_id, reason=reason)
