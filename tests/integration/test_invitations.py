"""Organization invitations against the real Keycloak and mail sink: e-mail, resend, revoke,
expiry, the role applied on acceptance, SMTP down, and the portal's own-employer rule."""

from __future__ import annotations

import dataclasses
import re
import time
import uuid

import pytest
import requests

from app import keycloak as kc
from app import sign_in_sessions
from scripts import provision
from tests.support import free_port

pytestmark = pytest.mark.integration

SUBJECT = "Belangrijk: maak nu uw account aan voor het werkgeverportaal van"


@pytest.fixture
def realm(keycloak, mail_sink, realm_factory):
    """A fresh realm (SMTP to the sink) with one employer; yields (admin, name, org id, org name)."""
    representation = realm_factory()
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=representation["realm"]))
    org_name = f"Werkgever {uuid.uuid4().hex[:6]}"
    org_id = kc.organizations.ensure_organization(admin, org_name, f"{uuid.uuid4().hex[:8]}.nl")
    return dataclasses.make_dataclass("Realm", ["admin", "name", "org_id", "org_name"])(
        admin, representation["realm"], org_id, org_name)


def _email() -> str:
    return f"invitee-{uuid.uuid4().hex[:10]}@example.nl"


def _invite_link(message: dict) -> str:
    links = [link for link in message["links"] if "/registrations?" in link or "action-token" in link]
    assert len(links) == 1, message["links"]
    return links[0]


def test_invitation_email_matches_the_employer_manual(realm, mail_sink, keycloak):
    email = _email()
    kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Marco", last_name="van Basten", role="manager")

    message = mail_sink.wait_for(email, SUBJECT)
    assert message["subject"] == f"{SUBJECT} {realm.org_name}"
    assert message["from"] == f"{keycloak.mail_from_name} <{keycloak.mail_from}>"
    assert keycloak.mail_reply_to in message["headers"]["Reply-To"]
    assert "Van Basten" in message["text"] and "3 dagen" in message["text"]
    assert "verlopen" in message["text"]  # what to do when the link expired
    assert "null" not in message["text"] + message["html"] + message["subject"]
    link = _invite_link(message)
    assert link.startswith(f"{keycloak.keycloak_url}/realms/{realm.name}/")

    [listed] = kc.invitations.list_invitations(realm.admin, realm.org_id)
    assert (listed["email"], listed["status"]) == (email, "PENDING")
    assert 3 * 86400 - 120 <= listed["expiresAt"] - listed["sentDate"] <= 3 * 86400
    records = kc.invited_roles.invited_roles(kc.organizations.organization_by_id(realm.admin, realm.org_id))
    assert records[listed["id"]]["role"] == "manager" and records[listed["id"]]["email"] == email


def test_a_second_invitation_to_the_same_person_is_refused(realm):
    email = _email()
    kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Piet", last_name="Jansen")
    with pytest.raises(kc.errors.InvitationExists):
        kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Piet", last_name="Jansen")
    code = provision.main(["--realm", realm.name, "invite", "--email", email, "--first-name", "Piet",
                           "--last-name", "Jansen", "--employer", realm.org_name])
    assert code == provision.EXIT_CONFLICT
    assert len(kc.invitations.list_invitations(realm.admin, realm.org_id)) == 1


def test_resend_sends_a_new_link_and_revoke_kills_it(realm, mail_sink):
    email = _email()
    kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Ria", last_name="Smit")
    first_link = _invite_link(mail_sink.wait_for(email, SUBJECT))
    [invitation] = kc.invitations.list_invitations(realm.admin, realm.org_id)

    assert provision.main(["--realm", realm.name, "invitations", "resend", "--employer", realm.org_name,
                           "--email", email]) == 0
    deadline = time.monotonic() + 20
    while len(mail_sink.messages_to(email)) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    links = {_invite_link(m) for m in mail_sink.messages_to(email)}
    assert len(links) == 2
    second_link = (links - {first_link}).pop()
    [renewed] = kc.invitations.list_invitations(realm.admin, realm.org_id)
    assert renewed["id"] != invitation["id"] and renewed["status"] == "PENDING"
    assert set(kc.invited_roles.invited_roles(kc.organizations.organization_by_id(realm.admin, realm.org_id))) == {renewed["id"]}  # record moved

    opened = requests.get(second_link, timeout=10)
    assert opened.status_code == 200 and email in opened.text  # the registration page, e-mail filled in

    assert provision.main(["--realm", realm.name, "invitations", "revoke", "--employer", realm.org_name,
                           "--id", renewed["id"]]) == 0
    assert kc.invitations.list_invitations(realm.admin, realm.org_id) == []
    assert kc.invited_roles.invited_roles(kc.organizations.organization_by_id(realm.admin, realm.org_id)) == {}
    revoked = requests.get(second_link, timeout=10)
    assert 'id="kc-register-form"' not in revoked.text and "kc-register-form" not in revoked.text


