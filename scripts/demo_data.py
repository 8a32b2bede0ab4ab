"""Demo data for the local stack: employer EK88's employees, absence cases and documents.

The Keycloak side (organization, users with roles and attributes) is made by scripts/demo.py; this
module only fills the app's database, given the Keycloak ids. Idempotent: running it again
changes nothing. Medical fields hold obviously fake text.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from app.documents import store_document
from app.extensions import db
from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer, ProfessionalAssignment

# DEV ONLY demo people; all e-mail addresses are in the demo employer's domain.
DEMO_EMPLOYEES = [
    {"email": "anna@ek88.nl", "first_name": "Anna", "last_name": "de Vries", "birth_date": "1985-03-14",
     "mobile": "+31612345001"},
    {"email": "bram@ek88.nl", "first_name": "Bram", "last_name": "Jansen", "birth_date": "1979-11-02",
     "mobile": "+31612345002"},
    {"email": "carla@ek88.nl", "first_name": "Carla", "last_name": "Bakker", "birth_date": "1992-07-21",
     "mobile": "+31612345003"},
    {"email": "daan@ek88.nl", "first_name": "Daan", "last_name": "Visser", "birth_date": "1968-01-30",
     "mobile": "+31612345004"},
    {"email": "eva@ek88.nl", "first_name": "Eva", "last_name": "Smit", "birth_date": "1995-09-09",
     "mobile": "+31612345005"},
]
# (employee e-mail, days since first sick day, expected weeks, recovered after days or None, status, advice)
DEMO_CASES = [
    ("anna@ek88.nl", 9, 3, None, CaseStatus.OPEN, "Administratief werk vanuit huis, halve dagen."),
    ("bram@ek88.nl", 75, 16, None, CaseStatus.PARTIAL, "Licht werk, niet tillen, 4 uur per dag."),
    ("carla@ek88.nl", 140, 2, 12, CaseStatus.RECOVERED, ""),
    ("daan@ek88.nl", 50, 10, None, CaseStatus.OPEN, "Nog geen werk mogelijk."),
    ("eva@ek88.nl", 220, 1, 4, CaseStatus.RECOVERED, ""),
]


def tiny_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF that shows one line of text (for demo documents)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def ensure_employer(name: str, org_id: str, alias: str | None = None) -> Employer:
    """The employer bound to this Keycloak organization id (the only key; the alias is display only)."""
    from app.keycloak.ids import checked_id

    org_id = checked_id(org_id, "organization id")
    employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org_id))
    if employer is None:
        employer = Employer(name=name, keycloak_org_id=org_id, keycloak_org_alias=alias)
        db.session.add(employer)
        db.session.commit()
    return employer


def ensure_employee(employer: Employer, *, keycloak_user_id: str | None, email: str, name: str,
                    birth_date: str | None = None, mobile: str | None = None) -> Employee:
    # per employer: a recreated organization is a new employer and gets nothing of its predecessor
    employee = db.session.scalar(db.select(Employee).where(Employee.employer_id == employer.id,
                                                           Employee.email == email))
    if employee is None:
        employee = Employee(employer_id=employer.id, keycloak_user_id=keycloak_user_id, email=email, name=name,
                            birth_date=date.fromisoformat(birth_date) if birth_date else None, mobile=mobile)
        db.session.add(employee)
    else:
        employee.keycloak_user_id = keycloak_user_id or employee.keycloak_user_id
    db.session.commit()
    return employee


def assign_professional(keycloak_user_id: str, employer: Employer) -> None:
    exists = db.session.scalar(db.select(ProfessionalAssignment).where(
        ProfessionalAssignment.keycloak_user_id == keycloak_user_id, ProfessionalAssignment.employer_id == employer.id))
    if not exists:
        db.session.add(ProfessionalAssignment(keycloak_user_id=keycloak_user_id, employer_id=employer.id))
        db.session.commit()


def load_demo(org_id: str, org_alias: str, user_ids: dict[str, str], manager: dict | None = None,
              professionals: list[str] = (), today: date | None = None) -> Employer:
    """Fill the database for EK88. user_ids maps each demo e-mail to its Keycloak user id."""
    today = today or date.today()
    employer = ensure_employer("EK88", org_id, org_alias)
    people = {}
    for person in DEMO_EMPLOYEES:
        people[person["email"]] = ensure_employee(
            employer, keycloak_user_id=user_ids.get(person["email"]), email=person["email"],
            name=f"{person['first_name']} {person['last_name']}", birth_date=person["birth_date"],
            mobile=person["mobile"])
    if manager:
        ensure_employee(employer, keycloak_user_id=user_ids.get(manager["email"]), email=manager["email"],
                        name=f"{manager['first_name']} {manager['last_name']}")
    for sub in professionals:
        assign_professional(sub, employer)
    if any(employee.cases for employee in people.values()):
        return employer  # cases and documents were loaded before
    for email, days_ago, weeks, recovered_after, status, advice in DEMO_CASES:
        first = today - timedelta(days=days_ago)
        db.session.add(AbsenceCase(
            employee_id=people[email].id, first_sick_day=first, expected_recovery=first + timedelta(weeks=weeks),
            recovered_on=first + timedelta(days=recovered_after) if recovered_after else None, status=status,
            work_possible=advice, diagnosis="(demo) fictieve diagnose", cause="(demo) fictieve oorzaak",
            medical_notes="(demo) fictieve aantekening van de bedrijfsarts"))
    db.session.commit()
    for email, kind, title, audience in (
        ("anna@ek88.nl", DocumentKind.INVITATION, "Uitnodiging spreekuur bedrijfsarts", Audience.EMPLOYEE),
        ("bram@ek88.nl", DocumentKind.ABSENCE, "Probleemanalyse", Audience.EMPLOYER),
        ("bram@ek88.nl", DocumentKind.COACHING, "Plan van aanpak re-integratie", Audience.EMPLOYER),
        ("daan@ek88.nl", DocumentKind.ABSENCE, "Medisch verslag bedrijfsarts", Audience.PHYSICIAN),
    ):
        store_document(people[email], kind=kind, title=title, audience=audience, filename=f"{kind}.pdf",
                       data=tiny_pdf(f"{title} (demo)"), created_by="demo")
    current_app.logger.info("demo data loaded for EK88")
    return employer
