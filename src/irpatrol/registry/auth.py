"""Users, roles, server-side sessions and login throttling.

Passwords are hashed and policy-checked by :mod:`irpatrol.registry.passwords`; bearer tokens are
signed by :mod:`irpatrol.registry.tokens` and name a server-side session (both re-exported here).
The session table (:class:`irpatrol.registry.model.AuthSession`) keeps only the SHA-256 of the
session id. A token stops working when it expires, when its session row is deleted (logout,
password change, deactivation, "sign out everywhere"), or when ``secret_key`` changes.

Roles are ordered: viewer < pilot < analyst < admin; :func:`has_role` compares them.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from irpatrol.errors import Conflict, InputError, NotFound, ParameterError, PermissionDenied
from irpatrol.registry.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from irpatrol.registry.passwords import MIN_PASSWORD_SCORE as MIN_PASSWORD_SCORE
from irpatrol.registry.passwords import check_password_policy as check_password_policy
from irpatrol.registry.passwords import hash_password as hash_password
from irpatrol.registry.passwords import verify_password as verify_password
from irpatrol.registry.permissions import ROLES
from irpatrol.registry.tokens import TOKEN_TTL_S as TOKEN_TTL_S
from irpatrol.registry.tokens import AuthenticationFailed as AuthenticationFailed
from irpatrol.registry.tokens import create_token as create_token
from irpatrol.registry.tokens import read_token as read_token
from irpatrol.registry.tokens import session_id as session_id
from irpatrol.registry.tokens import sid_hash

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from irpatrol.registry.model import User

LANGUAGES: tuple[str, ...] = ("en", "zh")


def role_rank(role: str) -> int:
    """Position of ``role`` in :data:`ROLES`; ParameterError for an unknown role."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise ParameterError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}") from None


def has_role(user_role: str, required: str) -> bool:
    """True when ``user_role`` is ``required`` or above it."""
    return role_rank(user_role) >= role_rank(required)


# --- sessions -----------------------------------------------------------------------------------


def start_session(session: Session, user: User, secret_key: str, *, kind: str = "api") -> str:
    """A token for a new server-side session of ``user`` (flushed, not committed); expired session
    rows of the user are removed on the way."""
    from irpatrol.registry.model import AuthSession

    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id,
                                              AuthSession.expires_at < datetime.now(UTC)))
    return create_token(user, secret_key, session=session, kind=kind)


def user_for_token(session: Session, token: str, secret_key: str) -> User:
    """The active user a token was issued to; AuthenticationFailed if its session has ended, the
    user is inactive, or the token is invalid."""
    from irpatrol.registry.model import AuthSession, User

    claims = read_token(token, secret_key)
    sid = claims.get("sid")
    if not isinstance(sid, str):
        raise AuthenticationFailed("token revoked")
    # one query per request: the session row and its user together
    row = session.execute(
        select(User, AuthSession.expires_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.sid_hash == sid_hash(sid), AuthSession.user_id == claims["sub"])
    ).first()
    if row is None or _aware(row[1]) < datetime.now(UTC):
        raise AuthenticationFailed("token revoked")
    user: User = row[0]
    if not user.active:
        raise AuthenticationFailed("token revoked")
    return user


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def end_session(session: Session, token: str, secret_key: str) -> None:
    """End the session ``token`` names (logout; nothing happens for an unknown token)."""
    from irpatrol.registry.model import AuthSession

    sid = session_id(token, secret_key)
    if sid is not None:
        session.execute(delete(AuthSession).where(AuthSession.sid_hash == sid_hash(sid)))
        session.flush()


def end_all_sessions(session: Session, user: User, *, by: str | None = None) -> int:
    """End every session of ``user`` ("sign out everywhere"); the number ended. Audit-logged."""
    from irpatrol.registry.audit import record
    from irpatrol.registry.model import AuthSession

    ended = session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    count = int(getattr(ended, "rowcount", 0) or 0)
    record(session, by, "end_sessions", "user", user.id, {"username": user.username, "sessions": count})
    session.flush()
    return count


# --- passwords ----------------------------------------------------------------------------------


def change_password(session: Session, user: User, new_password: str, *, by: str | None = None) -> int:
    """Set ``user``'s password (policy-checked) and end all their sessions (flushed, audit-logged;
    the password itself is never logged); the number of sessions ended."""
    from irpatrol.registry.audit import record

    check_password_policy(new_password, user.username)
    user.password_hash = hash_password(new_password)
    ended = end_all_sessions(session, user, by=by)
    clear_failures(session, user.username)
    record(session, by, "set_password", "user", user.id, {"username": user.username})
    session.flush()
    return ended


