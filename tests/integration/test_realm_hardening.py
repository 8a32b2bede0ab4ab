"""Issue 11 items 4 and 5 (Keycloak side): security events are recorded with an expiration;
common passwords are refused with a Dutch reason; no offline tokens by default; the portal
client's redirect URIs are exact and its ID tokens RS256."""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from html import unescape

import pytest
import requests
from keycloak.exceptions import KeycloakError

from app import keycloak as kc
from tests.support import Account, login, submit

pytestmark = pytest.mark.integration

SECURITY_EVENTS = {"LOGIN", "LOGIN_ERROR", "LOGOUT", "UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL", "UPDATE_PASSWORD",
                   "UPDATE_TOTP", "REMOVE_TOTP", "RESET_PASSWORD", "SEND_RESET_PASSWORD", "EXECUTE_ACTIONS",
                   "CODE_TO_TOKEN_ERROR", "USER_DISABLED_BY_TEMPORARY_LOCKOUT"}
FOUR_HUNDRED_DAYS = 400 * 24 * 3600
# on the deny list: common passwords stretched to 16 the obvious ways (they pass the composition rules)
COMMON_LONG_PASSWORDS = ["Password1234567!", "Welkom2024!!!!!!", "Wachtwoord123456!", "Qwertyqwerty123!"]
GOOD_PASSWORD = "Zes-losse-Woorden-op-1-Rij"
DENY_LIST_NL = "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden"


@pytest.fixture(scope="module")
def served_realm(keycloak):
    """The dev realm as imported at start-up from realm-export.json (read back from the server)."""
    return kc.client.master_admin(keycloak, realm="master").get_realm(keycloak.realm)


def test_served_realm_keeps_user_and_admin_events_for_400_days(served_realm):
    assert served_realm["eventsEnabled"] is True
    assert served_realm["eventsExpiration"] == FOUR_HUNDRED_DAYS
    assert SECURITY_EVENTS <= set(served_realm["enabledEventTypes"])
    assert served_realm["adminEventsEnabled"] is True and served_realm["adminEventsDetailsEnabled"] is True
    assert served_realm["attributes"]["adminEventsExpiration"] == str(FOUR_HUNDRED_DAYS)
    assert {"jboss-logging", "arbo-2fa-replacement"} <= set(served_realm["eventsListeners"])


def _failed_sign_in(settings, realm: str, email: str) -> None:
    """Keycloak's own sign-in form, posted with a wrong password (as a person or a script would)."""
    session = requests.Session()
    page = session.get(f"{settings.keycloak_url}/realms/{realm}/protocol/openid-connect/auth", timeout=10, params={
        "client_id": "portal", "response_type": "code", "scope": "openid", "state": "s",
        "redirect_uri": f"{settings.portal_url}/auth/callback", "code_challenge": "x" * 43,
        "code_challenge_method": "S256"})
    for cookie in session.cookies:  # Keycloak marks them Secure; browsers accept that on 127.0.0.1, requests not
        cookie.secure = False
    match = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert match, "no sign-in form"
    action = unescape(match.group(1))
    response = session.post(action, data={"username": email, "password": "Wrong-Password-12345!"}, timeout=10)
    assert response.status_code == 200 and "kc-form-login" in response.text  # the form again, with an error


def test_a_failed_sign_in_and_an_admin_change_are_recorded(keycloak, portal):
    admin = kc.client.master_admin(portal.settings, realm=portal.realm)
    email = f"events-{uuid.uuid4().hex[:8]}@example.nl"
    user_id = kc.users.ensure_user(portal.admin, email=email, first_name="Eef", last_name="Event",
                                   roles=["employee"], password="Test-" + secrets.token_urlsafe(12) + "1!")
    _failed_sign_in(portal.settings, portal.realm, email)

    errors = admin.get_events(query={"type": "LOGIN_ERROR", "user": user_id})
    assert errors, "the failed sign-in is stored as LOGIN_ERROR"
    assert errors[0]["error"] == "invalid_user_credentials" and errors[0]["clientId"] == "portal"
    assert errors[0].get("ipAddress")

    created = [e for e in admin.get_admin_events(query={"resourceTypes": "USER", "operationTypes": "CREATE"})
               if e.get("resourcePath") == f"users/{user_id}"]
    assert created and email in created[0].get("representation", ""), "admin events keep their details"


