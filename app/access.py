"""The per-object access policy: the one place that decides who may see which employer, case,
document and field.

Relations a signed-in user can have to an employee's data, strongest first:
- "professional": a physician or staff member assigned to the employee's employer: everything,
  medical fields included;
- "self": the employee themself: their dossier, their cases without the physician's medical
  fields, the documents meant for them;
- "manager": a manager/superuser whose Keycloak organization is the employee's employer: the absence
  overview only (never diagnosis, cause, medical notes, nor physician-only documents).
Anything else is no relation, and the loaders below answer 404 whether or not the object exists.

Views are built from explicit allow-lists of fields (CASE_FIELDS), never by hiding fields in a
template, so a forgotten template check cannot leak a medical field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask import abort, g
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import AbsenceCase, Audience, Document, Employee, Employer, ProfessionalAssignment

PROFESSIONAL, SELF, MANAGER = "professional", "self", "manager"
MANAGER_ROLES = frozenset({"manager", "superuser"})
PROFESSIONAL_ROLES = frozenset({"physician", "staff"})

# What each relation may read of an absence case. The medical fields appear only in PROFESSIONAL.
_OVERVIEW_FIELDS = ("id", "employee_id", "employee_name", "first_sick_day", "expected_recovery", "expected_weeks",
                    "recovered_on", "status", "work_possible", "days_absent", "is_long")
MEDICAL_FIELDS = ("diagnosis", "cause", "medical_notes")
CASE_FIELDS = {
    MANAGER: _OVERVIEW_FIELDS,
    SELF: _OVERVIEW_FIELDS,
    PROFESSIONAL: _OVERVIEW_FIELDS + MEDICAL_FIELDS,
}
# Which document audiences each relation may open (professionals: all of them).
DOCUMENT_AUDIENCES = {
    MANAGER: frozenset({Audience.EMPLOYER}),
    SELF: frozenset({Audience.EMPLOYEE, Audience.EMPLOYER}),
    PROFESSIONAL: frozenset(Audience.ALL),
}
LONG_CASE_DAYS = 42  # six weeks: the problem analysis is due (Wet verbetering poortwachter)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as far as access is concerned, from the session (no Keycloak call)."""

    sub: str
    name: str
    roles: frozenset[str]
    organization_ids: frozenset[str]
    organization_aliases: frozenset[str] = frozenset()

    @classmethod
    def from_user(cls, user: dict) -> "Viewer":
        """Keycloak's organization claim is {alias: {"id": ...}} when the mapper adds ids, else [alias, ...]."""
        organizations = user.get("organizations") or {}
        if isinstance(organizations, dict):
            aliases = set(organizations)
            ids = {v.get("id") for v in organizations.values() if isinstance(v, dict) and v.get("id")}
        else:
            aliases, ids = {a for a in organizations if isinstance(a, str)}, set()
        return cls(sub=user["sub"], name=user.get("name") or user.get("email", ""),
                   roles=frozenset(user.get("roles", [])), organization_ids=frozenset(ids),
                   organization_aliases=frozenset(aliases))

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)

    @property
    def is_professional(self) -> bool:
        return bool(self.roles & PROFESSIONAL_ROLES)

    @property
    def may_invite(self) -> bool:
        return "superuser" in self.roles and bool(self.organization_ids or self.organization_aliases)

    def role_for(self, relation: str) -> str:
        """The role to write in the access log for a read through this relation."""
        if relation == PROFESSIONAL:
            return "physician" if "physician" in self.roles else "staff"
        if relation == MANAGER:
            return "superuser" if "superuser" in self.roles else "manager"
        return "employee"


def current_viewer() -> Viewer:
    return Viewer.from_user(g.user)


def managed_employer_ids(viewer: Viewer) -> list[str]:
    """The employers whose absence overview this manager may see: their Keycloak organizations."""
    if not viewer.is_manager or not (viewer.organization_ids or viewer.organization_aliases):
        return []
    # the id when the claim carries it; the alias (unique in the realm, set by Keycloak) otherwise
    query = db.select(Employer.id).where(db.or_(Employer.keycloak_org_id.in_(viewer.organization_ids),
                                                Employer.keycloak_org_alias.in_(viewer.organization_aliases)))
    return list(db.session.scalars(query))


def served_employer_ids(viewer: Viewer) -> list[str]:
    """The employers this physician/staff member is assigned to."""
    if not viewer.is_professional:
        return []
    query = db.select(ProfessionalAssignment.employer_id).where(ProfessionalAssignment.keycloak_user_id == viewer.sub)
    return list(db.session.scalars(query))


def own_employee(viewer: Viewer) -> Employee | None:
    return db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == viewer.sub))


def relation_to(viewer: Viewer, employee: Employee) -> str | None:
    """How the viewer relates to this employee's data; None means: no access at all."""
    if employee.employer_id in served_employer_ids(viewer):
        return PROFESSIONAL
    if employee.keycloak_user_id and employee.keycloak_user_id == viewer.sub:
        return SELF
    if employee.employer_id in managed_employer_ids(viewer):
        return MANAGER
    return None


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        abort(404)


def employee_or_404(viewer: Viewer, employee_id: str, allowed: tuple[str, ...] = (PROFESSIONAL, SELF)):
    """The employee and the viewer's relation, or 404 (the same 404 whether it exists or not)."""
    employee = db.session.get(Employee, _uuid_or_404(employee_id))
    relation = relation_to(viewer, employee) if employee else None
    if relation not in allowed:
        abort(404)
    return employee, relation


def case_or_404(viewer: Viewer, case_id: str):
    case = db.session.get(AbsenceCase, _uuid_or_404(case_id))
    relation = relation_to(viewer, case.employee) if case else None
    if relation is None:
        abort(404)
    return case, relation


def document_or_404(viewer: Viewer, document_id: str):
    document = db.session.get(Document, _uuid_or_404(document_id))
    relation = relation_to(viewer, document.employee) if document else None
    if relation is None or document.audience not in DOCUMENT_AUDIENCES[relation]:
        abort(404)
    return document, relation


def visible_documents(employee: Employee, relation: str) -> list[Document]:
    return [d for d in employee.documents if d.audience in DOCUMENT_AUDIENCES[relation]]


def case_view(case: AbsenceCase, relation: str, today: date | None = None) -> dict:
    """The case as this relation may see it: only the allow-listed fields, nothing else."""
    today = today or date.today()
    days_absent = (case.last_day(today) - case.first_sick_day).days + 1
    values = {
        "id": case.id, "employee_id": case.employee_id, "employee_name": case.employee.name,
        "first_sick_day": case.first_sick_day, "expected_recovery": case.expected_recovery,
        "expected_weeks": case.expected_weeks(), "recovered_on": case.recovered_on, "status": case.status,
        "work_possible": case.work_possible, "days_absent": days_absent,
        "is_long": case.recovered_on is None and days_absent > LONG_CASE_DAYS,
    }
    if relation == PROFESSIONAL:
        values |= {"diagnosis": case.diagnosis, "cause": case.cause, "medical_notes": case.medical_notes}
    return {field: values[field] for field in CASE_FIELDS[relation]}


def employer_cases(employer_ids: list[str]) -> list[AbsenceCase]:
    if not employer_ids:
        return []
    query = (db.select(AbsenceCase).join(Employee).where(Employee.employer_id.in_(employer_ids))
             .options(contains_eager(AbsenceCase.employee))  # one query, not one per employee
             .order_by(AbsenceCase.first_sick_day.desc()))
    return list(db.session.scalars(query))
