"""employer.data_version: a counter raised on every write to the employer's employees or cases
(app/data_version.py), so the dashboard can keep its aggregates per version and every worker sees
a change on its next request (issue 14: no per-request aggregate over the whole employer).

Revision ID: 0007_employer_data_version
Revises: 0006_employee_records
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_employer_data_version"
down_revision = "0006_employee_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("employer") as batch:
        batch.add_column(sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("employer") as batch:
        batch.drop_column("data_version")
