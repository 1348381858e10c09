"""Assets (feeders and poles, import with the row errors shown) and, for admins, users and roles."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from irpatrol.errors import IrPatrolError
from irpatrol.registry import auth
from irpatrol.registry.assets import import_assets
from irpatrol.registry.model import Area, Feeder, Pole, User
from irpatrol.web.deps import ReadUser, SessionDep, allowed
from irpatrol.web.i18n import error_text, t
from irpatrol.web.render import NavItem, page

router = APIRouter()
NAV = (NavItem("assets", "/assets", 70), NavItem("users", "/users", 110, admin=True))
"""This page's link(s) in the navigation bar."""
_UNSAFE = re.compile(r"[^\w.-]+")


def safe_upload_name(filename: str | None, default: str = "upload.csv") -> str:
    """A sent file name reduced to its last part without unusual characters, never empty, ``.``,
    ``..`` or hidden (the suffix, which says the format, is kept)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")[:200]
    return cleaned or default


def _assets_page(request: Request, user: User, session: SessionDep, **extra: Any) -> HTMLResponse:
    feeders = session.execute(
        select(Feeder, Area.name, func.count(Pole.id))
        .outerjoin(Area, Feeder.area_id == Area.id)
        .outerjoin(Pole, Pole.feeder_id == Feeder.id)
        .group_by(Feeder.id, Area.name)
        .order_by(Area.name, Feeder.name)
    ).all()
    return page(request, session, user, "assets.html", nav="assets", feeders=feeders, **extra)


@router.get("/assets", response_class=HTMLResponse)
def assets(request: Request, user: ReadUser, session: SessionDep) -> HTMLResponse:
    """Feeders by area with their pole counts, and the import form."""
    return _assets_page(request, user, session)


@router.post("/assets/import", response_class=HTMLResponse)
async def import_file(request: Request, user: Annotated[User, allowed("asset.import")], session: SessionDep,
                      file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Import a CSV, GeoJSON or KML asset file; a bad row is shown with its line and field."""
    name = safe_upload_name(file.filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:  # the form parser spooled it to disk; copy in chunks
            shutil.copyfileobj(file.file, out, 1 << 20)
        try:
            result = import_assets(session, path, user=user.username)
        except IrPatrolError as exc:
            session.rollback()
            return _assets_page(request, user, session, row_errors=[str(exc)])
    return _assets_page(request, user, session, imported=result.to_dict())


@router.get("/users", response_class=HTMLResponse)
def users(
    request: Request, user: Annotated[User, allowed("user.admin")], session: SessionDep
) -> HTMLResponse:
    """Every user with their role and language (admins only)."""
    return _users_page(request, user, session)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request, user: Annotated[User, allowed("user.admin")], session: SessionDep,
    username: Annotated[str, Form()], password: Annotated[str, Form()], role: Annotated[str, Form()],
    language: Annotated[str, Form()] = "en"
) -> HTMLResponse:
    """Create a user; a taken name or a short password is shown on the page."""
    try:
        auth.add_user(session, username, role=role, password=password, language=language, by=user.username)
    except IrPatrolError as exc:
        session.rollback()
        return _users_page(request, user, session, flash=error_text(exc.message, user.language))
    return _users_page(request, user, session, flash=username, flash_kind="ok")


@router.post("/users/{username}/role", response_class=HTMLResponse)
def set_role(
    username: str, request: Request, user: Annotated[User, allowed("user.admin")], session: SessionDep,
    role: Annotated[str, Form()]
) -> HTMLResponse:
    """Give ``username`` another role (``auth.set_role``: audit-logged, never the last admin's)."""
    return _change(request, user, session, username, f"{username}: {t('role_' + role, user.language)}",
                   role=role)


@router.post("/users/{username}/active", response_class=HTMLResponse)
def set_active(
    username: str, request: Request, user: Annotated[User, allowed("user.admin")], session: SessionDep,
    active: Annotated[bool, Form()]
) -> HTMLResponse:
    """Activate or deactivate ``username`` (``auth.set_active``: their tokens stop working)."""
    done = t("activate" if active else "deactivate", user.language)
    return _change(request, user, session, username, f"{username}: {done}", active=active)


def _change(request: Request, user: User, session: SessionDep, username: str, done: str,
            **change: object) -> HTMLResponse:
    try:
        auth.update_user(session, user, username, **change)  # type: ignore[arg-type]
    except IrPatrolError as exc:
        session.rollback()
        return _users_page(request, user, session, flash=error_text(exc.message, user.language))
    session.commit()
    return _users_page(request, user, session, flash=done, flash_kind="ok")


def _users_page(request: Request, user: User, session: SessionDep, **extra: Any) -> HTMLResponse:
    rows = session.scalars(select(User).order_by(User.username)).all()
    return page(request, session, user, "users.html", nav="users", users=rows, roles=auth.ROLES, **extra)
