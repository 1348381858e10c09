"""analyst judgement and work orders: a patrol's fixed colour range and report details, manual
findings and overrides, assignee, crew and due date of a scheduled repair

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patrol", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_t_min_c", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("display_t_max_c", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("report_meta", sa.JSON(), nullable=True))
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("override", sa.JSON(), nullable=True))
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("crew_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("crew_name")
        batch_op.drop_column("assignee")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("override")
        batch_op.drop_column("origin")
    with op.batch_alter_table("patrol", schema=None) as batch_op:
        batch_op.drop_column("report_meta")
        batch_op.drop_column("display_t_max_c")
        batch_op.drop_column("display_t_min_c")
