"""AUTOINCREMENT on the SQLite tables whose rows can be deleted (area, feeder, pole, component)

Without it SQLite gives the id of the newest row, once deleted, to the next row inserted, and
the audit rows of the deleted asset (``audit_log.entity_id``) then read as the newcomer's history.
SQLite can only add ``AUTOINCREMENT`` by rebuilding the table (batch "move and copy"; foreign keys
are switched off around migrations by :func:`irpatrol.db.migration_transaction`). PostgreSQL
sequences never hand out an id twice: nothing to do there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("area", "feeder", "pole", "component")
"""The tables with a delete path (:mod:`irpatrol.registry.assets`)."""


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
