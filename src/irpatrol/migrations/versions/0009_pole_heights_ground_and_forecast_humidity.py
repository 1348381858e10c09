"""pole heights and ground elevation, take-off point elevation, forecast fog and humidity

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 19:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pole", schema=None) as batch_op:
        batch_op.add_column(sa.Column("height_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("ground_m", sa.Float(), nullable=True))
    with op.batch_alter_table("takeoff_point", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ground_m", sa.Float(), nullable=True))
    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fog", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("humidity_pct", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.drop_column("humidity_pct")
        batch_op.drop_column("fog")
    with op.batch_alter_table("takeoff_point", schema=None) as batch_op:
        batch_op.drop_column("ground_m")
    with op.batch_alter_table("pole", schema=None) as batch_op:
        batch_op.drop_column("ground_m")
        batch_op.drop_column("height_m")
