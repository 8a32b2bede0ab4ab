"""Indexes for the dashboard's SQL aggregates and its paged list (issue 14).

- absence_case (employee_id, status, first_sick_day): the aggregates and the "absent now" list join
  employee -> absence_case and filter on status; the list sorts on first_sick_day.
- employee (employer_id, name): the list sorted or searched by name within one employer.

EXPLAIN QUERY PLAN on SQLite (10,000 employees) before: the aggregate scanned employee via
ix_employee_employer_id and looked up absence_case by ix_absence_case_employee_id, fetching each
row for status; with the composite index status and first_sick_day come from the index (covering
for the counts). Not yet checked with EXPLAIN on PostgreSQL.

Revision ID: 0004_dashboard_indexes
Revises: 0003
Create Date: 2026-12-04
"""

from alembic import op

revision = "0004_dashboard_indexes"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_absence_case_employee_status_day", "absence_case",
                    ["employee_id", "status", "first_sick_day"])
    op.create_index("ix_employee_employer_name", "employee", ["employer_id", "name"])


def downgrade() -> None:
    op.drop_index("ix_employee_employer_name", table_name="employee")
    op.drop_index("ix_absence_case_employee_status_day", table_name="absence_case")
