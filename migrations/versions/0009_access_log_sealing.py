"""The access log is sealed after the append: a row is inserted with an empty row_hash and a sealer
links it into the hash chain in id order shortly after (app/audit_chain.py), so a page view no
longer waits on the one chain-head row lock (issue 14: 20-30 req/s on PostgreSQL).

- The UPDATE trigger lets exactly one change through: an unsealed row (row_hash '') getting its
  hash, every recorded field unchanged. A sealed row stays immutable; DELETE is refused as before.
- PostgreSQL: the id sequence moves past the chain's end (appends used to set the id themselves).

Revision ID: 0009_access_log_sealing
Revises: 0007_employer_data_version
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_access_log_sealing"
down_revision = "0008_employee_list_index"
branch_labels = None
depends_on = None

COLUMNS = ("id", "at", "actor_sub", "actor_name", "actor_role", "employee_id", "employer_id", "action",
           "object_id", "ip")
STRICT_SQLITE = ("CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
                 "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END")
SEAL_ONLY_SQLITE = ("CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log WHEN NOT (OLD.row_hash = '' AND "
                    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)
                    + ") BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END")
SEAL_ONLY_POSTGRES = (
    "CREATE OR REPLACE FUNCTION access_log_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF OLD.row_hash = '' AND ROW(" + ", ".join(f"NEW.{c}" for c in COLUMNS) + ") IS NOT DISTINCT FROM ROW("
    + ", ".join(f"OLD.{c}" for c in COLUMNS) + ") THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'access_log is append-only'; END $$"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(SEAL_ONLY_POSTGRES)
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update ON access_log")
        op.execute("CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
                   "FOR EACH ROW EXECUTE FUNCTION access_log_seal_only()")
        op.execute("SELECT setval(pg_get_serial_sequence('access_log', 'id'), GREATEST(chain_end, 1), chain_end > 0) "
                   "FROM (SELECT GREATEST((SELECT COALESCE(MAX(last_row_id), 0) FROM access_log_chain), "
                   "(SELECT COALESCE(MAX(id), 0) FROM access_log)) AS chain_end) AS ends")
    else:
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update")
        op.execute(SEAL_ONLY_SQLITE)


def downgrade() -> None:
    # run `flask audit verify` first: it seals every row, which the old code expects
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update ON access_log")
        op.execute("CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
                   "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()")
        op.execute("DROP FUNCTION IF EXISTS access_log_seal_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update")
        op.execute(STRICT_SQLITE)
