"""Who does what: Users and their AuthSessions, LoginFailures (login throttling), the AuditLog,
and background Jobs.

Part of :mod:`irpatrol.registry.model`, which re-exports every class. Units: temperatures °C
(``_c``), temperature differences K (``_k``), lengths/distances m, durations s, currents A,
voltages kV, angles degrees, humidity %. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from irpatrol.db import Base, utcnow
from irpatrol.registry.model.common import Timestamped


class User(Timestamped, Base):
    """A person who signs in: ``role`` viewer | pilot | analyst | admin, ``language`` en | zh."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    display_name: Mapped[str | None] = mapped_column(String(200))


class AuthSession(Timestamped, Base):
    """A signed-in session (issue 12): a token names it by a random id whose SHA-256 is
    ``sid_hash``; deleting the row ends the session at once (logout, password change, deactivation,
    "sign out everywhere"). ``expires_at`` is UTC."""

    __tablename__ = "auth_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10), default="api")


class LoginFailure(Base):
    """Failed sign-ins counted per key (``user:<name>`` or ``addr:<client address>``) for login
    throttling (issue 12): ``locked_until`` (UTC) is when the next attempt is allowed."""

    __tablename__ = "login_failure"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditLog(Timestamped, Base):
    """Who (``username``) did what (``action`` on ``entity`` #``entity_id``) and when (``at``)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Job(Timestamped, Base):
    """A background job (an ingest run by the API or ``irpatrol worker``) and its progress.

    ``status``: queued | running | done | failed; ``done``/``total`` count items (images);
    ``result`` is the service's summary, ``error`` the reason of a failure. Rows are written by
    :mod:`irpatrol.ingest.jobs`.
    """

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
