"""The demo data: EK88 with employees, cases and documents; loading twice changes nothing."""

from scripts.demo_data import DEMO_CASES, DEMO_EMPLOYEES, load_demo, tiny_pdf
from app.extensions import db
from app.models import AbsenceCase, Document, Employee, ProfessionalAssignment


def test_load_demo_is_idempotent(app):
    user_ids = {p["email"]: f"kc-{i}" for i, p in enumerate(DEMO_EMPLOYEES)}
    physician = "99999999-0000-4000-8000-000000000099"  # a Keycloak id, as the demo passes
    with app.app_context():
        for _ in range(2):
            employer = load_demo("e0e0e0e0-0000-4000-8000-000000000088", "ek88", user_ids, professionals=[physician])
        assert employer.name == "EK88"
        assert db.session.scalar(db.select(db.func.count(Employee.id))) == len(DEMO_EMPLOYEES)
        assert db.session.scalar(db.select(db.func.count(AbsenceCase.id))) == len(DEMO_CASES)
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 4
        assert db.session.scalar(db.select(db.func.count(ProfessionalAssignment.id))) == 1
        anna = db.session.scalar(db.select(Employee).where(Employee.email == "anna@ek88.nl"))
        assert anna.keycloak_user_id == "kc-0" and anna.mobile == "+31612345001"


def test_demo_employer_is_bound_by_organization_id_only(app):
    import pytest

    from app.keycloak.ids import InvalidId

    with app.app_context():
        with pytest.raises(InvalidId):
            load_demo("ek88", "ek88", {})  # an alias is not an id


def test_tiny_pdf_is_a_pdf():
    data = tiny_pdf("Hallo")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF") and b"(Hallo) Tj" in data
