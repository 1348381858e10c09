"""Users: the current user (any role); list and create (admin)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from irpatrol.api.deps import AdminUser, PageDep, SessionDep, ViewerUser
from irpatrol.api.listing import paginate
from irpatrol.api.schemas import Page, UserCreate, UserRead
from irpatrol.registry import auth
from irpatrol.registry.model import User

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me")
def read_me(user: ViewerUser) -> UserRead:
    """The user the token belongs to."""
    return UserRead.model_validate(user)


@router.get("")
def read_users(_: AdminUser, session: SessionDep, page: PageDep) -> Page[UserRead]:
    """All users (admin). Sort by ``id``, ``username``, ``role`` or ``created_at``."""
    columns = {"id": User.id, "username": User.username, "role": User.role, "created_at": User.created_at}
    return Page[UserRead].model_validate(
        paginate(session, select(User), page, columns=columns), from_attributes=True
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "Name taken"}})
def create_user(body: UserCreate, admin: AdminUser, session: SessionDep) -> UserRead:
    """Create a user (admin)."""
    user = auth.add_user(
        session,
        body.username,
        role=body.role,
        password=body.password,
        language=body.language,
        by=admin.username,
    )
    return UserRead.model_validate(user)
