"""Least privilege, against the real Keycloak: the portal's run-time service account (`portal-admin`)
can make every admin call the portal makes, and nothing that would hand over the realm.

Setup is done with the provisioning client (`portal-provisioner`), as the CLI would; every call under
test goes through app.keycloak.client.portal_client(), the app's own client.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest
from keycloak import KeycloakAdmin

from app import create_app
from app import keycloak as kc

pytestmark = pytest.mark.integration

INVITATION_SUBJECT = "Belangrijk: maak nu uw account aan voor het werkgeverportaal van"


@dataclasses.dataclass
class World:
    realm: str
    provisioner: KeycloakAdmin
    portal: KeycloakAdmin
    org_id: str
    user_id: str


@pytest.fixture
def world(keycloak, mail_sink, realm_factory) -> World:
    name = realm_factory()["realm"]
    settings = dataclasses.replace(keycloak, realm=name)
    provisioner = kc.client.realm_admin(settings)
    org_id = kc.organizations.ensure_organization(provisioner, "Werkgever Rechten", f"{uuid.uuid4().hex[:8]}.nl")
    user_id = kc.users.ensure_user(provisioner, email=f"m-{uuid.uuid4().hex[:8]}@example.nl", first_name="Mia",
                                   last_name="Manager", roles=[], employer_roles=["manager"],
                                   organization_id=org_id)
    return World(name, provisioner, kc.client.portal_client(settings), org_id, user_id)


def _status(admin: KeycloakAdmin, method: str, path: str, payload: dict | list | None = None) -> int:
    """The HTTP status of one admin call as the given client (path relative to /admin/realms/)."""
    connection = admin.connection
    url = f"admin/realms/{path}"
    if method == "GET":
        response = connection.raw_get(url)
    elif method == "DELETE":
        response = connection.raw_delete(url)
    else:
        call = {"POST": connection.raw_post, "PUT": connection.raw_put}[method]
        response = call(url, data=json.dumps(payload if payload is not None else {}))
    return response.status_code


def test_the_app_binds_one_runtime_client_with_its_own_credentials(keycloak, tmp_path):
    settings = dataclasses.replace(keycloak, database_url=f"sqlite:///{tmp_path / 'p.sqlite'}")
    app = create_app({"SETTINGS": settings})
    with app.app_context():
        admin = kc.client.portal_admin()  # built on first use (python-keycloak stays unimported until then)
        assert kc.client.portal_admin() is admin is app.extensions[kc.client.EXTENSION].get()
    assert admin.connection.client_id == settings.portal_admin_client_id == "portal-admin"
    assert admin.connection.client_secret_key == settings.portal_admin_client_secret
    assert settings.provisioner_client_secret not in (admin.connection.client_secret_key, admin.connection.password)


def test_the_service_account_holds_exactly_the_documented_roles(world):
    client_id = world.provisioner.get_client_id("portal-admin")
    account = world.provisioner.get_client_service_account_user(client_id)
    management = world.provisioner.get_client_id("realm-management")
    roles = {r["name"] for r in world.provisioner.get_client_roles_of_user(account["id"], management)}
    assert roles == {"manage-users", "manage-organizations", "view-realm"}
    realm_roles = {r["name"] for r in world.provisioner.get_realm_roles_of_user(account["id"])}
    assert realm_roles <= {f"default-roles-{world.realm}"}, realm_roles
    client = world.provisioner.get_client(client_id)
    assert not client["standardFlowEnabled"] and not client["directAccessGrantsEnabled"]  # no password grant


def test_the_portal_client_can_make_every_call_the_portal_makes(world, mail_sink):
    portal, org = world.portal, world.org_id
    # the invitations page (app/invitations.py)
    [listed] = kc.organizations.list_organizations(portal)
    assert kc.organizations.find_organization_by_alias(portal, listed["alias"])["id"] == org
    assert kc.organizations.organization_by_id(portal, org)["id"] == org
    assert [m["id"] for m in kc.organizations.organization_members(portal, org)] == [world.user_id]
    email = f"invitee-{uuid.uuid4().hex[:8]}@example.nl"
    kc.invitations.invite(portal, org, email=email, first_name="Ina", last_name="Invitee", role="superuser",
                          redirect_url="http://127.0.0.1:5999/invitations/welcome")  # records the role (PUT organization)
    mail_sink.wait_for(email, INVITATION_SUBJECT)
    [invitation] = kc.invitations.list_invitations(portal, org)
    assert kc.invitations.get_invitation(portal, org, invitation["id"])["email"] == email
    kc.invitations.resend_invitation(portal, org, invitation["id"])
    [renewed] = kc.invitations.list_invitations(portal, org)
    assert [row["email"] for row in kc.invitations.invitation_overview(portal, org)] == [email]
    assert kc.invitations.revoke_invitation(portal, org, renewed["id"]) == email
    # the welcome page: it reads the role records of the user's employers, and grants an invited role as a
    # membership of that employer's role group (/werkgevers/<organization id>/<role>)
    assert kc.invitations.apply_invited_role_for_user(portal, world.user_id) == []  # no record for this user: nothing
    kc.roles.grant_employer_roles(portal, org, world.user_id, ["superuser"])
    assert "superuser" in kc.roles.employer_roles_of(world.provisioner, org, world.user_id)
    # Mijn instellingen (app/user_settings.py)
    assert isinstance(portal.get_credentials(user_id=world.user_id), list)
    assert portal.get_sessions(user_id=world.user_id) == []
    assert _status(portal, "DELETE", f"{world.realm}/sessions/{uuid.uuid4()}") in (204, 404)  # allowed, none such
    # staff flows: a new employee with Keycloak's execute-actions welcome e-mail
    employee = f"employee-{uuid.uuid4().hex[:8]}@example.nl"
    employee_id = kc.users.create_employee(portal, org, email=employee, first_name="Eva", last_name="Employee",
                                           birth_date="1990-01-31", mobile="+31612345678")
    assert mail_sink.wait_for(employee)
    assert employee_id in {m["id"] for m in kc.organizations.organization_members(portal, org)}


def _forbidden_calls(world: World, other_realm: str) -> list[tuple[str, str, str, object]]:
    realm = world.realm
    portal_client = world.provisioner.get_client_id("portal")
    own_client = world.provisioner.get_client_id("portal-admin")
    management = world.provisioner.get_client_id("realm-management")
    manage_realm = world.provisioner.get_client_role(management, "manage-realm")
    account = world.provisioner.get_client_service_account_user(own_client)
    browser_flow = next(f for f in world.provisioner.get_authentication_flows() if f["alias"] == "browser")
    return [
        ("update the realm", "PUT", realm, {"displayName": "Overgenomen", "registrationAllowed": True}),
        ("turn off brute-force protection", "PUT", realm, {"bruteForceProtected": False}),
        ("list the clients", "GET", f"{realm}/clients", None),
        ("create a client", "POST", f"{realm}/clients", {"clientId": "evil", "directAccessGrantsEnabled": True}),
        ("change the portal's redirect URIs", "PUT", f"{realm}/clients/{portal_client}",
         {"redirectUris": ["https://evil.example/*"]}),
        ("read the portal's client secret", "GET", f"{realm}/clients/{portal_client}/client-secret", None),
        ("rotate its own client secret", "POST", f"{realm}/clients/{own_client}/client-secret", None),
        ("copy an authentication flow", "POST", f"{realm}/authentication/flows/browser/copy", {"newName": "evil"}),
        ("change an authentication flow", "PUT", f"{realm}/authentication/flows/{browser_flow['id']}",
         browser_flow | {"description": "overgenomen"}),
        ("change the browser flow binding", "PUT", realm, {"browserFlow": "direct grant"}),
        ("change a required action", "PUT", f"{realm}/authentication/required-actions/CONFIGURE_TOTP",
         {"alias": "CONFIGURE_TOTP", "enabled": False}),
        ("create a realm role", "POST", f"{realm}/roles", {"name": "evil"}),
        ("grant itself manage-realm", "POST", f"{realm}/users/{account['id']}/role-mappings/clients/{management}",
         [manage_realm]),
        ("add an identity provider", "POST", f"{realm}/identity-provider/instances",
         {"alias": "evil", "providerId": "oidc", "config": {}}),
        ("add a user federation component", "POST", f"{realm}/components",
         {"name": "evil", "providerId": "ldap", "providerType": "org.keycloak.storage.UserStorageProvider"}),
        ("change the SMTP server", "PUT", realm, {"smtpServer": {"host": "evil.example", "from": "a@evil.example"}}),
        ("read the admin events", "GET", f"{realm}/admin-events", None),
        ("read another realm's users", "GET", f"{other_realm}/users", None),
        ("update another realm", "PUT", other_realm, {"displayName": "Overgenomen"}),
        ("read another realm's organizations", "GET", f"{other_realm}/organizations", None),
        ("read the master realm", "GET", "master", None),
        ("read the master realm's users", "GET", "master/users", None),
        ("create a realm", "POST", "", {"realm": f"evil-{uuid.uuid4().hex[:6]}", "enabled": True}),
        ("delete the realm", "DELETE", realm, None),  # last: had it worked, nothing after it would mean much
    ]


def test_the_portal_client_cannot_change_the_realm_clients_flows_or_another_realm(world, realm_factory):
    """Each attempt answers 403 (the same client id and secret exist in the other realm: a token still
    counts only in the realm that issued it)."""
    other = realm_factory()["realm"]
    before = world.provisioner.get_realm(world.realm)
    refused = {}
    for what, method, path, payload in _forbidden_calls(world, other):
        refused[what] = _status(world.portal, method, path, payload)
    assert {what: code for what, code in refused.items() if code != 403} == {}
    after = world.provisioner.get_realm(world.realm)
    for key in ("displayName", "registrationAllowed", "bruteForceProtected", "browserFlow"):
        assert after[key] == before[key], key
