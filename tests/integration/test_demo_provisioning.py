"""`./dev run`'s demo data: EK88's people in Keycloak (roles, birthDate, mobile) and the app's cases and
documents, linked by the Keycloak ids; running it twice changes nothing."""

import dataclasses

import pytest

from app import create_app
from app import keycloak as kc
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

    admin = kc.client.realm_admin(settings, realm)
    anna = kc.users.find_user_by_email(admin, "anna@ek88.nl")
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


def test_demo_manager_is_manager_and_superuser_of_ek88_only_and_the_token_says_so(keycloak, realm_factory, master,
                                                                                   tmp_path):
    """The ID token's groups claim carries /werkgevers/<EK88's id>/manager and .../superuser, which the
    portal turns into {organization id: roles}; the realm roles manager/superuser are gone."""
    from app.auth import session_user_from_claims

    representation = realm_factory()
    realm = representation["realm"]
    settings = dataclasses.replace(keycloak, realm=realm, database_url=f"sqlite:///{tmp_path / 'portal.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"))
    # a dev realm from before this change: no groups mapper on the portal client; the demo adds it
    master.connection.realm_name = realm
    try:
        portal = next(c for c in master.get_clients() if c["clientId"] == "portal")
        mapper = next(m for m in master.get_mappers_from_client(portal["id"]) if m["name"] == "employer roles as groups")
        master.remove_client_mapper(portal["id"], mapper["id"])
    finally:
        master.connection.realm_name = "master"
    provision_demo(settings, realm=realm, app_data=False)
    admin = kc.client.realm_admin(settings, realm)
    marco = kc.users.find_user_by_email(admin, "marco@ek88.nl")
    [ek88] = admin.get_user_organizations(marco["id"])
    assert kc.roles.employer_roles_of(admin, ek88["id"], marco["id"]) == {"manager", "superuser"}
    assert not {r["name"] for r in admin.get_realm_roles()} & {"manager", "superuser"}

    master.connection.realm_name = realm
    try:
        portal = next(c for c in master.get_clients() if c["clientId"] == "portal")
        claims = master.connection.raw_get(
            f"admin/realms/{realm}/clients/{portal['id']}/evaluate-scopes/generate-example-id-token",
            scope="openid email profile", userId=marco["id"]).json()
    finally:
        master.connection.realm_name = "master"
    assert sorted(claims["groups"]) == [f"/werkgevers/{ek88['id']}/manager", f"/werkgevers/{ek88['id']}/superuser"]
    assert session_user_from_claims(claims)["employers"][ek88["id"]]["roles"] == ["manager", "superuser"]