def test_expired_invitation_is_listed_as_expired_and_its_link_says_so(keycloak, mail_sink, realm_factory):
    representation = realm_factory(actionTokenGeneratedByAdminLifespan=2)
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=representation["realm"]))
    org_id = kc.organizations.ensure_organization(admin, "Kortlevend BV", "kort.nl")
    email = _email()
    kc.invitations.invite(admin, org_id, email=email, first_name="Kees", last_name="Kort")
    link = _invite_link(mail_sink.wait_for(email, SUBJECT))
    time.sleep(3.5)

    statuses = {row["email"]: row["status"] for row in kc.invitations.invitation_overview(admin, org_id)}
    assert statuses[email] == "expired"
    page = requests.get(link, headers={"Accept-Language": "nl"}, timeout=10)
    assert "kc-register-form" not in page.text
    assert re.search(r"verlopen|expired", page.text, re.I)


def _register_like_keycloak(admin, org_id, email, invitation_id):
    """What Keycloak does when the invitee registers through the link: a new user, member of the
    employer, and the invitation deleted."""
    user_id = admin.create_user({"username": email, "email": email, "enabled": True,
                                 "firstName": "Sjaak", "lastName": "Super"})
    admin.organization_user_add(user_id=user_id, organization_id=org_id)
    kc.rest.call(admin, "DELETE", ("organizations", org_id, "invitations", invitation_id))
    return user_id


def test_role_is_granted_at_that_employer_only_once_the_invitation_is_used(realm):
    email = _email()
    invitation = kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Sjaak", last_name="Super",
                                       role="superuser")
    other_id = kc.organizations.ensure_organization(realm.admin, f"Ander {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:8]}.nl")
    assert kc.invitations.apply_invited_roles(realm.admin, realm.org_id) == []  # still pending: nothing yet
    user_id = _register_like_keycloak(realm.admin, realm.org_id, email, invitation["id"])
    realm.admin.organization_user_add(user_id=user_id, organization_id=other_id)  # also a member elsewhere

    assert kc.invitations.apply_invited_roles(realm.admin, realm.org_id) == [email]
    assert kc.roles.employer_roles_of(realm.admin, realm.org_id, user_id) == {"manager", "superuser"}
    assert kc.roles.employer_roles_of(realm.admin, other_id, user_id) == set()  # nothing at the other employer
    assert not {r["name"] for r in realm.admin.get_realm_roles_of_user(user_id)} & {"manager", "superuser"}
    overview = {row["email"]: row for row in kc.invitations.invitation_overview(realm.admin, realm.org_id)}
    assert overview[email]["status"] == "accepted"
    assert kc.invitations.apply_invited_roles(realm.admin, realm.org_id) == []  # idempotent


def test_a_role_record_without_its_invitation_grants_nothing_and_is_removed(realm):
    """The reproduced fault: a role record left behind, and the address later imported as an employee."""
    email = _email()
    invitation = kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Piet", last_name="Fout")
    # the invitation disappears without being used (deleted in the admin console, say)
    kc.rest.call(realm.admin, "DELETE", ("organizations", realm.org_id, "invitations", invitation["id"]))
    # later an HR import makes the same address an employee of this employer
    user_id = kc.users.ensure_user(realm.admin, email=email, first_name="Piet", last_name="Fout", roles=["employee"],
                                   organization_id=realm.org_id)
    assert kc.invitations.apply_invited_roles(realm.admin, realm.org_id) == []
    assert kc.roles.employer_roles_of(realm.admin, realm.org_id, user_id) == set()
    assert kc.invited_roles.invited_roles(kc.organizations.organization_by_id(realm.admin, realm.org_id)) == {}


