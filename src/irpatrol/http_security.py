"""HTTP protections shared by the API and the pages (issue 12), as plain ASGI middleware so the
entry points ``api`` and ``web`` both install them without importing each other:

* :class:`InputGuard`: a NUL or other control character (C0 except tab, line feed and carriage
  return in bodies; any C0 in the path and query; DEL) in the path, a query parameter, a JSON body
  or a urlencoded form gives 422 before any route runs (PostgreSQL refuses NUL in text; other
  control characters are never part of a name, number or comment). Multipart file contents are
  not scanned (they are files); multipart text fields (parts without a file name) are checked
  as the body streams through, and the form's answer is replaced by the 422.
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
        elif scope.get("method") in ("POST", "PUT", "PATCH", "DELETE") and content_type(scope) == MULTIPART:
            await self._multipart(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _multipart(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a multipart body through while :class:`FormFieldScanner` reads it; at the first
        control character in a text field the form parser gets an error instead of more body, and
        whatever the app answers is replaced by the 422."""
        scanner = FormFieldScanner(_boundary(scope))
        refused = False

        async def scanned() -> Message:
            message = await receive()
            if message["type"] == "http.request" and scanner.feed(message.get("body", b"")):
                raise ControlCharacterInForm
            return message

        async def answer(message: Message) -> None:
            nonlocal refused
            if scanner.found and message["type"] == "http.response.start":
                refused = True
                await _reply(send, 422, CONTROL_IN_FORM_TEXT, "InputError")
            if not refused:
                await send(message)

        try:
            await self.app(scope, scanned, answer)
        except ControlCharacterInForm:
            if not refused:
                await _reply(send, 422, CONTROL_IN_FORM_TEXT, "InputError")


MULTIPART = "multipart/form-data"
CONTROL_IN_FORM_TEXT = "a control character (e.g. NUL) in a form field is not allowed"
MAX_SCANNED_FIELD = 1024 * 1024
"""Bytes of one multipart text field that are scanned (a longer field is the app's to refuse)."""


class ControlCharacterInForm(HTTPException):
    """Raised into the form parser when a multipart text field holds a control character (an
    HTTPException, so the parser lets it through)."""

    def __init__(self) -> None:
        super().__init__(422, CONTROL_IN_FORM_TEXT)


def _boundary(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            for param in value.split(b";")[1:]:
                key, _, val = param.strip().partition(b"=")
                if key.lower() == b"boundary":
                    return val.strip(b'"')
    return b""


class FormFieldScanner:
    """Streams a multipart body through python-multipart's parser and notes a control character of
    :data:`CONTROL_IN_TEXT` in any part without a ``filename`` (a text field); file contents are
    not looked at. A body the parser cannot read is left to the app's own form parser."""

    def __init__(self, boundary: bytes) -> None:
        from python_multipart.multipart import MultipartParser

        self.found = False
        self._broken = not boundary
        self._header = b""
        self._value = b""
        self._is_file = False
        self._text = bytearray()
        callbacks = {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }
        self._parser = None if self._broken else MultipartParser(boundary, callbacks)  # type: ignore[arg-type]

    def feed(self, chunk: bytes) -> bool:
        """Scan ``chunk``; True once a control character has been seen in a text field."""
        if self._parser is not None and not self.found and chunk:
            try:
                self._parser.write(chunk)
            except Exception:  # not multipart after all: the app's parser will say so
                self._parser = None
        return self.found

    def _begin(self) -> None:
        self._is_file, self._text = False, bytearray()

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._header.lower() == b"content-disposition" and b"filename" in self._value.lower():
            self._is_file = True
        self._header, self._value = b"", b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file and len(self._text) < MAX_SCANNED_FIELD:
            self._text += data[start:end]

    def _end(self) -> None:
        if not self._is_file and self._text:
            text = bytes(self._text[:MAX_SCANNED_FIELD]).decode("utf-8", "replace")
            self.found = self.found or CONTROL_IN_TEXT.search(text) is not None


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


Refusal = Callable[[Scope, Send, int], Awaitable[None]]
"""Answers a request refused by :class:`BodyLimit` (scope, send, the limit in bytes)."""


async def json_too_large(scope: Scope, send: Send, limit: int) -> None:
    """The API's 413 answer (JSON, as every API error)."""
    await _reply(send, 413, f"upload larger than the limit of {limit} bytes", "UploadTooLarge")


class BodyLimit:
    """413 for a request under ``prefix`` whose body is longer than ``limit`` bytes: refused at once
    when ``Content-Length`` says so, else as soon as the streamed body passes the limit (nothing
    beyond it is read; whatever the app then answers is replaced). The pages' upload forms get the
    API's limit this way, before the form parser (which spools files to disk) sees the body.
    ``refuse`` writes the answer (the pages give an HTML page; default :func:`json_too_large`)."""

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/ui", refuse: Refusal | None = None) -> None:
        self.app = app
        self.limit = limit
        self.prefix = prefix
        self.refuse = refuse or json_too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self.refuse(scope, send, self.limit)
                return
        seen = 0
        exceeded = started = refused = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise BodyTooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started, refused
            if refused:
                return
            if message["type"] == "http.response.start":
                if exceeded:  # the app's own answer to the error: ours instead
                    refused = True
                    await self.refuse(scope, send, self.limit)
                    return
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started and not refused:
                await self.refuse(scope, send, self.limit)


def install_http_security(app: Any, tile_url: str | None = None) -> None:
    """Add :class:`InputGuard` and :class:`SecurityHeaders` to a Starlette/FastAPI ``app`` once (the
    API and the pages both call this). A second call moves :class:`SecurityHeaders` outermost
    again, so the answers of middleware added in between (the pages' CSRF check and upload limit,
    which refuse before the app runs) carry the headers too."""
    installed = [m for m in app.user_middleware if m.cls is SecurityHeaders]
    if not installed:
        app.add_middleware(InputGuard)
        app.add_middleware(SecurityHeaders, tile_url=tile_url)
        return
    for entry in installed:
        app.user_middleware.remove(entry)
    app.user_middleware.insert(0, installed[0])
