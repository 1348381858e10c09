"""Users: the current user (any role); list and create (admin); change a role, deactivate
(admin) or one's own language (any role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlalchemy import select

from irpatrol.api.deps import AccountUser, PageDep, ReadUser, SessionDep, allowed
from irpatrol.api.listing import paginate
from irpatrol.api.schemas import Page, UserCreate, UserRead, UserUpdate
from irpatrol.registry import auth
from irpatrol.registry.model import User

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me")
def read_me(user: ReadUser) -> UserRead:
    """The user the token belongs to."""
    return UserRead.model_validate(user)


@router.get("")
def read_users(
    _: Annotated[User, allowed("user.admin")], session: SessionDep, page: PageDep
) -> Page[UserRead]:
    """All users (admin). Sort by ``id``, ``username``, ``role`` or ``created_at``."""
    columns = {"id": User.id, "username": User.username, "role": User.role, "created_at": User.created_at}
    return paginate(session, select(User), page, UserRead, columns=columns)


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "Name taken"}})
def create_user(
    body: UserCreate, admin: Annotated[User, allowed("user.admin")], session: SessionDep
) -> UserRead:
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


@router.patch(
    "/{username}",
    responses={
        404: {"description": "No such user"},
        409: {"description": "The last active admin would lose the role or be deactivated"},
    },
)
def update_user(
    username: Annotated[str, Path(min_length=1, max_length=64, description="User name")],
    body: UserUpdate,
    user: AccountUser,
    session: SessionDep,
) -> UserRead:
    """Change a user's role, active flag or language (admin; audit-logged). Any user may change
    their own language. A deactivated user's tokens stop working at once; the last active admin
    can be neither demoted nor deactivated (409)."""
    changed = auth.update_user(
        session, user, username, role=body.role, active=body.active, language=body.language
    )
    return UserRead.model_validate(changed)