def test_a_stale_record_without_a_member_is_cleaned_up(realm):
    email = _email()
    invitation = kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Weg", last_name="Weg")
    kc.rest.call(realm.admin, "DELETE", ("organizations", realm.org_id, "invitations", invitation["id"]))
    assert kc.invitations.apply_invited_roles(realm.admin, realm.org_id) == []
    assert kc.invited_roles.invited_roles(kc.organizations.organization_by_id(realm.admin, realm.org_id)) == {}


def test_inviting_an_existing_account_is_explicit(realm, mail_sink):
    other_id = kc.organizations.ensure_organization(realm.admin, f"Eerste {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:8]}.nl")
    email = _email()
    kc.users.ensure_user(realm.admin, email=email, first_name="Twee", last_name="Werkgevers", roles=[],
                         organization_id=other_id, employer_roles=["manager"])
    with pytest.raises(kc.errors.ExistingAccount):
        kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Twee", last_name="Werkgevers")
    args = ["--realm", realm.name, "invite", "--email", email, "--first-name", "Twee", "--last-name", "Werkgevers",
            "--employer", realm.org_name]
    assert provision.main(args) == provision.EXIT_CONFLICT
    assert kc.invitations.list_invitations(realm.admin, realm.org_id) == []
    assert provision.main(args + ["--existing-account"]) == 0
    [invitation] = kc.invitations.list_invitations(realm.admin, realm.org_id)
    assert invitation["email"] == email


# (CLI) hostile ids through every command that takes one; the employer and its members survive.
HOSTILE = ["..", ".", "../..", "?x=1", "#", "%2e%2e", "x/../..", "00000000-0000-0000-0000-00000000000g"]


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_hostile_invitation_ids_on_the_command_line_exit_2_and_change_nothing(realm, action):
    email = _email()
    kc.invitations.invite(realm.admin, realm.org_id, email=email, first_name="Blijf", last_name="Staan")
    member = kc.users.ensure_user(realm.admin, email=_email(), first_name="Lid", last_name="Lid", roles=["employee"],
                                  organization_id=realm.org_id)
    other_id = kc.organizations.ensure_organization(realm.admin, f"Ander {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:8]}.nl")
    kc.invitations.invite(realm.admin, other_id, email=_email(), first_name="Ander", last_name="Lid")
    [foreign] = kc.invitations.list_invitations(realm.admin, other_id)
    for hostile in HOSTILE + [f"../../{other_id}/invitations/{foreign['id']}", foreign["id"]]:
        code = provision.main(["--realm", realm.name, "invitations", action, "--employer", realm.org_name,
                               "--id", hostile])
        assert code == provision.EXIT_BAD_INPUT, hostile
    assert kc.organizations.organization_by_id(realm.admin, realm.org_id)["id"] == realm.org_id
    assert [m["id"] for m in kc.organizations.organization_members(realm.admin, realm.org_id)] == [member]
    assert [i["email"] for i in kc.invitations.list_invitations(realm.admin, realm.org_id)] == [email]
    assert [i["id"] for i in kc.invitations.list_invitations(realm.admin, other_id)] == [foreign["id"]]


