"""Employers and dossiers follow provisioning (issue 12, part 1).

- employer.archived_at: `provision employer delete` archives the portal's employer instead of
  deleting it; its dossiers are kept for the legal retention time (app.employer_records).
- employee: the HR import's personnel number, department, start date, and left_on (a leaver is
  marked, never deleted). (employer_id, personnel_number) is unique: the HR system's own key.

Revision ID: 0006_employee_records
Revises: 0004_dashboard_indexes
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_employee_records"
down_revision = "0005_case_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("employer") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("employee") as batch:
        batch.add_column(sa.Column("personnel_number", sa.String(32), nullable=True))
        batch.add_column(sa.Column("department", sa.String(100), nullable=True))
        batch.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch.create_unique_constraint("uq_employee_employer_personnel_number", ["employer_id", "personnel_number"])


def downgrade() -> None:
    with op.batch_alter_table("employee") as batch:
        batch.drop_constraint("uq_employee_employer_personnel_number", type_="unique")
        for column in ("left_on", "start_date", "department", "personnel_number"):
            batch.drop_column(column)
    with op.batch_alter_table("employer") as batch:
        batch.drop_column("archived_at")
