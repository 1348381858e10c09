"""scheduling inputs: crew working days, sorties and hours; takeoff points; weather forecasts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "takeoff_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_takeoff_point_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takeoff_point")),
        sa.UniqueConstraint("name", name=op.f("uq_takeoff_point_name")),
    )
    with op.batch_alter_table("takeoff_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_takeoff_point_area_id"), ["area_id"], unique=False)

    op.create_table(
        "weather_forecast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("rain", sa.Boolean(), nullable=False),
        sa.Column("wind_m_s", sa.Float(), nullable=False),
        sa.Column("no_fly", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_weather_forecast_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weather_forecast")),
        sa.UniqueConstraint("date", "area_id", name=op.f("uq_weather_forecast_date_area_id")),
    )
    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weather_forecast_area_id"), ["area_id"], unique=False)

    with op.batch_alter_table("crew", schema=None) as batch_op:
        batch_op.add_column(sa.Column("working_days", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("sorties_per_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("day_start_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("day_end_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crew", schema=None) as batch_op:
        batch_op.drop_column("day_end_s")
        batch_op.drop_column("day_start_s")
        batch_op.drop_column("sorties_per_day")
        batch_op.drop_column("working_days")

    with op.batch_alter_table("weather_forecast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weather_forecast_area_id"))
    op.drop_table("weather_forecast")

    with op.batch_alter_table("takeoff_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_takeoff_point_area_id"))
    op.drop_table("takeoff_point")
