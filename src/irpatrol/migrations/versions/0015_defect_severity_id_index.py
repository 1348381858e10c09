"""the ledger's default order (worst severity first, then newest id) read from one index

``ORDER BY severity DESC, id DESC LIMIT n`` walked the severity index and sorted each severity's
rows by id; with (severity, id) the database reads the first page straight from the index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_defect_severity"))
        batch_op.create_index("ix_defect_severity_id", ["severity", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.drop_index("ix_defect_severity_id")
        batch_op.create_index(batch_op.f("ix_defect_severity"), ["severity"], unique=False)
