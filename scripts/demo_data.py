"""Demo data for the local stack: employer EK88's employees, absence cases and documents.

The Keycloak side (organization, users with roles and attributes) is made by scripts/demo.py; this
module only fills the app's database, given the Keycloak ids. Idempotent: running it again
changes nothing. Medical fields hold obviously fake text.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from app import case_records, data_version, employee_records, employer_records, professional_records
from app.documents import store_document
from app.extensions import db
from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer

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


# The portal's records are made by the same code as `provision employer create`, `import` and
# `invite --role physician` (app.employer_records, app.employee_records, app.professional_records).

def ensure_employer(name: str, org_id: str, alias: str | None = None) -> Employer:
    """The employer bound to this Keycloak organization id (the only key; the alias is display only)."""
    from app.keycloak.ids import checked_id

    org_id = checked_id(org_id, "organization id")
    employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org_id))
    if employer is None:
        employer_records.sync_employer(org_id, name, alias)
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org_id))
    return employer


def ensure_employee(employer: Employer, *, keycloak_user_id: str | None, email: str, name: str,
                    birth_date: str | None = None, mobile: str | None = None) -> Employee:
    # per employer: a recreated organization is a new employer and gets nothing of its predecessor
    wanted = {"email": email, "name": name} | ({"birth_date": date.fromisoformat(birth_date)} if birth_date else {}) \
        | ({"mobile": mobile} if mobile else {})
    employee_records.sync_employee(employer, wanted, keycloak_user_id=keycloak_user_id)
    return employee_records.find_employee(employer, email=email)


def assign_professional(keycloak_user_id: str, employer: Employer) -> None:
    professional_records.assign(keycloak_user_id, [employer])


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
    # through the same code as the case pages and the import (history included), not separate inserts
    demo, physician = case_records.Actor("demo", "demo", "staff"), case_records.Actor("demo", "demo", "physician")
    for email, days_ago, weeks, recovered_after, status, advice in DEMO_CASES:
        first = today - timedelta(days=days_ago)
        case = case_records.open_case(people[email], demo, first_sick_day=first, work_possible=advice, today=today,
                                      expected_recovery=case_records.expected_recovery_from_weeks(first, weeks))
        case_records.record_medical(case, physician, diagnosis="(demo) fictieve diagnose",
                                    cause="(demo) fictieve oorzaak",
                                    medical_notes="(demo) fictieve aantekening van de bedrijfsarts")
        if status == CaseStatus.PARTIAL:
            case_records.update_case(case, demo, status=status)
        if recovered_after:
            case_records.close_case(case, demo, recovered_on=first + timedelta(days=recovered_after), today=today)
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


def bulk_employer(employer: Employer, employees: int, open_cases: int, today: date | None = None,
                  batch: int = 5000) -> None:
    """A large employer for benchmarks and load tests: `employees` employees, each with one old recovered
    case, and `open_cases` of them absent now (open or partial). Inserted in batches through the ORM's
    bulk INSERT (the models' columns and defaults, no per-row flush), so 10,000 employees take seconds."""
    from app.models import new_id

    today = today or date.today()
    every = max(1, employees // open_cases) if open_cases else 0
    people, cases = [], []
    for i in range(employees):
        employee_id = new_id()
        people.append({"id": employee_id, "employer_id": employer.id, "keycloak_user_id": f"bulk-{employer.id[:8]}-{i}",
                       "name": f"Werknemer {i:05d}", "email": f"w{i}@bulk.example", "birth_date": date(1980, 1, 1)})
        old = today - timedelta(days=300 - i % 200)
        cases.append({"id": new_id(), "employee_id": employee_id, "first_sick_day": old,
                      "expected_recovery": old + timedelta(weeks=2), "recovered_on": old + timedelta(days=10),
                      "status": CaseStatus.RECOVERED, "work_possible": "", "diagnosis": "(demo)", "cause": "(demo)",
                      "medical_notes": "(demo)"})
        if every and i % every == 0 and i // every < open_cases:
            first = today - timedelta(days=i % 90)
            cases.append({"id": new_id(), "employee_id": employee_id, "first_sick_day": first,
                          "expected_recovery": first + timedelta(weeks=4), "recovered_on": None,
                          "status": CaseStatus.PARTIAL if i % 4 == 0 else CaseStatus.OPEN,
                          "work_possible": "Licht werk", "diagnosis": "(demo)", "cause": "(demo)",
                          "medical_notes": "(demo)"})
    for rows, model in ((people, Employee), (cases, AbsenceCase)):
        for start in range(0, len(rows), batch):
            db.session.execute(db.insert(model), rows[start:start + batch])
    data_version.bump(db.session, [employer.id])  # bulk INSERTs bypass the unit of work's hook
    db.session.commit()
