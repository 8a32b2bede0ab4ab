"""Which employers a physician or staff member serves: ProfessionalAssignment rows (issue 12, part 1).

app.access gives a professional every dossier of the employers assigned here, medical fields
included, so an assignment is only ever added explicitly (`provision invite --role physician
--employer ...`), one employer at a time, by the portal's own employer id. Run in an app context."""

from __future__ import annotations

from app.extensions import db
from app.keycloak.ids import checked_id
from app.models import Employer, ProfessionalAssignment


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
