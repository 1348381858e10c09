"""The audit trail: every change a service makes writes one AuditLog row (who, what, when)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from irpatrol.registry.model import AuditLog


def record(
    session: Session,
    user: str | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an AuditLog row (``user`` None means the system, e.g. ingest); flushed with the session."""
    row = AuditLog(username=user, action=action, entity=entity, entity_id=entity_id, detail=detail)
    session.add(row)
    return row
