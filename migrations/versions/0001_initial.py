"""Initial schema: sign-in sessions, employers, employees, absence cases, documents, access log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # databases made by the skeleton's db.create_all() already have this table
    if context.is_offline_mode() or not sa.inspect(op.get_bind()).has_table("sign_in_session"):
        op.create_table(
            "sign_in_session",
            sa.Column("sid", sa.String(64), primary_key=True),
            sa.Column("subject", sa.String(64), nullable=False),
            sa.Column("started_at", sa.DateTime(), nullable=False),
            sa.Column("ended_at", sa.DateTime(), nullable=True),
        )
        op.create_index("ix_sign_in_session_subject", "sign_in_session", ["subject"])

    op.create_table(
        "employer",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("keycloak_org_id", sa.String(64), nullable=True, unique=True),
        sa.Column("keycloak_org_alias", sa.String(200), nullable=True),
    )
    op.create_table(
        "employee",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("keycloak_user_id", sa.String(64), nullable=True, unique=True),
        sa.Column("employer_id", sa.String(36), sa.ForeignKey("employer.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("mobile", sa.String(32), nullable=True),
    )
    op.create_index("ix_employee_employer_id", "employee", ["employer_id"])
    op.create_table(
        "absence_case",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("employee_id", sa.String(36), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("first_sick_day", sa.Date(), nullable=False),
        sa.Column("expected_recovery", sa.Date(), nullable=True),
        sa.Column("recovered_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("work_possible", sa.Text(), nullable=False),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("medical_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_absence_case_employee_id", "absence_case", ["employee_id"])
    op.create_table(
        "document",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("employee_id", sa.String(36), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_document_employee_id", "document", ["employee_id"])
    op.create_table(
        "professional_assignment",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("keycloak_user_id", sa.String(64), nullable=False),
        sa.Column("employer_id", sa.String(36), sa.ForeignKey("employer.id"), nullable=False),
        sa.UniqueConstraint("keycloak_user_id", "employer_id"),
    )
    op.create_index("ix_professional_assignment_keycloak_user_id", "professional_assignment", ["keycloak_user_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(64), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("employee_id", sa.String(36), sa.ForeignKey("employee.id"), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.create_index("ix_access_log_employee_id", "access_log", ["employee_id"])


def downgrade() -> None:
    for table in ("access_log", "professional_assignment", "document", "absence_case", "employee", "employer"):
        op.drop_table(table)