def test_the_event_expiration_is_configurable(keycloak, master, realm_factory):
    realm = realm_factory()
    portal_url = next(c for c in realm["clients"] if c["clientId"] == "portal")["rootUrl"]
    placeholders = keycloak.realm_placeholders() | {"PORTAL_URL": portal_url, "PORTAL_BACKCHANNEL_URL": portal_url,
                                                     "KEYCLOAK_EVENTS_EXPIRATION": "86400"}
    desired = kc.realm.render_realm(placeholders, realm_name=realm["realm"])
    outcome, changes = kc.realm.sync_realm(master, desired)
    assert outcome == "updated"
    assert {key for key, _, _ in changes} == {"eventsExpiration", "attributes.adminEventsExpiration"}
    served = master.get_realm(realm["realm"])
    assert served["eventsExpiration"] == 86400 and served["attributes"]["adminEventsExpiration"] == "86400"


# ---------------------------------------------------------------- passwords


def test_served_realm_refuses_common_passwords(served_realm):
    assert "passwordBlacklist(arbo-common-passwords.txt)" in served_realm["passwordPolicy"]


@pytest.mark.parametrize("password", COMMON_LONG_PASSWORDS)
def test_a_common_password_of_16_characters_is_refused(portal, password):
    user_id = kc.users.ensure_user(portal.admin, email=f"pw-{uuid.uuid4().hex[:8]}@example.nl",
                                   first_name="Pim", last_name="Wachtwoord", roles=["employee"])
    with pytest.raises(KeycloakError) as refused:
        portal.admin.set_user_password(user_id, password, temporary=False)
    assert refused.value.response_code == 400
    assert json.loads(refused.value.response_body)["error"] == "invalidPasswordBlacklistedMessage"
    portal.admin.set_user_password(user_id, GOOD_PASSWORD, temporary=False)  # a good one passes


@pytest.mark.browser
def test_choosing_a_common_password_says_why_in_dutch(page, portal, screenshot):
    """A user asked to pick a new password (here after signing in with password + app code)."""
    raw_secret = "arbo-test-secret-4567"
    email = f"pw-{uuid.uuid4().hex[:8]}@example.nl"
    account = Account(email=email, password="Test-" + secrets.token_urlsafe(12) + "1!", user_id="",
                      totp_secret=base64.b32encode(raw_secret.encode()).decode().rstrip("="))
    account.user_id = portal.admin.create_user({
        "username": email, "email": email, "enabled": True, "emailVerified": True, "firstName": "Pim",
        "lastName": "Wachtwoord", "credentials": [
            {"type": "password", "value": account.password, "temporary": False},
            {"type": "otp", "userLabel": "Telefoon", "secretData": json.dumps({"value": raw_secret}),
             "credentialData": json.dumps({"subType": "totp", "digits": 6, "period": 30, "algorithm": "HmacSHA1",
                                           "counter": 0})}]})
    portal.admin.update_user(account.user_id, {"requiredActions": ["UPDATE_PASSWORD"]})

    login(page, portal.url, account)
    page.fill("#password-new", COMMON_LONG_PASSWORDS[0])
    page.fill("#password-confirm", COMMON_LONG_PASSWORDS[0])
    submit(page, "input[type=submit], button[type=submit]")
    screenshot("common-password-refused")
    assert DENY_LIST_NL in page.inner_text("body")

    page.fill("#password-new", GOOD_PASSWORD)
    page.fill("#password-confirm", GOOD_PASSWORD)
    submit(page, "input[type=submit], button[type=submit]")
    page.wait_for_url(f"{portal.url}/dashboard")


# ---------------------------------------------------------------- tokens and redirects


def test_the_portal_client_signs_id_tokens_with_rs256_and_has_exact_redirect_uris(keycloak):
    admin = kc.client.master_admin(keycloak)
    portal = next(c for c in admin.get_clients() if c["clientId"] == "portal")
    assert portal["attributes"]["id.token.signed.response.alg"] == "RS256"
    assert sorted(portal["redirectUris"]) == sorted([f"{keycloak.portal_url}/auth/callback", f"{keycloak.portal_url}/"])
    assert not any("*" in uri for uri in portal["redirectUris"] + [portal["attributes"]["post.logout.redirect.uris"]])


@pytest.mark.parametrize("suffix", ["/auth/callback/../../evil", "/auth/callbackx", "/dashboard"])
def test_a_redirect_uri_near_the_registered_one_is_refused(keycloak, suffix):
    response = requests.get(f"{keycloak.issuer}/protocol/openid-connect/auth", allow_redirects=False, timeout=10, params={
        "client_id": "portal", "response_type": "code", "scope": "openid", "state": "s",
        "redirect_uri": keycloak.portal_url + suffix, "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_new_users_get_no_offline_tokens(portal):
    """offline_access is out of the default roles: an offline token request is refused."""
    admin = kc.client.master_admin(portal.settings, realm=portal.realm)
    default_role = admin.get_realm(portal.realm)["defaultRole"]
    composites = admin.connection.raw_get(f"admin/realms/{portal.realm}/roles-by-id/{default_role['id']}/composites").json()
    assert "offline_access" not in {role["name"] for role in composites}
