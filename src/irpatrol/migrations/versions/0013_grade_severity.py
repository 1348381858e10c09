"""the rule set's grade scale travels: ``severity`` on findings and defects, ``standard`` on
defects; existing rows are backfilled from their rule set and grade

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_STANDARD = "dlt664-2016"
"""The rule set of rows that name none (every grade written before NETA support was DL/T 664's)."""


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standard", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("severity", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(batch_op.f("ix_defect_severity"), ["severity"], unique=False)
    _backfill()


def _backfill() -> None:
    """Each defect takes the rule set of its newest finding; each row the severity its rule set
    declares for its grade (unknown rule sets or grades: the DL/T 664-2016 scale, else 1, the rank
    the registry gave unknown grades before)."""
    from irpatrol.diagnosis.loader import load_ruleset
    from irpatrol.errors import RuleSetError

    conn = op.get_bind()
    finding = sa.table("finding", sa.column("id", sa.Integer), sa.column("defect_id", sa.Integer),
                       sa.column("standard", sa.String), sa.column("grade", sa.String),
                       sa.column("severity", sa.Integer))
    defect = sa.table("defect", sa.column("id", sa.Integer), sa.column("standard", sa.String),
                      sa.column("grade", sa.String), sa.column("severity", sa.Integer))
    newest = (sa.select(finding.c.standard).where(finding.c.defect_id == defect.c.id,
                                                   finding.c.standard.is_not(None))
              .order_by(finding.c.id.desc()).limit(1).scalar_subquery())
    conn.execute(defect.update().values(standard=newest))

    def severity(standard: str | None, grade: str) -> int:
        for name in (standard or DEFAULT_STANDARD, DEFAULT_STANDARD):
            try:
                rules = load_ruleset(name)
            except RuleSetError:
                continue
            if rules.has_grade(grade):
                return rules.grade(grade).severity
        return 0 if grade in ("", "none", "unrated", "normal", "ok") else 1

    for table in (finding, defect):
        pairs = conn.execute(sa.select(table.c.standard, table.c.grade).distinct()).all()
        for standard, grade in pairs:
            level = severity(standard, grade or "")
            if level:
                std = table.c.standard.is_(None) if standard is None else table.c.standard == standard
                conn.execute(table.update().where(std, table.c.grade == grade).values(severity=level))


def downgrade() -> None:
    with op.batch_alter_table("defect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_defect_severity"))
        batch_op.drop_column("severity")
        batch_op.drop_column("standard")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("severity")
