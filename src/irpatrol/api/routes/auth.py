"""``POST /auth/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from irpatrol.api.deps import SessionDep, SettingsDep
from irpatrol.api.schemas import Token
from irpatrol.registry import auth

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/token",
    responses={401: {"description": "Wrong username or password"}},
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> Token:
    """OAuth2 password flow (form fields ``username`` and ``password``) → a bearer token."""
    user = auth.authenticate(session, form.username, form.password)
    token = auth.create_token(user, settings.secret_key)
    return Token.model_validate(
        {"access_token": token, "expires_in": auth.TOKEN_TTL_S, "username": user.username, "role": user.role}
    )
