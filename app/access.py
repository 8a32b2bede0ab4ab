"""The per-object access policy: the one place that decides who may see which employer, case,
document and field.

Relations a signed-in user can have to an employee's data, strongest first:
- "professional": a physician or staff member assigned to the employee's employer: everything,
  medical fields included;
- "self": the employee themself: their dossier, their cases without the physician's medical
  fields, the documents meant for them;
- "manager": a manager/superuser *of the employer they act for*, which is the employee's employer:
  the absence overview only (never diagnosis, cause, medical notes, nor physician-only documents).
  The role is held per employer (a Keycloak organization group, matched by organization id);
  being a manager of employer B and a plain member of A gives nothing at A.
Anything else is no relation, and the loaders below answer 404 whether or not the object exists.

Views are built from explicit allow-lists of fields (CASE_FIELDS), never by hiding fields in a
template, so a forgotten template check cannot leak a medical field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import abort, g, has_request_context
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import AbsenceCase, Audience, Document, Employee, Employer, ProfessionalAssignment

PROFESSIONAL, SELF, MANAGER = "professional", "self", "manager"
MANAGER_ROLES = frozenset({"manager", "superuser"})
PROFESSIONAL_ROLES = frozenset({"physician", "staff"})

# What each relation may read of an absence case. The medical fields are the physician's alone: the
# arbodienst's staff (casemanager) work the case with the same fields as everyone else, and a view
# adds MEDICAL_FIELDS only when sees_medical() says so (the bedrijfsarts, through the arbodienst).
_OVERVIEW_FIELDS = ("id", "employee_id", "employee_name", "first_sick_day", "expected_recovery", "expected_weeks",
                    "recovered_on", "status", "work_possible", "days_absent", "is_long")
MEDICAL_FIELDS = ("diagnosis", "cause", "medical_notes")
CASE_FIELDS = {
    MANAGER: _OVERVIEW_FIELDS,
    SELF: _OVERVIEW_FIELDS,
    PROFESSIONAL: _OVERVIEW_FIELDS,
}
# Which document audiences each relation may open; the medical audience (Audience.PHYSICIAN) only
# when sees_medical() says so.
DOCUMENT_AUDIENCES = {
    MANAGER: frozenset({Audience.EMPLOYER}),
    SELF: frozenset({Audience.EMPLOYEE, Audience.EMPLOYER}),
    PROFESSIONAL: frozenset(Audience.ALL) - {Audience.PHYSICIAN},
}
MEDICAL_ROLE = "physician"
LONG_CASE_DAYS = 42  # six weeks: the problem analysis is due (Wet verbetering poortwachter)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as far as access is concerned, from the session (no Keycloak call).

    roles are realm roles (employee, physician, staff). employers maps each Keycloak organization
    id the user is a member of to the roles held there (manager, superuser). acting_for is the one
    organization the user acts for now (the employer switcher); manager rights apply there only.
    """

    sub: str
    name: str
    roles: frozenset[str]
    employers: dict = field(default_factory=dict, compare=False, hash=False)
    acting_for: str | None = None

    @classmethod
    def from_user(cls, user: dict, acting_for: str | None = None) -> "Viewer":
        employers = {org_id: frozenset(details.get("roles") or ()) & MANAGER_ROLES
                     for org_id, details in (user.get("employers") or {}).items()}
        viewer = cls(sub=user["sub"], name=user.get("name") or user.get("email", ""),
                     roles=frozenset(user.get("roles", [])) - MANAGER_ROLES, employers=employers)
        return cls(viewer.sub, viewer.name, viewer.roles, employers, choose_employer(viewer, acting_for))

    def roles_at(self, organization_id: str | None) -> frozenset[str]:
        return self.employers.get(organization_id, frozenset()) if organization_id else frozenset()

    @property
    def acting_roles(self) -> frozenset[str]:
        return self.roles_at(self.acting_for)

    @property
    def is_manager(self) -> bool:
        return bool(self.acting_roles & MANAGER_ROLES)

    @property
    def is_professional(self) -> bool:
        return bool(self.roles & PROFESSIONAL_ROLES)

    @property
    def may_invite(self) -> bool:
        return "superuser" in self.acting_roles

    def role_for(self, relation: str) -> str:
        """The role to write in the access log for a read through this relation."""
        if relation == PROFESSIONAL:
            return "physician" if "physician" in self.roles else "staff"
        if relation == MANAGER:
            return "superuser" if "superuser" in self.acting_roles else "manager"
        return "employee"


