"""Cross-site request forgery protection of every page request that changes something.

Every response under ``/ui`` carries a random CSRF token in the ``irpatrol_csrf`` cookie
(HttpOnly, SameSite=Strict) when the browser has none yet; pages put the same token in
``<meta name="csrf-token">`` of the base layout, and ``static/js/page.js`` adds it to every form
when it is submitted (a hidden ``csrf_token`` field, first in the form) and to every htmx request
(``X-CSRF-Token`` header). :class:`CsrfMiddleware` refuses (403) a POST, PUT, PATCH or DELETE under
``/ui`` unless

1. its ``Origin`` header, when sent, names this host (``Origin: null`` is refused); without an
   ``Origin``, its ``Referer``, when sent, names this host; and
2. the ``X-CSRF-Token`` header or the ``csrf_token`` form field equals the cookie.

A new page is protected by extending ``base.html``: no template or route needs to know about it.
"""

from __future__ import annotations

import hmac
import re
import secrets
from urllib.parse import parse_qsl, urlsplit

from irpatrol.http_security import ASGIApp, Message, Receive, Scope, Send, content_type, read_body, replay

COOKIE = "irpatrol_csrf"
HEADER = b"x-csrf-token"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROTECTED_PREFIX = "/ui"
MAX_FORM_BYTES = 1024 * 1024
"""A urlencoded page form longer than this is refused (413)."""
MULTIPART_PEEK = 64 * 1024
"""How far into a multipart body the ``csrf_token`` part (the first one) is looked for."""


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    raw = headers.get(b"cookie", b"").decode("latin-1")
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def same_origin(headers: dict[bytes, bytes]) -> bool:
    """Whether ``Origin`` (or, without it, ``Referer``) names the host the request was sent to;
    True when the client sends neither (not a browser: the token still has to match)."""
    host = headers.get(b"host", b"").decode("latin-1").lower()
    origin = headers.get(b"origin")
    if origin is not None:
        text = origin.decode("latin-1")
        return text != "null" and urlsplit(text).netloc.lower() == host
    referer = headers.get(b"referer")
    if referer is not None:
        return urlsplit(referer.decode("latin-1")).netloc.lower() == host
    return True


_PART = re.compile(rb"\A--[^\r\n]+\r\n(?:[^\r\n]+\r\n)*?"
                   rb'content-disposition:[^\r\n]*name="csrf_token"[^\r\n]*\r\n'
                   rb"(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9_\-]{1,200})\r\n", re.IGNORECASE)


async def _form_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive, bool]:
    """The ``csrf_token`` form field (None when absent), a ``receive`` replaying what was read,
    and whether the body was too large."""
    media = content_type(scope)
    if media == "application/x-www-form-urlencoded":
        read = await read_body(receive, MAX_FORM_BYTES)
        if read is None:
            return None, receive, True
        body, messages = read
        token = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)).get(FIELD)
        return token, replay(messages, receive), False
    if media == "multipart/form-data":
        messages = []  # the same list[Message] as above
        seen = b""
        while len(seen) < MULTIPART_PEEK:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += message.get("body", b"")
            match = _PART.match(seen)
            if match or not message.get("more_body", False):
                break
        match = _PART.match(seen)
        return (match.group(1).decode() if match else None), replay(messages, receive), False
    return None, receive, False


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = f"<!DOCTYPE html><title>{status}</title><p>Request refused: {reason}.</p>".encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class CsrfMiddleware:
    """Sets the CSRF cookie and checks unsafe page requests (see the module doc)."""

    def __init__(self, app: ASGIApp, secure: bool | None = None) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        protected = path == PROTECTED_PREFIX or path.startswith(PROTECTED_PREFIX + "/")
        if scope["type"] != "http" or not protected:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookie = _cookie(headers, COOKIE)
        if scope.get("method") in UNSAFE:
            if not same_origin(headers):
                await _refuse(send, 403, "cross-site request (Origin or Referer is another site)")
                return
            sent = headers.get(HEADER, b"").decode("latin-1") or None
            too_large = False
            if sent is None:
                sent, receive, too_large = await _form_token(scope, receive)
            if too_large:
                await _refuse(send, 413, "form too large")
                return
            if not cookie or not sent or not hmac.compare_digest(sent.encode(), cookie.encode()):
                await _refuse(send, 403, "missing or wrong CSRF token (reload the page and try again)")
                return
        token = cookie or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token
        if cookie:
            await self.app(scope, receive, send)
            return
        secure = self.secure if self.secure is not None else scope.get("scheme") == "https"
        set_cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", set_cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
