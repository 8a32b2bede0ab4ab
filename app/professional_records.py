"""Which employers a physician or staff member serves: ProfessionalAssignment rows (issue 12, part 1).

app.access gives a professional every dossier of the employers assigned here, medical fields
included, so an assignment is only ever added explicitly (`provision invite --role physician
--employer ...` or the staff page's invitation form), one employer at a time, by the portal's own
employer id. Run in an app context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.extensions import db
from app.keycloak import professionals as kc_professionals
from app.keycloak.ids import checked_id
from app.models import Employer, ProfessionalAssignment

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin


def assign(keycloak_user_id: str, employers: list[Employer], *, dry_run: bool = False) -> list[Employer]:
    """Assign these employers to the professional; returns those that were not assigned yet."""
    keycloak_user_id = checked_id(keycloak_user_id, "user id")
    held = set(db.session.scalars(db.select(ProfessionalAssignment.employer_id).where(
        ProfessionalAssignment.keycloak_user_id == keycloak_user_id)))
    added = [e for e in dict.fromkeys(employers) if e.id not in held]
    if added and not dry_run:
        db.session.add_all(ProfessionalAssignment(keycloak_user_id=keycloak_user_id, employer_id=e.id) for e in added)
        db.session.commit()
    return added


def served(keycloak_user_id: str) -> list[Employer]:
    """The employers this professional serves, by name."""
    query = (db.select(Employer).join(ProfessionalAssignment, ProfessionalAssignment.employer_id == Employer.id)
             .where(ProfessionalAssignment.keycloak_user_id == checked_id(keycloak_user_id, "user id"))
             .order_by(Employer.name))
    return list(db.session.scalars(query))


def invite(admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, role: str, employers: list[Employer],
           existing_account: bool = False, client_id: str | None = None,
           redirect_uri: str | None = None) -> tuple[str, str, list[Employer]]:
    """A company doctor or staff member, for the CLI (`provision invite --role physician|staff`) and the
    staff page alike: the account with its realm role and the invitation e-mail (ensure_professional),
    then the employers they serve. (user id, what happened in Keycloak, the employers newly assigned)."""
    user_id, outcome = kc_professionals.ensure_professional(
        admin, email=email, first_name=first_name, last_name=last_name, role=role,
        existing_account=existing_account, client_id=client_id, redirect_uri=redirect_uri)
    return user_id, outcome, assign(user_id, employers)
