"""forecast cloud cover (%), scored by the planner's measuring-time preference (DL/T 664-2016 §4.3)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cloud_pct", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.drop_column("cloud_pct")
