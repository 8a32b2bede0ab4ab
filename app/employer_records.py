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


# How long an archived employer's dossiers are kept. The company doctor's medical dossier falls
# under the WGBO (art. 7:454 BW): 20 years from the last change; the rest of the dossier is kept
# with it rather than split up. Deleting after that period is a separate, deliberate act.
RETENTION_YEARS = 20


def archive_employer(organization_id: str, *, dry_run: bool = False) -> Employer | None:
    """Mark the employer bound to this organization archived (its Keycloak organization is being
    removed); its employees, cases and documents stay. Returns the record, or None when the portal
    has none. Archiving twice keeps the first date."""
    from app.models import utcnow

    organization_id = checked_id(organization_id, "organization id")
    employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization_id))
    if employer is not None and employer.archived_at is None and not dry_run:
        employer.archived_at = utcnow()
        db.session.commit()
    return employer


def dossier_count(employer: Employer | None) -> int:
    """The number of employee dossiers of this employer (for the confirmation sentence)."""
    from app.models import Employee

    if employer is None:
        return 0
    return db.session.scalar(db.select(db.func.count(Employee.id)).where(Employee.employer_id == employer.id)) or 0
