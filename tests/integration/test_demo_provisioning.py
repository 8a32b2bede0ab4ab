"""`./dev run`'s demo data: EK88's people in Keycloak (roles, birthDate, mobile) and the app's cases and
documents, linked by the Keycloak ids; running it twice changes nothing."""

import dataclasses

import pytest

from app import create_app, keycloak_admin
from app.extensions import db
from app.models import AbsenceCase, Document, Employee, ProfessionalAssignment
from scripts.demo import provision_demo

pytestmark = pytest.mark.integration


def test_demo_provisioning_fills_keycloak_and_the_app(keycloak, realm_factory, tmp_path):
    realm = realm_factory()["realm"]
    settings = dataclasses.replace(keycloak, realm=realm, database_url=f"sqlite:///{tmp_path / 'portal.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"))
    first = provision_demo(settings, realm=realm)
    again = provision_demo(settings, realm=realm)
    assert first == again and first["employer"] == "EK88"

    admin = keycloak_admin.realm_admin(settings, realm)
    anna = keycloak_admin.find_user_by_email(admin, "anna@ek88.nl")
    assert anna["attributes"]["birthDate"] == ["1985-03-14"] and anna["attributes"]["mobile"] == ["+31612345001"]
    assert "employee" in {r["name"] for r in admin.get_realm_roles_of_user(anna["id"])}
    assert [o["alias"] for o in admin.get_user_organizations(anna["id"])] == ["ek88"]

    app = create_app({"SETTINGS": settings})
    with app.app_context():
        employee = db.session.scalar(db.select(Employee).where(Employee.email == "anna@ek88.nl"))
        assert employee.keycloak_user_id == anna["id"]
        assert db.session.scalar(db.select(db.func.count(AbsenceCase.id))) == 5
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 4
        assert db.session.scalar(db.select(db.func.count(ProfessionalAssignment.id))) == 1
