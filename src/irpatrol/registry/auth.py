"""Users, passwords and bearer tokens.

Passwords are hashed with Argon2id (argon2-cffi defaults). Tokens are stateless and signed:

    token = base64url(payload JSON) "." base64url(HMAC-SHA256(secret_key, payload))
    payload = {"sub": user id, "exp": expiry (Unix seconds), "pw": fingerprint of the password hash}

so no token table is needed. A token stops working when it expires, when the user is made
inactive, or when the password changes (the fingerprint no longer matches). Changing
``settings.secret_key`` revokes every token.

Roles are ordered: viewer < pilot < analyst < admin; :func:`has_role` compares them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from irpatrol.errors import Conflict, InputError, NotFound, ParameterError, PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from irpatrol.registry.model import User

ROLES: tuple[str, ...] = ("viewer", "pilot", "analyst", "admin")
"""Roles from least to most privileged; each role may do everything the ones before it may."""
LANGUAGES: tuple[str, ...] = ("en", "zh")
TOKEN_TTL_S = 12 * 3600
"""Lifetime of a bearer token (s)."""
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


class AuthenticationFailed(PermissionDenied):
    """Wrong credentials or an invalid, expired or revoked token (HTTP 401, not 403)."""


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (salted, encoded with its parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def role_rank(role: str) -> int:
    """Position of ``role`` in :data:`ROLES`; ParameterError for an unknown role."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ParameterError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}") from None


def has_role(user_role: str, required: str) -> bool:
    """True when ``user_role`` is ``required`` or above it."""
    return role_rank(user_role) >= role_rank(required)


# --- tokens -------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret_key: str, payload: bytes) -> bytes:
    return hmac.new(secret_key.encode(), payload, hashlib.sha256).digest()


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def create_token(user: User, secret_key: str, *, ttl_s: int = TOKEN_TTL_S, now: float | None = None) -> str:
    """A signed bearer token for ``user`` valid ``ttl_s`` seconds."""
    issued = time.time() if now is None else now
    payload = json.dumps(
        {"sub": user.id, "exp": int(issued + ttl_s), "pw": _fingerprint(user.password_hash)},
        separators=(",", ":"),
    ).encode()
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


def user_for_token(session: Session, token: str, secret_key: str) -> User:
    """The active user a token was issued to; AuthenticationFailed if revoked or invalid."""
    from irpatrol.registry.model import User

    claims = read_token(token, secret_key)
    user = session.get(User, claims["sub"])
    if user is None or not user.active or claims.get("pw") != _fingerprint(user.password_hash):
        raise AuthenticationFailed("token revoked")
    return user


# --- users --------------------------------------------------------------------------------------


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials; AuthenticationFailed otherwise (same message
    whether the name or the password is wrong)."""
    user = get_user(session, username, missing_ok=True)
    # hash even for an unknown name, so the time taken does not tell which names exist
    matches = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.active or not matches:
        raise AuthenticationFailed("wrong username or password")
    return user


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password of anyone")


def get_user(session: Session, username: str, *, missing_ok: bool = False) -> User | None:
    """The user called ``username``; NotFound unless ``missing_ok``."""
    from irpatrol.registry.model import User

    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None and not missing_ok:
        raise NotFound(f"no user {username!r}")
    return user


def add_user(
    session: Session, username: str, *, role: str, password: str, language: str = "en", by: str | None = None
) -> User:
    """Create an active user (flushed, not committed; ``by`` is who did it, for the audit log).
    Conflict if the name is taken."""
    from irpatrol.registry.audit import record
    from irpatrol.registry.model import User

    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise InputError(f"invalid username {username!r}: 1–64 characters without spaces")
    role_rank(role)
    if language not in LANGUAGES:
        raise ParameterError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ParameterError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if get_user(session, username, missing_ok=True) is not None:
        raise Conflict(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role, language=language)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same name
        raise Conflict(f"user {username!r} already exists") from exc
    record(session, by, "create", "user", user.id, {"username": username, "role": role, "language": language})
    return user


def _active_admins(session: Session) -> list[User]:
    """Active admins, locked for update where the backend supports it (PostgreSQL), so two
    concurrent demotions cannot both see another admin left."""
    from irpatrol.registry.model import User

    stmt = select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id).with_for_update()
    return list(session.scalars(stmt))


def _guard_last_admin(session: Session, user: User, what: str) -> None:
    """Conflict when ``user`` is the last active admin (``what`` says what was refused)."""
    if user.role != "admin" or not user.active:
        return
    others = [u for u in _active_admins(session) if u.id != user.id]
    if not others:
        raise Conflict(f"cannot {what} {user.username!r}: the last active admin")


def set_role(session: Session, username: str, role: str, *, by: str | None = None) -> User:
    """Give ``username`` another role (flushed, audit-logged). Conflict when the last active admin
    would lose the admin role."""
    from irpatrol.registry.audit import record

    role_rank(role)
    user = get_user(session, username)
    assert user is not None
    if user.role == role:
        return user
    if role != "admin":
        _guard_last_admin(session, user, "take the admin role from")
    before = user.role
    user.role = role
    record(session, by, "set_role", "user", user.id, {"username": user.username, "from": before, "to": role})
    session.flush()
    return user


def set_active(session: Session, username: str, active: bool, *, by: str | None = None) -> User:
    """Activate or deactivate ``username`` (flushed, audit-logged). A deactivated user cannot sign
    in and their tokens stop working (see :func:`user_for_token`). Conflict when the last active
    admin would be deactivated."""
    from irpatrol.registry.audit import record

    user = get_user(session, username)
    assert user is not None
    if user.active == active:
        return user
    if not active:
        _guard_last_admin(session, user, "deactivate")
    user.active = active
    action = "activate" if active else "deactivate"
    record(session, by, action, "user", user.id, {"username": user.username})
    session.flush()
    return user


def set_language(session: Session, username: str, language: str, *, by: str | None = None) -> User:
    """Set the language pages and reports use for ``username`` (flushed, audit-logged)."""
    from irpatrol.registry.audit import record

    if language not in LANGUAGES:
        raise ParameterError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    user = get_user(session, username)
    assert user is not None
    if user.language != language:
        before = user.language
        user.language = language
        detail = {"username": user.username, "from": before, "to": language}
        record(session, by, "set_language", "user", user.id, detail)
        session.flush()
    return user


def update_user(
    session: Session,
    actor: User,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    language: str | None = None,
) -> User:
    """Apply the changes ``actor`` asks for to ``username``: an admin may change anyone's role,
    active flag and language; anyone else only their own language (PermissionDenied otherwise).
    Each change is audit-logged as ``actor``; Conflict as :func:`set_role` / :func:`set_active`."""
    own = actor.username == username
    if not has_role(actor.role, "admin"):
        if role is not None or active is not None:
            raise PermissionDenied("only an admin may change roles or deactivate users")
        if not own:
            raise PermissionDenied("only an admin may change another user")
    user = get_user(session, username)
    assert user is not None
    if language is not None:
        set_language(session, username, language, by=actor.username)
    if role is not None:
        set_role(session, username, role, by=actor.username)
    if active is not None:
        set_active(session, username, active, by=actor.username)
    return user
