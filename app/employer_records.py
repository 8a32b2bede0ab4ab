"""The portal's employer record kept in step with its Keycloak organization (issue 12, part 1).

The organization id is the only key: creating an employer makes (or finds) the record bound to it,
a rename changes only the display name and alias, never the binding. Run inside an app context."""

from __future__ import annotations

from app.extensions import db
from app.keycloak.ids import checked_id
from app.models import Employer


def sync_employer(organization_id: str, name: str, alias: str | None = None,
                  *, dry_run: bool = False) -> tuple[str, list[tuple[str, str | None, str]]]:
    """Create or update the record for one organization; returns (outcome, changes).

    outcome is "created", "updated" or "unchanged"; changes lists (field, old, new). Idempotent:
    a second call with the same values changes nothing. dry_run reports without writing."""
    organization_id = checked_id(organization_id, "organization id")  # raises InvalidId for non-ids
    employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization_id))
    wanted = {"name": name, "keycloak_org_alias": alias}
    if employer is None:
        if not dry_run:
            db.session.add(Employer(name=name, keycloak_org_id=organization_id, keycloak_org_alias=alias))
            db.session.commit()
        return "created", [(field, None, value) for field, value in wanted.items() if value is not None]
    changes = [(field, getattr(employer, field), value) for field, value in wanted.items()
               if value is not None and getattr(employer, field) != value]
    if not changes:
        return "unchanged", []
    if not dry_run:
        for field, _old, value in changes:
            setattr(employer, field, value)
        db.session.commit()
    return "updated", changes
