"""acceptance projects and supervised work sites

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-02 19:20:36.879538
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crew_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crew_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crew_id"], ["crew.id"], name=op.f("fk_crew_member_crew_id_crew")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crew_member")),
        sa.UniqueConstraint("crew_id", "username", name=op.f("uq_crew_member_crew_id_username")),
    )
    with op.batch_alter_table("crew_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crew_member_crew_id"), ["crew_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crew_member_username"), ["username"], unique=False)

    op.create_table(
        "work_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_no", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("feeder_id", sa.Integer(), nullable=True),
        sa.Column("crew_id", sa.Integer(), nullable=True),
        sa.Column("contractor", sa.String(length=200), nullable=True),
        sa.Column("supervisor", sa.String(length=120), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crew_id"], ["crew.id"], name=op.f("fk_work_site_crew_id_crew")),
        sa.ForeignKeyConstraint(["feeder_id"], ["feeder.id"], name=op.f("fk_work_site_feeder_id_feeder")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_site")),
        sa.UniqueConstraint("ticket_no", name=op.f("uq_work_site_ticket_no")),
    )
    with op.batch_alter_table("work_site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_site_crew_id"), ["crew_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_site_feeder_id"), ["feeder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_site_status"), ["status"], unique=False)

    op.create_table(
        "work_site_pole",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["pole.id"], name=op.f("fk_work_site_pole_pole_id_pole")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["work_site.id"], name=op.f("fk_work_site_pole_site_id_work_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_site_pole")),
        sa.UniqueConstraint("site_id", "pole_id", name=op.f("uq_work_site_pole_site_id_pole_id")),
    )
    with op.batch_alter_table("work_site_pole", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_site_pole_pole_id"), ["pole_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_site_pole_site_id"), ["site_id"], unique=False)

    op.create_table(
        "acceptance_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("checklist_version", sa.String(length=40), nullable=False),
        sa.Column("contractor", sa.String(length=200), nullable=True),
        sa.Column("feeder_id", sa.Integer(), nullable=True),
        sa.Column("defect_id", sa.Integer(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("inspector", sa.String(length=120), nullable=True),
        sa.Column("reviewer", sa.String(length=120), nullable=True),
        sa.Column("approver", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=120), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["defect_id"], ["defect.id"], name=op.f("fk_acceptance_project_defect_id_defect")
        ),
        sa.ForeignKeyConstraint(
            ["feeder_id"], ["feeder.id"], name=op.f("fk_acceptance_project_feeder_id_feeder")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_project")),
        sa.UniqueConstraint("name", name=op.f("uq_acceptance_project_name")),
    )
    with op.batch_alter_table("acceptance_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acceptance_project_defect_id"), ["defect_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_project_feeder_id"), ["feeder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_project_status"), ["status"], unique=False)

    op.create_table(
        "acceptance_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("marked_by", sa.String(length=120), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["pole.id"], name=op.f("fk_acceptance_item_pole_id_pole")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["acceptance_project.id"],
            name=op.f("fk_acceptance_item_project_id_acceptance_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_item")),
        sa.UniqueConstraint(
            "project_id", "code", "pole_id", name=op.f("uq_acceptance_item_project_id_code_pole_id")
        ),
    )
    with op.batch_alter_table("acceptance_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acceptance_item_pole_id"), ["pole_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_item_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_item_result"), ["result"], unique=False)

    op.create_table(
        "acceptance_pole",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("new", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["pole.id"], name=op.f("fk_acceptance_pole_pole_id_pole")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["acceptance_project.id"],
            name=op.f("fk_acceptance_pole_project_id_acceptance_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_pole")),
        sa.UniqueConstraint("project_id", "pole_id", name=op.f("uq_acceptance_pole_project_id_pole_id")),
    )
    with op.batch_alter_table("acceptance_pole", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acceptance_pole_pole_id"), ["pole_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_pole_project_id"), ["project_id"], unique=False)

    op.create_table(
        "site_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("pole_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("observer", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["photo_id"], ["photo.id"], name=op.f("fk_site_measure_photo_id_photo")),
        sa.ForeignKeyConstraint(["pole_id"], ["pole.id"], name=op.f("fk_site_measure_pole_id_pole")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["work_site.id"], name=op.f("fk_site_measure_site_id_work_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_measure")),
    )
    with op.batch_alter_table("site_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_measure_site_id"), ["site_id"], unique=False)

    op.create_table(
        "acceptance_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("t_max_c", sa.Float(), nullable=True),
        sa.Column("t_ref_c", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["acceptance_item.id"], name=op.f("fk_acceptance_evidence_item_id_acceptance_item")
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photo.id"], name=op.f("fk_acceptance_evidence_photo_id_photo")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_evidence")),
    )
    with op.batch_alter_table("acceptance_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acceptance_evidence_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_acceptance_evidence_photo_id"), ["photo_id"], unique=False)

    op.create_table(
        "rectification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("assignee", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rechecked_by", sa.String(length=120), nullable=True),
        sa.Column("rechecked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recheck_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_rectification_hazard_id_hazard")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["acceptance_item.id"], name=op.f("fk_rectification_item_id_acceptance_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification")),
    )
    with op.batch_alter_table("rectification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_hazard_id"), ["hazard_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_status"), ["status"], unique=False)

    op.create_table(
        "site_violation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("observer", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["site_measure.id"], name=op.f("fk_site_violation_measure_id_site_measure")
        ),
        sa.ForeignKeyConstraint(["photo_id"], ["photo.id"], name=op.f("fk_site_violation_photo_id_photo")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["work_site.id"], name=op.f("fk_site_violation_site_id_work_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_violation")),
    )
    with op.batch_alter_table("site_violation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_violation_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_violation_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_violation_type"), ["type"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_violation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_violation_type"))
        batch_op.drop_index(batch_op.f("ix_site_violation_status"))
        batch_op.drop_index(batch_op.f("ix_site_violation_site_id"))

    op.drop_table("site_violation")
    with op.batch_alter_table("rectification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_status"))
        batch_op.drop_index(batch_op.f("ix_rectification_item_id"))
        batch_op.drop_index(batch_op.f("ix_rectification_hazard_id"))

    op.drop_table("rectification")
    with op.batch_alter_table("acceptance_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptance_evidence_photo_id"))
        batch_op.drop_index(batch_op.f("ix_acceptance_evidence_item_id"))

    op.drop_table("acceptance_evidence")
    with op.batch_alter_table("site_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_measure_site_id"))

    op.drop_table("site_measure")
    with op.batch_alter_table("acceptance_pole", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptance_pole_project_id"))
        batch_op.drop_index(batch_op.f("ix_acceptance_pole_pole_id"))

    op.drop_table("acceptance_pole")
    with op.batch_alter_table("acceptance_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptance_item_result"))
        batch_op.drop_index(batch_op.f("ix_acceptance_item_project_id"))
        batch_op.drop_index(batch_op.f("ix_acceptance_item_pole_id"))

    op.drop_table("acceptance_item")
    with op.batch_alter_table("acceptance_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptance_project_status"))
        batch_op.drop_index(batch_op.f("ix_acceptance_project_feeder_id"))
        batch_op.drop_index(batch_op.f("ix_acceptance_project_defect_id"))

    op.drop_table("acceptance_project")
    with op.batch_alter_table("work_site_pole", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_site_pole_site_id"))
        batch_op.drop_index(batch_op.f("ix_work_site_pole_pole_id"))

    op.drop_table("work_site_pole")
    with op.batch_alter_table("work_site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_site_status"))
        batch_op.drop_index(batch_op.f("ix_work_site_feeder_id"))
        batch_op.drop_index(batch_op.f("ix_work_site_crew_id"))

    op.drop_table("work_site")
    with op.batch_alter_table("crew_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crew_member_username"))
        batch_op.drop_index(batch_op.f("ix_crew_member_crew_id"))

    op.drop_table("crew_member")
