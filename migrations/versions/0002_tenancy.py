"""Tenancy: an employer is matched by its Keycloak organization id only.

Before this revision the portal matched an employer on the organization's id *or* alias, so an
employer deleted and recreated under the same name inherited its predecessor's dossiers. From now
on keycloak_org_id is the only key: a canonical (lower-case) Keycloak id, unique. Rows whose value
is not a Keycloak id, or that have only an alias, are kept (with their employees and cases) but
match nobody until an administrator binds them to the right organization:

    flask --app app.wsgi bind-employer --employer <name or id> --organization-id <organization id>

(`python -m scripts.provision employer list` shows the ids). The alias stays, for display only.

Revision ID: 0002_tenancy
Revises: 0001
Create Date: 2026-12-03
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0002_tenancy"
down_revision = "0001"
branch_labels = None
depends_on = None

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def upgrade() -> None:
    employer = sa.table("employer", sa.column("id", sa.String), sa.column("keycloak_org_id", sa.String))
    bind = op.get_bind()
    seen = set()
    for row_id, org_id in bind.execute(sa.select(employer.c.id, employer.c.keycloak_org_id)).all():
        canonical = (org_id or "").strip().lower()
        if not _UUID.fullmatch(canonical) or canonical in seen:
            canonical = None  # not a Keycloak id (or a duplicate): unbound, matches nobody until bound
        else:
            seen.add(canonical)
        if canonical != org_id:
            bind.execute(employer.update().where(employer.c.id == row_id).values(keycloak_org_id=canonical))
    with op.batch_alter_table("employer") as batch:
        batch.alter_column("keycloak_org_id", type_=sa.String(36), existing_type=sa.String(64), existing_nullable=True)
        batch.create_check_constraint("ck_employer_keycloak_org_id_is_an_id",
                                      "keycloak_org_id IS NULL OR length(keycloak_org_id) = 36")


def downgrade() -> None:
    with op.batch_alter_table("employer") as batch:
        batch.drop_constraint("ck_employer_keycloak_org_id_is_an_id", type_="check")
        batch.alter_column("keycloak_org_id", type_=sa.String(64), existing_type=sa.String(36), existing_nullable=True)
