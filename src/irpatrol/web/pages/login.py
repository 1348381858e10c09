"""Signing in (throttled) and out (the server-side session ends), the password page with "sign
out everywhere", and the language switch (stored on the user)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from irpatrol.config import Settings, ensure_secret_key
from irpatrol.errors import IrPatrolError
from irpatrol.registry import auth
from irpatrol.registry.model import User
from irpatrol.web.deps import COOKIE, AccountUser, SessionDep, SettingsDep, allowed
from irpatrol.web.i18n import LANGUAGES, error_text
from irpatrol.web.render import PREFIX, page

router = APIRouter()


def _safe_next(next_url: str | None) -> str:
    """Only same-site paths are followed after signing in."""
    if next_url and next_url.startswith(PREFIX) and not next_url.startswith("//"):
        return next_url
    return f"{PREFIX}/"


@router.get("/login", response_class=HTMLResponse, dependencies=[allowed("public")])
def login_form(request: Request, session: SessionDep, next: str | None = None,
               lang: str = "en") -> HTMLResponse:
    """The sign-in form."""
    return page(request, session, None, "login.html", lang=lang, next=_safe_next(next), failed=False)


@router.post("/login", response_model=None, dependencies=[allowed("public")])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
    lang: Annotated[str, Form()] = "en",
) -> HTMLResponse | RedirectResponse:
    """Check the credentials, set the token cookie and go on to ``next``."""
    address = request.client.host if request.client else None
    try:
        user = auth.sign_in(session, username, password, address)
    except auth.LoginThrottled as exc:
        response = page(request, session, None, "login.html", lang=lang, status_code=429,
                        next=_safe_next(next), failed=False, throttled=exc.retry_after_s, username=username)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except auth.AuthenticationFailed:
        return page(request, session, None, "login.html", lang=lang, status_code=401, next=_safe_next(next),
                    failed=True, username=username)
    token = auth.start_session(session, user, ensure_secret_key(settings), kind="web")
    session.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)  # type: ignore[assignment]
    response.set_cookie(COOKIE, token, max_age=auth.TOKEN_TTL_S, httponly=True, samesite="lax", path="/",
                        secure=cookie_secure(request, settings))
    return response


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Whether cookies get ``Secure``: ``IRPATROL_COOKIE_SECURE`` when set, else when the request
    came over HTTPS (uvicorn sets the scheme from a trusted proxy's ``X-Forwarded-Proto``)."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


@router.post("/logout", dependencies=[allowed("public")])  # ends the cookie's session if any
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> RedirectResponse:
    """End the session (the cookie stops working everywhere at once) and forget the cookie."""
    token = request.cookies.get(COOKIE)
    if token:
        auth.end_session(session, token, ensure_secret_key(settings))
        session.commit()
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, user: AccountUser, session: SessionDep) -> HTMLResponse:
    """Change one's password; sign out everywhere."""
    return page(request, session, user, "password.html", nav="password")


@router.post("/password", response_model=None)
def change_password(
    request: Request, user: AccountUser, session: SessionDep,
    current_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
    repeat_password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse | RedirectResponse:
    """Check the current password and the policy, set the new one and end every session (this one
    too: the user signs in again with the new password)."""
    problem = None
    if not auth.verify_password(user.password_hash, current_password):
        problem = "wrong current password"
    elif new_password != repeat_password:
        problem = "the two new passwords differ"
    else:
        try:
            auth.change_password(session, user, new_password, by=user.username)
        except IrPatrolError as exc:
            session.rollback()
            problem = exc.message
    if problem is not None:
        return page(request, session, user, "password.html", nav="password", status_code=422,
                    flash=error_text(problem, user.language))
    session.commit()
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/sessions/end")
def end_my_sessions(user: AccountUser, session: SessionDep) -> RedirectResponse:
    """Sign out everywhere: end every session of the signed-in user, this one included."""
    auth.end_all_sessions(session, user, by=user.username)
    session.commit()
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/users/{username}/sessions/end", response_model=None)
def end_user_sessions(
    username: str, user: Annotated[User, allowed("user.admin")], session: SessionDep
) -> RedirectResponse:
    """An admin signs ``username`` out everywhere."""
    target = auth.get_user(session, username)
    assert target is not None
    auth.end_all_sessions(session, target, by=user.username)
    session.commit()
    return RedirectResponse(f"{PREFIX}/users?ok=1", status_code=303)


@router.post("/lang/{lang}")
def set_language(lang: str, request: Request, user: AccountUser, session: SessionDep) -> RedirectResponse:
    """Store the user's language and go back to the page they were on."""
    if lang in LANGUAGES:
        auth.set_language(session, user.username, lang, by=user.username)
        session.commit()  # before the redirect: the browser reads the page at once
    back = urlsplit(request.headers.get("referer") or "")
    path = back.path + (f"?{back.query}" if back.query else "")
    return RedirectResponse(_safe_next(path), status_code=303)
