"""Server-side sessions; the access log gets employer, client address and a hash chain, and becomes
append-only (triggers refuse UPDATE and DELETE).

- server_session replaces sign_in_session (the session rows carry Keycloak's sid themselves).
- access_log: employee_id nullable (employer-wide reads), employer_id, ip, row_hash; existing rows
  are chained here, in id order, with the same canonical form as app/audit_chain.py (version 1).
- access_log_chain: the single row that serialises appends and keeps the purge checkpoint.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-03
"""

import hashlib
import json
from datetime import timezone

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002_tenancy"
branch_labels = None
depends_on = None

# frozen copy of app.audit_chain (version 1): a migration must not change when the app does
HASHED_FIELDS = ("at", "actor_sub", "actor_name", "actor_role", "employee_id", "employer_id", "action",
                 "object_id", "ip")

SQLITE_TRIGGERS = (
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$",
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()",
)


def _plain(value):
    if hasattr(value, "strftime"):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _chain_hash(previous: str, row: dict) -> str:
    body = json.dumps({f: _plain(row[f]) for f in HASHED_FIELDS}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256((previous + body).encode("utf-8")).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "server_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("keycloak_sid", sa.String(64), nullable=True),
        sa.Column("subject", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_server_session_keycloak_sid", "server_session", ["keycloak_sid"])
    op.create_index("ix_server_session_subject", "server_session", ["subject"])
    op.create_index("ix_server_session_last_seen_at", "server_session", ["last_seen_at"])
    op.drop_table("sign_in_session")  # its index goes with it

    with op.batch_alter_table("access_log") as batch:
        batch.alter_column("employee_id", existing_type=sa.String(36), nullable=True)
        batch.add_column(sa.Column("employer_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("ip", sa.String(45), nullable=False, server_default=""))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_access_log_employer_id", "access_log", ["employer_id"])
    op.create_table(
        "access_log_chain",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_row_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("checkpoint_row_id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_hash", sa.String(64), nullable=False),
        sa.Column("checkpoint_at", sa.DateTime(timezone=True), nullable=True),
    )

    # existing rows: their employer from the employee, then the chain in id order
    bind.execute(sa.text("UPDATE access_log SET employer_id = "
                         "(SELECT employer_id FROM employee WHERE employee.id = access_log.employee_id)"))
    previous, last_id = "", 0
    rows = []
    access_log = sa.table("access_log", sa.column("id", sa.Integer()), sa.column("row_hash", sa.String()),
                          sa.column("at", sa.DateTime(timezone=True)),
                          *(sa.column(f, sa.String()) for f in HASHED_FIELDS if f != "at"))
    query = sa.select(access_log.c.id, *(access_log.c[f] for f in HASHED_FIELDS)).order_by(access_log.c.id)
    if not context.is_offline_mode():  # offline (--sql) there are no rows to read
        rows = bind.execute(query).mappings().all()
    for row in rows:
        previous, last_id = _chain_hash(previous, row), row["id"]
        bind.execute(access_log.update().where(access_log.c.id == last_id).values(row_hash=previous))
    chain = sa.table("access_log_chain", sa.column("id", sa.Integer()), sa.column("last_row_id", sa.Integer()),
                     sa.column("last_hash", sa.String()), sa.column("checkpoint_row_id", sa.Integer()),
                     sa.column("checkpoint_hash", sa.String()))
    op.execute(chain.insert().values(id=1, last_row_id=last_id, last_hash=previous, checkpoint_row_id=0,
                                     checkpoint_hash=""))

    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in ("access_log_no_update", "access_log_no_delete", "access_log_no_truncate"):
            bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {name} ON access_log"))
        bind.execute(sa.text("DROP FUNCTION IF EXISTS access_log_append_only()"))
    else:
        for name in ("access_log_no_update", "access_log_no_delete"):
            bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
    op.drop_table("access_log_chain")
    op.drop_index("ix_access_log_employer_id", table_name="access_log")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("ip")
        batch.drop_column("employer_id")
    op.drop_table("server_session")
    op.create_table(
        "sign_in_session",
        sa.Column("sid", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_sign_in_session_subject", "sign_in_session", ["subject"])