# --- login throttling ---------------------------------------------------------------------------

FREE_FAILURES = 5
"""Wrong passwords allowed per account or client address before delays start."""
MAX_DELAY_S = 15 * 60
"""Longest wait imposed on a client address after repeated failures (s): the delay doubles from 1 s
per failure past :data:`FREE_FAILURES` up to this."""
MAX_ACCOUNT_DELAY_S = 60
"""Longest wait imposed on an account (s): lower than the address's, so a stranger guessing the
admin's password from elsewhere slows the admin's own sign-in by at most a minute, never locks it."""
FORGET_AFTER_S = 24 * 3600
"""Failures older than this are forgotten (s)."""


class LoginThrottled(PermissionDenied):
    """Too many failed sign-ins for this account or address: try again after ``retry_after_s``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


def throttle_keys(username: str, address: str | None) -> list[str]:
    """The counters a sign-in attempt touches: the account and the client address."""
    keys = [f"user:{username.strip().casefold()[:150]}"]
    if address:
        keys.append(f"addr:{address[:150]}")
    return keys


def check_throttle(session: Session, keys: list[str], *, now: datetime | None = None) -> None:
    """LoginThrottled when any counter of ``keys`` is still in its waiting time."""
    from irpatrol.registry.model import LoginFailure

    now = now or datetime.now(UTC)
    for key in keys:
        row = session.get(LoginFailure, key)
        if row is not None and row.locked_until is not None and _aware(row.locked_until) > now:
            raise LoginThrottled(max(1, int((_aware(row.locked_until) - now).total_seconds() + 0.999)))


def delay_after(failures: int, cap_s: float = MAX_DELAY_S) -> float:
    """Seconds to wait after ``failures`` consecutive failures: 0 up to :data:`FREE_FAILURES`,
    then 1, 2, 4 … s, at most ``cap_s``."""
    if failures <= FREE_FAILURES:
        return 0.0
    return float(min(cap_s, 2 ** min(failures - FREE_FAILURES - 1, 20)))


def record_failure(session: Session, keys: list[str], username: str, address: str | None,
                   *, now: datetime | None = None) -> None:
    """Count a failed sign-in on every key and write an audit entry (flushed)."""
    from irpatrol.registry.audit import record
    from irpatrol.registry.model import LoginFailure

    now = now or datetime.now(UTC)
    # forget old counters, so guessed names cannot grow the table for ever
    forgotten = now - timedelta(seconds=FORGET_AFTER_S)
    session.execute(delete(LoginFailure).where(LoginFailure.last_at < forgotten))
    worst = 0
    for key in keys:
        row = session.get(LoginFailure, key)
        if row is None:
            row = LoginFailure(key=key, failures=0, last_at=now)
            session.add(row)
        elif (now - _aware(row.last_at)).total_seconds() > FORGET_AFTER_S:
            row.failures = 0
        row.failures += 1
        row.last_at = now
        wait = delay_after(row.failures, MAX_ACCOUNT_DELAY_S if key.startswith("user:") else MAX_DELAY_S)
        row.locked_until = now + timedelta(seconds=wait) if wait else None
        worst = max(worst, row.failures)
    record(session, None, "login_failed", "user", None,
           {"username": username[:120], "address": address, "failures": worst})
    session.flush()


def clear_failures(session: Session, username: str) -> None:
    """Forget the account's failures after a successful sign-in (the address counter stays, so a
    guesser cannot reset it by signing in to an account of their own)."""
    from irpatrol.registry.model import LoginFailure

    session.execute(delete(LoginFailure).where(LoginFailure.key == throttle_keys(username, None)[0]))


def sign_in(session: Session, username: str, password: str, address: str | None) -> User:
    """:func:`authenticate` behind login throttling: LoginThrottled while a counter waits; a failure
    is counted and audit-logged, and committed even though the caller's request fails."""
    keys = throttle_keys(username, address)
    check_throttle(session, keys)
    try:
        user = authenticate(session, username, password)
    except AuthenticationFailed:
        record_failure(session, keys, username, address)
        session.commit()
        raise
    clear_failures(session, username)
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
    check_password_policy(password, username)
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
    in and their sessions end at once. Conflict when the last active
    admin would be deactivated."""
    from irpatrol.registry.audit import record

    user = get_user(session, username)
    assert user is not None
    if user.active == active:
        return user
    if not active:
        _guard_last_admin(session, user, "deactivate")
    user.active = active
    if not active:
        end_all_sessions(session, user, by=by)
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
