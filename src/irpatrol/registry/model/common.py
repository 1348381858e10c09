"""What every table shares: the ``created_at`` column and the table options of deletable rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column

from irpatrol.db import utcnow

DEFAULT_COMPONENT_KIND = "parallel-groove-clamp"
"""Component kind assumed for an image when the feeder names none (diagnosis catalogue key)."""


SQLITE_NO_ID_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}
"""Table options of the tables whose rows can be deleted (assets): on SQLite, ``AUTOINCREMENT`` so
the id of a deleted row is never given to a new one (its audit rows would look like the newcomer's
history); PostgreSQL sequences never reuse ids anyway. Migration 0004 rebuilt these tables."""


class Timestamped:
    """Every table has ``created_at`` (UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

