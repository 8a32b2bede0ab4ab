"""Each employee's dossier record kept in step with the HR import (issue 12, part 1).

Pure functions over the SQLAlchemy session (run inside an app context), so every rule is unit-tested
without Keycloak. The HR system's key is the personnel number within one employer; a row without
one is matched on its e-mail address within that employer. Re-running the same file changes
nothing; a row that changes an existing employee reports each change as (field, old, new); a leaver
is marked (left_on), never deleted: the dossier is kept for the legal retention time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.models import Employee, Employer

# The fields the HR import keeps, in report order. A field the caller does not pass is left alone
# (a file without a department column does not wipe departments).
FIELDS = ("name", "email", "personnel_number", "birth_date", "mobile", "department", "start_date", "left_on")
# Dutch labels for the CLI's report (the --json report uses the field names above)
LABELS = {"name": "naam", "email": "e-mail", "personnel_number": "personeelsnummer", "birth_date": "geboortedatum",
          "mobile": "mobiel", "department": "afdeling", "start_date": "in dienst", "left_on": "uit dienst"}


class RecordConflict(Exception):
    """The row cannot be matched unambiguously to one dossier (one sentence for the report)."""


@dataclass
class Outcome:
    """What happened (or, in a dry run, would happen) to one dossier."""

    outcome: str                 # created, updated, unchanged, left
    email: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    employee_id: str | None = None
    linked: bool = False         # the dossier was linked to its Keycloak account just now

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "email": self.email, "linked": self.linked,
                "changes": [{"field": f, "from": _text(old), "to": _text(new)} for f, old, new in self.changes]}


def describe(changes: list[tuple[str, object, object]]) -> str:
    """ "afdeling: Inkoop -> Verkoop; mobiel: ... " for the table report."""
    return "; ".join(f"{LABELS.get(f, f)}: {_text(old) or '(leeg)'} -> {_text(new) or '(leeg)'}"
                     for f, old, new in changes)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def find_employee(employer: Employer, *, email: str, personnel_number: str | None = None) -> Employee | None:
    """The dossier this row is about: by personnel number, else by e-mail (within this employer only)."""
    if personnel_number:
        by_number = db.session.scalar(db.select(Employee).where(
            Employee.employer_id == employer.id, Employee.personnel_number == personnel_number))
        if by_number is not None:
            return by_number
    by_email = db.session.scalar(db.select(Employee).where(
        Employee.employer_id == employer.id, db.func.lower(Employee.email) == email.lower()))
    if by_email is not None and personnel_number and by_email.personnel_number not in (None, personnel_number):
        raise RecordConflict(f"{email} hoort bij personeelsnummer {by_email.personnel_number}, "
                             f"niet bij {personnel_number}")
    return by_email


def sync_employee(employer: Employer, wanted: dict, *, keycloak_user_id: str | None = None,
                  dry_run: bool = False, commit: bool = True) -> Outcome:
    """Create or update one employee's dossier record from the fields in wanted (see FIELDS).

    wanted must hold email and name; other fields only when the file has them (None clears them,
    e.g. left_on of someone re-hired). The account is linked when the record has none yet and no
    other dossier holds it. dry_run computes the same outcome without writing. commit=False leaves
    the commit to the caller: an import writes all its dossiers in one transaction (and far faster)."""
    unknown = set(wanted) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown employee field(s): {', '.join(sorted(unknown))}")
    employee = find_employee(employer, email=wanted["email"], personnel_number=wanted.get("personnel_number"))
    link = keycloak_user_id and (employee is None or employee.keycloak_user_id is None) and not _account_taken(
        keycloak_user_id, employee)
    if employee is None:
        changes = [(f, None, wanted[f]) for f in FIELDS if wanted.get(f) is not None]
        result = Outcome("created", wanted["email"], changes, linked=bool(link))
        if not dry_run:
            employee = Employee(employer_id=employer.id, keycloak_user_id=keycloak_user_id if link else None,
                                **{f: wanted[f] for f in FIELDS if f in wanted})
            db.session.add(employee)
            db.session.flush()  # the id, and the unique constraints checked now, for this row
            result.employee_id = employee.id
            if commit:
                db.session.commit()
        return result
    changes = [(f, getattr(employee, f), wanted[f]) for f in FIELDS if f in wanted and getattr(employee, f) != wanted[f]]
    if not changes and not link:
        return Outcome("unchanged", wanted["email"], employee_id=employee.id)
    newly_left = any(f == "left_on" and old is None and new is not None for f, old, new in changes)
    result = Outcome("left" if newly_left else "updated", wanted["email"], changes, employee.id, bool(link))
    if not dry_run:
        for f, _old, new in changes:
            setattr(employee, f, new)
        if link:
            employee.keycloak_user_id = keycloak_user_id
        if commit:
            db.session.commit()
    return result


def _account_taken(keycloak_user_id: str, employee: Employee | None) -> bool:
    """One account, one dossier (the portal finds an employee's own dossier by their account)."""
    holder = db.session.scalar(db.select(Employee.id).where(Employee.keycloak_user_id == keycloak_user_id))
    return holder is not None and (employee is None or holder != employee.id)


def mark_missing_as_left(employer: Employer, present_ids: set[str], today: date, *,
                         dry_run: bool = False) -> list[Outcome]:
    """Mark every current employee of this employer whose dossier is not among present_ids as left
    today (the HR export no longer lists them). Nothing is deleted."""
    query = (db.select(Employee).where(Employee.employer_id == employer.id, Employee.left_on.is_(None))
             .order_by(Employee.name))
    results = []
    for employee in db.session.scalars(query):
        if employee.id in present_ids:
            continue
        results.append(Outcome("left", employee.email, [("left_on", None, today)], employee.id))
        if not dry_run:
            employee.left_on = today
    if not dry_run:
        db.session.commit()
    return results
