"""Bodies of sign-in, passwords and user administration."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from irpatrol.api.schemas.common import Language, ReadModel, Role


class Token(BaseModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    username: str
    role: Role


class UserCreate(BaseModel):
    """A new user."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    password: str = Field(min_length=8, max_length=256)
    role: Role = "viewer"
    language: Language = "en"


class PasswordChange(BaseModel):
    """A new password for the signed-in user, with the current one as proof."""

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class SessionsEnded(BaseModel):
    """How many sessions were ended."""

    ended: int


class UserUpdate(BaseModel):
    """Changes to a user; fields left out stay as they are. Only an admin may change ``role`` or
    ``active`` or another user; anyone may change their own ``language``."""

    role: Role | None = None
    active: bool | None = Field(default=None, description="False: cannot sign in, tokens stop working")
    language: Language | None = None


class UserRead(ReadModel):
    """A user (never the password hash)."""

    id: int
    username: str
    role: str
    language: str
    active: bool
    created_at: datetime
