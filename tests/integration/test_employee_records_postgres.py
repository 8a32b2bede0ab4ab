"""The dossier records of the HR import on PostgreSQL, the production database (migration 0006 and
app.employee_records): create, update with changes, leavers marked, the employer archived, and the
personnel number unique within one employer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.employee_records import mark_missing_as_left, sync_employee
from app.employer_records import archive_employer, sync_employer
from app.extensions import db
from app.models import Employee, Employer

pytestmark = pytest.mark.integration

ORG = "eeeeeeee-0000-4000-8000-0000000000e6"


@pytest.fixture
def app(postgres_app):  # the portal on PostgreSQL (tests/integration/conftest.py)
    return postgres_app


def test_dossier_records_on_postgresql(app):
    with app.app_context():
        sync_employer(ORG, "Postgres BV", "postgres-bv")
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == ORG))
        anna = {"email": "Anna@Postgres.nl", "name": "Anna", "personnel_number": "P-1", "birth_date": date(1985, 3, 14),
                "department": "Inkoop", "start_date": date(2020, 1, 1)}
        created = sync_employee(employer, anna)
        sync_employee(employer, {"email": "bram@postgres.nl", "name": "Bram"})
        assert sync_employee(employer, {"email": "anna@postgres.nl", "name": "Anna"}).changes == [
            ("email", "Anna@Postgres.nl", "anna@postgres.nl")]  # no number: matched on the e-mail, any case
        assert sync_employee(employer, anna | {"email": "anna@postgres.nl"}).outcome == "unchanged"
        moved = sync_employee(employer, anna | {"email": "anna.nieuw@postgres.nl"})
        assert moved.changes == [("email", "anna@postgres.nl", "anna.nieuw@postgres.nl")]  # by personnel number
        (left,) = mark_missing_as_left(employer, {created.employee_id}, date(2026, 12, 4))
        assert left.email == "bram@postgres.nl"
        assert archive_employer(ORG).archived_at is not None
        db.session.add(Employee(employer_id=employer.id, name="Dubbel", email="d@postgres.nl", personnel_number="P-1"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Employee.id)).where(Employee.employer_id == employer.id)) == 2