def employer_choices(viewer: Viewer) -> list[str]:
    """The organization ids the viewer may act for: those where they hold a role, in a fixed order."""
    return sorted(org_id for org_id, roles in viewer.employers.items() if roles & MANAGER_ROLES)


def choose_employer(viewer: Viewer, wanted: str | None) -> str | None:
    """The wanted organization id when the viewer may act for it, else the first they may act for."""
    choices = employer_choices(viewer)
    if wanted in choices:
        return wanted
    return choices[0] if choices else None


SESSION_KEY = "acting_employer"  # the Keycloak organization id the user chose to act for


def current_viewer() -> Viewer:
    """The signed-in user, acting for the employer chosen in the session (checked on every request)."""
    from flask import session

    return Viewer.from_user(g.user, session.get(SESSION_KEY))


def employer_for_org(organization_id: str | None) -> Employer | None:
    """The portal's employer bound to this Keycloak organization id (ids only: an alias matches nothing)."""
    if not organization_id:
        return None
    # asked several times per page (access checks, the employer switcher in base.html): once per request
    memo = g.setdefault("_employer_for_org", {}) if has_request_context() else {}
    if organization_id not in memo:
        # an archived employer (removed by the arbodienst) is nobody's any more: its overview is gone
        memo[organization_id] = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization_id,
                                                                            Employer.archived_at.is_(None)))
    return memo[organization_id]


def managed_employer_ids(viewer: Viewer) -> list[str]:
    """The employer whose absence overview this manager may see: the one they act for, if they hold
    manager or superuser there. A realm role named manager grants nothing."""
    if not viewer.is_manager:
        return []
    employer = employer_for_org(viewer.acting_for)
    return [employer.id] if employer else []


def served_employer_ids(viewer: Viewer) -> list[str]:
    """The employers this physician/staff member is assigned to."""
    if not viewer.is_professional:
        return []
    query = (db.select(ProfessionalAssignment.employer_id).join(Employer, Employer.id == ProfessionalAssignment.employer_id)
             .where(ProfessionalAssignment.keycloak_user_id == viewer.sub, Employer.archived_at.is_(None)))
    return list(db.session.scalars(query))


# A dossier page in two statements: the employee with employer and cases (joined), then the documents.
DOSSIER_LOAD = (joinedload(Employee.employer), joinedload(Employee.cases), selectinload(Employee.documents))


def _own(query, viewer: Viewer):
    """The viewer's own dossier row(s); none at an archived employer (kept for the retention time, not shown)."""
    return query.join(Employee.employer).where(Employee.keycloak_user_id == viewer.sub, Employer.archived_at.is_(None))


def own_employee(viewer: Viewer, *options) -> Employee | None:
    """The viewer's own dossier."""
    return db.session.scalars(_own(db.select(Employee), viewer).options(*options)).unique().first()


def has_own_dossier(viewer: Viewer) -> bool:
    """Whether own_employee would find a dossier, without loading it (the overview's link to it)."""
    return db.session.execute(_own(db.select(Employee.id), viewer).limit(1)).first() is not None


def relation_to(viewer: Viewer, employee: Employee) -> str | None:
    """How the viewer relates to this employee's data; None means: no access at all."""
    if employee.employer_id in served_employer_ids(viewer):
        return PROFESSIONAL
    if employee.keycloak_user_id and employee.keycloak_user_id == viewer.sub and employee.employer.archived_at is None:
        return SELF
    if employee.employer_id in managed_employer_ids(viewer):
        return MANAGER
    return None


