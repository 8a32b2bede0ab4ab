"""Indexes for the employee list (issue 12: the overview lists the employer's employees by name).

The list is one employer's employees, sorted by name, department or start date and paged with
LIMIT/OFFSET. (employer_id, name) exists since 0004; these two let the other sorts read the
employer's rows in order from the index, so a page stops after its rows instead of sorting all
10,000 first. Checked with EXPLAIN in tests/unit/test_query_plans.py.

Revision ID: 0008_employee_list_index
Revises: 0007_employer_data_version
Create Date: 2026-12-04
"""

from alembic import op

revision = "0008_employee_list_index"
down_revision = "0007_employer_data_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_employee_employer_department", "employee", ["employer_id", "department", "name"])
    op.create_index("ix_employee_employer_start_date", "employee", ["employer_id", "start_date", "name"])


def downgrade() -> None:
    op.drop_index("ix_employee_employer_start_date", table_name="employee")
    op.drop_index("ix_employee_employer_department", table_name="employee")