def test_smtp_down_keeps_nothing_and_a_rerun_finishes(keycloak, mail_sink, realm_factory, master):
    closed = free_port()
    representation = realm_factory()
    name = representation["realm"]
    smtp = representation["smtpServer"] | {"port": str(closed)}
    master.connection.realm_name = name
    try:
        master.update_realm(name, {"smtpServer": smtp})
    finally:
        master.connection.realm_name = "master"
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=name))
    org_id = kc.organizations.ensure_organization(admin, "Storing BV", "storing.nl")
    email = _email()

    with pytest.raises(kc.errors.MailNotSent):
        kc.invitations.invite(admin, org_id, email=email, first_name="Sam", last_name="Storing")
    assert kc.invitations.list_invitations(admin, org_id) == []
    assert email not in kc.invited_roles.invited_roles(kc.organizations.organization_by_id(admin, org_id))
    code = provision.main(["--realm", name, "invite", "--email", email, "--first-name", "Sam",
                           "--last-name", "Storing", "--employer", "Storing BV"])
    assert code == provision.EXIT_MAIL

    master.update_realm(name, {"smtpServer": representation["smtpServer"]})
    assert provision.main(["--realm", name, "invite", "--email", email, "--first-name", "Sam",
                           "--last-name", "Storing", "--employer", "Storing BV"]) == 0
    assert len(kc.invitations.list_invitations(admin, org_id)) == 1
    mail_sink.wait_for(email, SUBJECT)


def test_keycloak_unreachable_gives_exit_code_3(monkeypatch):
    monkeypatch.setenv("KEYCLOAK_PORT", str(free_port()))
    assert provision.main(["employer", "list"]) == provision.EXIT_UNREACHABLE


# --------------------------------------------------------------------------------------------
# the portal page

def _signed_in_client(portal, org_id: str, groups=("manager", "superuser"), sub: str | None = None,
                      email: str = "boss@example.nl", alias: str = "eigen-bv"):
    """A session built from ID-token claims (auth.session_user_from_claims), as after a real sign-in."""
    from app.auth import session_user_from_claims

    client = portal.app.test_client()
    sid = uuid.uuid4().hex
    sub = sub or str(uuid.uuid4())
    with portal.app.app_context():
        sign_in_sessions.record_start(sid, sub)
    with client.session_transaction() as session:
        session["user"] = session_user_from_claims({
            "sub": sub, "sid": sid, "email": email, "name": "Baas", "roles": [],
            "organization": {alias: {"id": org_id}}, "groups": [f"/werkgevers/{org_id}/{g}" for g in groups]})
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_superuser_invites_into_own_employer_only_even_with_a_forged_field(portal, mail_sink):
    own_id = kc.organizations.ensure_organization(portal.admin, "Eigen BV", "eigen.nl")
    other_id = kc.organizations.ensure_organization(portal.admin, "Ander BV", "ander.nl")
    client = _signed_in_client(portal, own_id)

    page = client.get("/invitations/")
    assert page.status_code == 200 and "Uitnodigingen voor eigen-bv" in page.get_data(as_text=True)
    email = _email()
    response = client.post("/invitations/?employer=ander-bv", data={
        "csrf_token": _csrf(page.get_data(as_text=True)), "email": email, "first_name": "Fake",
        "last_name": "Forger", "organization_id": other_id, "employer": "ander-bv"})
    assert response.status_code == 302
    assert [i["email"] for i in kc.invitations.list_invitations(portal.admin, own_id)] == [email]
    assert kc.invitations.list_invitations(portal.admin, other_id) == []

    # another employer's invitation cannot be resent or revoked through this page
    foreign = _email()
    kc.invitations.invite(portal.admin, other_id, email=foreign, first_name="Ander", last_name="Persoon")
    [foreign_invitation] = kc.invitations.list_invitations(portal.admin, other_id)
    token = _csrf(client.get("/invitations/").get_data(as_text=True))
    for action in ("resend", "revoke"):
        assert client.post(f"/invitations/{foreign_invitation['id']}/{action}", data={"csrf_token": token}).status_code == 404
    assert [i["id"] for i in kc.invitations.list_invitations(portal.admin, other_id)] == [foreign_invitation["id"]]

    # hostile ids: 404 before Keycloak is asked; the employer, its invitations and members survive
    for hostile in ("%2e%2e", ".", "%2e%2e%2f%2e%2e", f"%2e%2e%2f%2e%2e%2f{other_id}%2finvitations%2f{foreign_invitation['id']}"):
        for action in ("resend", "revoke"):
            assert client.post(f"/invitations/{hostile}/{action}", data={"csrf_token": token}).status_code == 404
    assert kc.organizations.organization_by_id(portal.admin, own_id)["id"] == own_id
    assert kc.organizations.organization_by_id(portal.admin, other_id)["id"] == other_id
    assert [i["id"] for i in kc.invitations.list_invitations(portal.admin, other_id)] == [foreign_invitation["id"]]

    # own invitation: revoke works, and the page shows it gone
    [own] = kc.invitations.list_invitations(portal.admin, own_id)
    assert client.post(f"/invitations/{own['id']}/revoke", data={"csrf_token": token}).status_code == 302
    assert kc.invitations.list_invitations(portal.admin, own_id) == []