def require(*realm_roles: str, employer_role: str | None = None):
    """A view decorator: signed in, and holding one of these realm roles (or this role at the employer
    acted for); everything else gets the same 404 as a page that does not exist."""
    import functools

    from app.auth import login_required

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(**kwargs):
            viewer = current_viewer()
            allowed = bool(viewer.roles & set(realm_roles)) or (employer_role in viewer.acting_roles)
            if not allowed:
                abort(404)
            return view(**kwargs)

        return wrapped

    return decorator


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        abort(404)


def employee_or_404(viewer: Viewer, employee_id: str, allowed: tuple[str, ...] = (PROFESSIONAL, SELF), options=()):
    """The employee and the viewer's relation, or 404 (the same 404 whether it exists or not)."""
    employee = db.session.get(Employee, _uuid_or_404(employee_id), options=options or (joinedload(Employee.employer),))
    relation = relation_to(viewer, employee) if employee else None
    if relation not in allowed:
        abort(404)
    return employee, relation


def case_or_404(viewer: Viewer, case_id: str):
    # the case, its employee and employer in one statement (the relation check and the page need them)
    case = db.session.get(AbsenceCase, _uuid_or_404(case_id),
                          options=(joinedload(AbsenceCase.employee).joinedload(Employee.employer),))
    relation = relation_to(viewer, case.employee) if case else None
    if relation is None:
        abort(404)
    return case, relation


def sees_medical(viewer: Viewer, relation: str | None) -> bool:
    """Diagnosis, cause, medical notes and medical documents: the physician serving the employer only."""
    return relation == PROFESSIONAL and MEDICAL_ROLE in viewer.roles


def document_audiences(viewer: Viewer, relation: str) -> frozenset[str]:
    audiences = DOCUMENT_AUDIENCES[relation]
    return audiences | {Audience.PHYSICIAN} if sees_medical(viewer, relation) else audiences


def document_or_404(viewer: Viewer, document_id: str):
    document = db.session.get(Document, _uuid_or_404(document_id),
                              options=(joinedload(Document.employee).joinedload(Employee.employer),))
    relation = relation_to(viewer, document.employee) if document else None
    if relation is None or document.audience not in document_audiences(viewer, relation):
        abort(404)
    return document, relation


def visible_documents(employee: Employee, relation: str, viewer: Viewer) -> list[Document]:
    audiences = document_audiences(viewer, relation)
    return [d for d in employee.documents if d.audience in audiences]


def case_view(case: AbsenceCase, relation: str, today: date | None = None, *, medical: bool = False) -> dict:
    """The case as this relation may see it: only the allow-listed fields, nothing else; the medical
    fields too only with medical=sees_medical(viewer, relation)."""
    today = today or date.today()
    days_absent = (case.last_day(today) - case.first_sick_day).days + 1
    values = {
        "id": case.id, "employee_id": case.employee_id, "employee_name": case.employee.name,
        "first_sick_day": case.first_sick_day, "expected_recovery": case.expected_recovery,
        "expected_weeks": case.expected_weeks(), "recovered_on": case.recovered_on, "status": case.status,
        "work_possible": case.work_possible, "days_absent": days_absent,
        "is_long": case.recovered_on is None and days_absent > LONG_CASE_DAYS,
    }
    fields = CASE_FIELDS[relation]
    if medical and relation == PROFESSIONAL:
        values |= {"diagnosis": case.diagnosis, "cause": case.cause, "medical_notes": case.medical_notes}
        fields += MEDICAL_FIELDS
    return {field: values[field] for field in fields}


def employer_cases(employer_ids: list[str]) -> list[AbsenceCase]:
    if not employer_ids:
        return []
    query = (db.select(AbsenceCase).join(Employee).where(Employee.employer_id.in_(employer_ids))
             .options(contains_eager(AbsenceCase.employee))  # one query, not one per employee
             .order_by(AbsenceCase.first_sick_day.desc()))
    return list(db.session.scalars(query))
