"""Signing in and out, and the language switch (stored on the user)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from irpatrol.registry import auth
from irpatrol.web.deps import COOKIE, SessionDep, SettingsDep, WebUser
from irpatrol.web.i18n import LANGUAGES
from irpatrol.web.render import PREFIX, page

router = APIRouter()


def _safe_next(next_url: str | None) -> str:
    """Only same-site paths are followed after signing in."""
    if next_url and next_url.startswith(PREFIX) and not next_url.startswith("//"):
        return next_url
    return f"{PREFIX}/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str | None = None,
               lang: str = "en") -> HTMLResponse:
    """The sign-in form."""
    return page(request, session, None, "login.html", lang=lang, next=_safe_next(next), failed=False)


@router.post("/login", response_model=None)
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
    try:
        user = auth.authenticate(session, username, password)
    except auth.AuthenticationFailed:
        return page(request, session, None, "login.html", lang=lang, status_code=401, next=_safe_next(next),
                    failed=True, username=username)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, auth.create_token(user, settings.secret_key), max_age=auth.TOKEN_TTL_S,
                        httponly=True, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the token cookie."""
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/lang/{lang}")
def set_language(lang: str, request: Request, user: WebUser, session: SessionDep) -> RedirectResponse:
    """Store the user's language and go back to the page they were on."""
    if lang in LANGUAGES:
        auth.set_language(session, user.username, lang, by=user.username)
        session.commit()  # before the redirect: the browser reads the page at once
    back = urlsplit(request.headers.get("referer") or "")
    path = back.path + (f"?{back.query}" if back.query else "")
    return RedirectResponse(_safe_next(path), status_code=303)
