"""Signed bearer tokens that name a server-side session.

    token = base64url(payload JSON) "." base64url(HMAC-SHA256(secret_key, payload))
    payload = {"sub": user id, "sid": random session id (256 bits), "exp": expiry (Unix seconds)}

The session table (:class:`irpatrol.registry.model.AuthSession`) keeps only :func:`sid_hash` of the
session id; :mod:`irpatrol.registry.auth` starts, checks and ends the sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from irpatrol.errors import PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from irpatrol.registry.model import User

TOKEN_TTL_S = 12 * 3600
"""Lifetime of a bearer token (s)."""


class AuthenticationFailed(PermissionDenied):
    """Wrong credentials or an invalid, expired or revoked token (HTTP 401, not 403)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret_key: str, payload: bytes) -> bytes:
    return hmac.new(secret_key.encode(), payload, hashlib.sha256).digest()


def sid_hash(sid: str) -> str:
    """The SHA-256 (hex) of a session id: what the session table stores instead of the id."""
    return hashlib.sha256(sid.encode()).hexdigest()


def create_token(
    user: User, secret_key: str, *, ttl_s: int = TOKEN_TTL_S, now: float | None = None,
    session: Session | None = None, kind: str = "api",
) -> str:
    """A signed bearer token for ``user`` valid ``ttl_s`` seconds, naming a new random session id.
    With ``session``, the server-side session row is added (flushed); without, the token is only
    signed (it is refused by :func:`user_for_token` until such a row exists)."""
    issued = time.time() if now is None else now
    sid = secrets.token_urlsafe(32)
    payload = json.dumps(
        {"sub": user.id, "sid": sid, "exp": int(issued + ttl_s)}, separators=(",", ":")
    ).encode()
    if session is not None:
        from irpatrol.registry.model import AuthSession

        expires = datetime.fromtimestamp(int(issued + ttl_s), UTC)
        session.add(AuthSession(sid_hash=sid_hash(sid), user_id=user.id, expires_at=expires, kind=kind))
        session.flush()
    return f"{_b64(payload)}.{_b64(_signature(secret_key, payload))}"


def read_token(token: str, secret_key: str, *, now: float | None = None) -> dict[str, object]:
    """The payload of a well-signed, unexpired token; AuthenticationFailed otherwise."""
    try:
        body, sig = token.split(".")
        payload = _unb64(body)
        ok = hmac.compare_digest(_unb64(sig), _signature(secret_key, payload))
        claims = json.loads(payload) if ok else None
    except (ValueError, UnicodeDecodeError):
        claims = None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), int):
        raise AuthenticationFailed("invalid token")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp < (time.time() if now is None else now):
        raise AuthenticationFailed("token expired")
    return claims


def session_id(token: str, secret_key: str) -> str | None:
    """The session id a well-signed token names (None for a bad or expired token)."""
    try:
        sid = read_token(token, secret_key).get("sid")
    except AuthenticationFailed:
        return None
    return sid if isinstance(sid, str) else None