def test_portal_page_needs_superuser_and_csrf(portal):
    own_id = kc.organizations.ensure_organization(portal.admin, "Eigen BV", "eigen.nl")
    manager = _signed_in_client(portal, own_id, groups=("manager",))
    assert manager.get("/invitations/").status_code == 404
    superuser = _signed_in_client(portal, own_id)
    response = superuser.post("/invitations/", data={"email": _email(), "first_name": "A", "last_name": "B"})
    assert response.status_code == 400
    assert kc.invitations.list_invitations(portal.admin, own_id) == []
    # bad input is refused with a Dutch message, nothing sent
    token = _csrf(superuser.get("/invitations/").get_data(as_text=True))
    response = superuser.post("/invitations/", data={"csrf_token": token, "email": "geen-adres",
                                                     "first_name": "<b>x</b>", "last_name": "B"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Vul een geldig e-mailadres in." in text and "&lt;b&gt;" in text
    assert kc.invitations.list_invitations(portal.admin, own_id) == []


def test_invitee_lands_on_welcome_and_gets_the_role(portal):
    own_id = kc.organizations.ensure_organization(portal.admin, "Eigen BV", "eigen.nl")
    boss = _signed_in_client(portal, own_id)
    email = _email()
    token = _csrf(boss.get("/invitations/").get_data(as_text=True))
    assert boss.post("/invitations/", data={"csrf_token": token, "email": email, "first_name": "Nieuw",
                                            "last_name": "Lid"}).status_code == 302
    organization = kc.organizations.organization_by_id(portal.admin, own_id)
    assert organization["redirectUrl"] == f"{portal.url}/invitations/welcome"

    [invitation] = kc.invitations.list_invitations(portal.admin, own_id)
    user_id = _register_like_keycloak(portal.admin, own_id, email, invitation["id"])

    invitee = _signed_in_client(portal, own_id, groups=(), sub=user_id, email=email)
    response = invitee.get("/invitations/welcome")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]  # fresh token
    assert kc.roles.employer_roles_of(portal.admin, own_id, user_id) == {"manager"}
    again = invitee.get("/invitations/welcome")
    assert again.status_code == 302 and again.headers["Location"].endswith("/dashboard")
    page = boss.get("/invitations/").get_data(as_text=True)
    assert f'data-email="{email}" data-status="accepted"' in page


def test_the_portal_asks_before_inviting_an_existing_account(portal, mail_sink, caplog):
    own_id = kc.organizations.ensure_organization(portal.admin, "Eigen BV", "eigen.nl")
    other_id = kc.organizations.ensure_organization(portal.admin, "Ander BV", "ander.nl")
    email = _email()
    kc.users.ensure_user(portal.admin, email=email, first_name="Al", last_name="Bekend", roles=[], organization_id=other_id)
    boss = _signed_in_client(portal, own_id)
    token = _csrf(boss.get("/invitations/").get_data(as_text=True))
    form = {"csrf_token": token, "email": email, "first_name": "Al", "last_name": "Bekend"}
    asked = boss.post("/invitations/", data=form)
    assert asked.status_code == 409 and 'id="existing-account"' in asked.get_data(as_text=True)
    assert kc.invitations.list_invitations(portal.admin, own_id) == []
    with caplog.at_level("WARNING"):
        assert boss.post("/invitations/", data=form | {"existing_account": "y"}).status_code == 302
    assert [i["email"] for i in kc.invitations.list_invitations(portal.admin, own_id)] == [email]
    assert any("existing account" in r.getMessage() and email in r.getMessage() for r in caplog.records)
