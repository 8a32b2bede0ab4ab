"""The portal's employer record kept in step with its Keycloak organization (issue 12, part 1).

The organization id is the only key: creating an employer makes (or finds) the record bound to it,
a rename changes only the display name and alias, never the binding. Run inside an app context.

create_employer, rename_employer and remove_employer are the one path for both front ends, the
provisioning CLI (`provision employer create|rename|delete`) and the arbodienst's staff pages: the
Keycloak organization and the portal record change together, in the same order."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app import keycloak as kc
from app.keycloak import employers as kc_employers
from app.extensions import db
from app.keycloak.ids import checked_id
from app.models import AbsenceCase, Document, Employee, Employer

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

# an employer's e-mail domain as Keycloak organizations take it (lower case, at least one dot)
DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")


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
    return kept_records(employer)["dossiers"]


def kept_records(employer: Employer | None) -> dict[str, int]:
    """What archiving keeps: the employer's dossiers, absence cases and documents (counts)."""
    if employer is None:
        return {"dossiers": 0, "cases": 0, "documents": 0}
    employees = db.select(Employee.id).where(Employee.employer_id == employer.id).scalar_subquery()
    return {
        "dossiers": db.session.scalar(db.select(db.func.count(Employee.id)).where(Employee.employer_id == employer.id)) or 0,
        "cases": db.session.scalar(db.select(db.func.count(AbsenceCase.id)).where(AbsenceCase.employee_id.in_(employees))) or 0,
        "documents": db.session.scalar(db.select(db.func.count(Document.id)).where(Document.employee_id.in_(employees))) or 0,
    }


def create_employer(admin: KeycloakAdmin, name: str, domain: str) -> tuple[str, bool, str]:
    """The organization (with its domain and role groups) and the portal record bound to its id;
    (organization id, whether the organization is new, the portal outcome). Re-running binds a
    record made before and creates nothing twice."""
    existing = kc.errors.guarded(kc.organizations.find_organization, admin, name)
    organization_id = kc.errors.guarded(kc.organizations.ensure_organization, admin, name, domain.lower())
    alias = (existing or {}).get("alias") or kc.organizations.alias(name)
    portal, _changes = sync_employer(organization_id, name, alias)
    return organization_id, existing is None, portal


def rename_employer(admin: KeycloakAdmin, organization: dict, new_name: str) -> bool:
    """A new name for the organization and its record, found by the id: every binding stays. False
    when it had that name already; kc_employers.EmployerExists when another employer has it."""
    renamed = kc_employers.rename_organization(admin, organization["id"], new_name)
    sync_employer(organization["id"], new_name, organization.get("alias") or None)
    return renamed


def remove_employer(admin: KeycloakAdmin, organization_id: str) -> Employer | None:
    """Archive the record first (a failure below leaves an archived record, never a lost one), then
    delete the organization and its role groups: nobody signs in for it or holds a role there."""
    record = archive_employer(organization_id)
    kc.organizations.delete_employer(admin, organization_id)
    return record
