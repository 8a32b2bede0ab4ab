"""Indexes for the dashboard's SQL aggregates and its paged list (issue 14).

- absence_case (employee_id, status, first_sick_day): the aggregates and the "absent now" list join
  employee -> absence_case and filter on status; the list sorts on first_sick_day.
- employee (employer_id, name): the list sorted or searched by name within one employer.

Checked with EXPLAIN: tests/unit/test_query_plans.py (SQLite, EXPLAIN QUERY PLAN) and
tests/integration/test_dashboard_postgres.py (PostgreSQL, EXPLAIN after ANALYZE, beside a 20,000-employee
employer) fail when a dashboard statement scans all cases or employees. Every dashboard statement starts
from employee (employer_id) and reaches the cases through this index's employee_id prefix; the
(employee_id, status) part serves the "absent now" count and list.

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
