"""HTTP protections shared by the API and the pages (issue 12), as plain ASGI middleware so the
entry points ``api`` and ``web`` both install them without importing each other:

* :class:`InputGuard`: a NUL or other control character (C0 except tab, line feed and carriage
  return in bodies; any C0 in the path and query; DEL) in the path, a query parameter, a JSON body
  or a urlencoded form gives 422 before any route runs (PostgreSQL refuses NUL in text; other
  control characters are never part of a name, number or comment). Multipart file contents are
  not scanned (they are files); multipart text fields are checked by the form parser's limits.
* :class:`SecurityHeaders`: ``Content-Security-Policy`` allowing scripts from this site only (no
  inline script, no ``eval``), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: same-origin`` and ``Cross-Origin-Opener-Policy: same-origin`` on every
  response (the OpenAPI pages ``/docs`` and ``/redoc`` keep their own scripts and get no CSP).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters refused in a text field: C0 controls but tab, LF and CR, and DEL."""
CONTROL_IN_PARAMETER = re.compile(rb"[\x00-\x1f\x7f]")
"""Bytes refused in a path or query parameter (no line breaks either)."""
MAX_SCANNED_BODY = 8 * 1024 * 1024
"""JSON and urlencoded bodies longer than this are refused (413): no such body is legitimate."""
SCANNED_TYPES = ("application/json", "application/x-www-form-urlencoded")


def has_control_characters(value: object) -> bool:
    """True when a string anywhere in ``value`` (nested lists and dicts, keys too) holds a
    character of :data:`CONTROL_IN_TEXT`."""
    if isinstance(value, str):
        return CONTROL_IN_TEXT.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(v) for v in value)
    return False


def _accepts_html(scope: Scope) -> bool:
    return any(name == b"accept" and b"text/html" in value for name, value in scope.get("headers", []))


async def _reply(send: Send, status: int, detail: str, error: str) -> None:
    body = json.dumps({"detail": detail, "error": error}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, limit: int) -> tuple[bytes, list[Message]] | None:
    """The whole request body and the messages it came in (to replay); None past ``limit``."""
    chunks: list[bytes] = []
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands out ``messages`` first, then the original ones."""
    pending = list(messages)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


def content_type(scope: Scope) -> str:
    """The request's media type, lower case, without parameters."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


class InputGuard:
    """422 for control characters in the path, query, JSON or urlencoded body (see module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        query = scope.get("query_string", b"")
        if CONTROL_IN_PARAMETER.search(unquote_to_bytes(raw_path)) or CONTROL_IN_PARAMETER.search(
            unquote_to_bytes(query.replace(b"+", b" "))
        ):
            await _reply(send, 422, "a control character (e.g. NUL) in the URL is not allowed", "InputError")
            return
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE") and content_type(scope) in SCANNED_TYPES:
            read = await read_body(receive, MAX_SCANNED_BODY)
            if read is None:
                await _reply(send, 413, f"body larger than {MAX_SCANNED_BODY} bytes", "UploadTooLarge")
                return
            body, messages = read
            if _body_has_controls(body, content_type(scope)):
                await _reply(send, 422, "a control character (e.g. NUL) in a text field is not allowed",
                             "InputError")
                return
            receive = replay(messages, receive)
        await self.app(scope, receive, send)


def _body_has_controls(body: bytes, media_type: str) -> bool:
    if media_type == "application/json":
        try:
            return has_control_characters(json.loads(body)) if body.strip() else False
        except (ValueError, RecursionError):
            return False  # not JSON: the route's validation says so
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(has_control_characters(k) or has_control_characters(v)
               for k, v in parse_qsl(text, keep_blank_values=True))


NO_CSP_PATHS = ("/docs", "/redoc")
"""The OpenAPI pages: they send their own policy (:mod:`irpatrol.api.docs`, their one inline start-up
script allowed by hash), which is kept."""


def content_security_policy(tile_url: str | None = None) -> str:
    """The policy of every page: scripts, styles, fonts and connections from this site only; images
    also as ``data:``/``blob:`` and from the map tile server when one is configured."""
    images = "'self' data: blob:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "x"))
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.netloc.replace("x.", "*.", 1) if "{s}" in tile_url else parts.netloc
            images += f" {parts.scheme}://{host}"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src {images}; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the security headers of the module doc to every HTTP response."""

    def __init__(self, app: ASGIApp, tile_url: str | None = None) -> None:
        self.app = app
        self.csp = content_security_policy(tile_url).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        with_csp = not path.startswith(NO_CSP_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                replaced = _SET_HERE if with_csp else _SET_HERE - {b"content-security-policy"}
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in replaced]
                headers += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"same-origin"),
                            (b"cross-origin-opener-policy", b"same-origin")]
                if with_csp:
                    headers.append((b"content-security-policy", self.csp))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_SET_HERE = {b"x-content-type-options", b"x-frame-options", b"referrer-policy", b"cross-origin-opener-policy",
             b"content-security-policy"}


class BodyTooLarge(HTTPException):
    """A request body went past the limit of :class:`BodyLimit` (an HTTPException, so the form
    parser lets it through and the app answers 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"upload larger than the limit of {limit} bytes")


class BodyLimit:
    """413 for a request under ``prefix`` whose body is longer than ``limit`` bytes: refused at once
    when ``Content-Length`` says so, else as soon as the streamed body passes the limit (nothing
    beyond it is read). The pages' upload forms get the API's limit this way, before the form
    parser (which spools files to disk) sees the body."""

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/ui", html_reply: Any = None) -> None:
        self.app = app
        self.limit = limit
        self.prefix = prefix
        self.html_reply = html_reply
        """``async (scope, receive, send, detail)`` answering a browser's form post (one that
        accepts ``text/html``) with a page instead of JSON; None: always JSON."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        too_large = f"upload larger than the limit of {self.limit} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                if self.html_reply is not None and _accepts_html(scope):
                    await self.html_reply(scope, receive, send, too_large)
                else:
                    await _reply(send, 413, too_large, "UploadTooLarge")
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, too_large, "UploadTooLarge")


def install_http_security(app: Any, tile_url: str | None = None) -> None:
    """Add :class:`InputGuard` and :class:`SecurityHeaders` to a Starlette/FastAPI ``app`` once
    (the API and the pages both call this; the second call does nothing)."""
    if getattr(app.state, "http_security", False):
        return
    app.state.http_security = True
    app.add_middleware(InputGuard)
    app.add_middleware(SecurityHeaders, tile_url=tile_url)
