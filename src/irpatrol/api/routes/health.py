"""``GET /health``: liveness and database reachability (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from irpatrol import __version__
from irpatrol.api.deps import SessionDep, allowed

router = APIRouter(tags=["health"])


@router.get("/health", dependencies=[allowed("public")])
def health(session: SessionDep) -> dict[str, str]:
    """``{"status": "ok", "version": ...}`` when the database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
