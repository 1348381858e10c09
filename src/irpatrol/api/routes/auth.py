"""``POST /auth/token``: exchange a username and password for a bearer token (throttled);
``POST /auth/logout`` ends the token's session, ``POST /auth/logout-all`` every session of the
user ("sign out everywhere"), ``POST /auth/password`` changes one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from irpatrol.api.deps import AccountUser, SessionDep, SettingsDep, allowed, oauth2_scheme
from irpatrol.api.schemas import PasswordChange, SessionsEnded, Token
from irpatrol.config import ensure_secret_key
from irpatrol.registry import auth

router = APIRouter(prefix="/auth", tags=["auth"])


def client_address(request: Request) -> str | None:
    """The address the request came from (the proxy's when behind one; uvicorn's
    ``--forwarded-allow-ips`` decides whether ``X-Forwarded-For`` is trusted)."""
    return request.client.host if request.client else None


@router.post(
    "/token",
    dependencies=[allowed("public")],
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed sign-ins: wait Retry-After seconds"},
    },
)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """OAuth2 password flow (form fields ``username`` and ``password``) → a bearer token naming a
    new server-side session. Failed attempts are counted per account and per client address;
    past five, each waits longer (429 with ``Retry-After``) and is audit-logged."""
    user = auth.sign_in(session, form.username, form.password, client_address(request))
    token = auth.start_session(session, user, ensure_secret_key(settings), kind="api")
    return Token.model_validate(
        {"access_token": token, "expires_in": auth.TOKEN_TTL_S, "username": user.username, "role": user.role}
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    _: AccountUser, session: SessionDep, settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """End the session of this token: it stops working at once."""
    if token:
        auth.end_session(session, token, ensure_secret_key(settings))


@router.post("/logout-all")
def logout_all(user: AccountUser, session: SessionDep) -> SessionsEnded:
    """End every session of the signed-in user (on every device), this one included."""
    return SessionsEnded(ended=auth.end_all_sessions(session, user, by=user.username))


@router.post("/password", responses={401: {"description": "Wrong current password"}})
def change_password(body: PasswordChange, user: AccountUser, session: SessionDep) -> SessionsEnded:
    """Change one's own password (policy: length, not the user name, not easily guessed); every
    session of the user ends, so sign in again."""
    if not auth.verify_password(user.password_hash, body.current_password):
        raise auth.AuthenticationFailed("wrong current password")
    return SessionsEnded(ended=auth.change_password(session, user, body.new_password, by=user.username))

