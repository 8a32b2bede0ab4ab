"""Case history and pending new-document mails (issue 12, part 2).

- case_change: every change to an absence case (who, when, which fields old -> new), written by
  app/case_records.py.
- document.mail_pending: the new-document mail of an employee without an account waits until the
  account is activated.

Revision ID: 0005_case_history
Revises: 0004_dashboard_indexes
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_case_history"
down_revision = "0004_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_change",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("absence_case.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(64), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_index("ix_case_change_case_id", "case_change", ["case_id"])
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("mail_pending", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("mail_pending")
    op.drop_index("ix_case_change_case_id", table_name="case_change")
    op.drop_table("case_change")
