"""Passkeys (issue 12.3): a new employee chooses a passkey as second factor at first sign-in and
registers it with Chromium's virtual authenticator (DevTools protocol WebAuthn); signs in again with
password + passkey; then takes the quick path, the passkey alone on the sign-in page (user
verification required: device plus PIN or biometrics, still two factors); and Mijn instellingen
lists the passkey and adds a second one; forgot password, the passkey proves it is them before the
new password is set (a passkey-only user would otherwise be stuck there).

Keycloak runs under the name localhost for this test (WebAuthn refuses 127.0.0.1 as relying party);
the portal stays at 127.0.0.1."""

from __future__ import annotations

import secrets
import uuid

import pytest

from app import keycloak as kc
from tests.sms_support import sign_out
from tests.support import Account, submit

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSKEY = "webauthn-passwordless"


def _virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator that holds passkeys and verifies the user (as a fingerprint would),
    answering every request without a person; (DevTools session, authenticator id)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return cdp, added["authenticatorId"]


def _passkeys(portal, account) -> list[dict]:
    return [c for c in portal.admin.get_credentials(account.user_id) if c["type"] == PASSKEY]


def _register_passkey(page, label: str) -> None:
    """On Keycloak's passkey page: the button starts the browser's WebAuthn call; the page then asks
    a name for the passkey (a prompt) and posts the result."""
    page.once("dialog", lambda dialog: dialog.accept(label))
    with page.expect_navigation():
        page.click("#registerWebAuthn")


def _presence(cdp, authenticator: str, answers: bool) -> None:
    """Whether the device answers by itself (the person touching it) or stays silent."""
    cdp.send("WebAuthn.setAutomaticPresenceSimulation", {"authenticatorId": authenticator, "enabled": answers})


def _signed_in(page, portal) -> bool:
    page.wait_for_load_state()
    return page.url.startswith(portal.url) and page.locator("#logout").count() > 0


def test_passkey_registration_and_sign_in(page, localhost_portal, mail_sink, screenshot):
    portal = localhost_portal
    org_id = kc.organizations.ensure_organization(portal.admin, f"Werkgever {uuid.uuid4().hex[:6]}",
                                                  f"{uuid.uuid4().hex[:8]}.nl")
    email = f"pien-{uuid.uuid4().hex[:8]}@example.nl"
    password = "Test-" + secrets.token_urlsafe(12) + "1!"
    account = Account(email=email, password=password, user_id=kc.users.ensure_user(
        portal.admin, email=email, first_name="Pien", last_name="Passkey", roles=["employee"],
        organization_id=org_id, password=password))

    cdp, authenticator = _virtual_authenticator(page)

    # (1) first sign-in: password, then the choice of second factor: a passkey
    page.goto(f"{portal.url}/auth/login")
    assert page.url.startswith("http://localhost:"), page.url  # Keycloak's pages under a host name
    page.fill("#username", email)
    page.fill("#password", password)
    submit(page, "#kc-login")
    page.wait_for_selector("#kc-arbo-choose-2fa-form")
    assert page.locator("#method-passkey").count() == 1
    screenshot("choose-passkey")
    page.check("#method-passkey")
    submit(page, "#kc-arbo-choose-submit")
    page.wait_for_selector("#registerWebAuthn")
    screenshot("register-passkey")
    _register_passkey(page, "Laptop")
    assert _signed_in(page, portal), page.url
    assert [c.get("userLabel") for c in _passkeys(portal, account)] == ["Laptop"]
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

    # (2) signed out; password, then the passkey as second factor. The device stays silent on the
    # sign-in page (as when the person ignores the passkey suggestion there), and answers on the
    # second-factor page.
    sign_out(page, portal)
    _presence(cdp, authenticator, False)
    page.goto(f"{portal.url}/auth/login")
    page.fill("#username", email)
    page.fill("#password", password)
    submit(page, "#kc-login")
    page.wait_for_selector("#authenticateWebAuthnButton")  # the password alone is not enough
    assert not page.url.startswith(portal.url)
    screenshot("passkey-as-second-factor")
    _presence(cdp, authenticator, True)
    with page.expect_navigation():
        page.click("#authenticateWebAuthnButton")
    assert _signed_in(page, portal), page.url

    # (3) the quick path: on the sign-in page the browser offers the passkey (conditional UI) and the
    # device answers at once: signed in without typing a password or a code
    sign_out(page, portal)
    page.goto(f"{portal.url}/auth/login")
    page.wait_for_url(f"{portal.url}/**")
    assert _signed_in(page, portal), page.url

    # (4) Mijn instellingen lists the passkey and adds another (behind a fresh sign-in)
    page.goto(f"{portal.url}/settings")
    assert "Passkey (Laptop)" in page.inner_text("#methods")
    screenshot("settings")
    with page.expect_navigation():
        page.click("#add-passkey")
    _finish_fresh_sign_in(page, email, password)
    page.wait_for_selector("#registerWebAuthn")
    _register_passkey(page, "Telefoon")
    page.wait_for_load_state()
    if not page.url.startswith(portal.url):  # Keycloak's "account updated" page
        page.get_by_text("Terugkeren naar applicatie").click()
    page.goto(f"{portal.url}/settings")
    methods = page.inner_text("#methods")
    assert "Passkey (Laptop)" in methods and "Passkey (Telefoon)" in methods
    assert len(_passkeys(portal, account)) == 2

    # (5) forgot password: after the e-mail link the passkey is the second factor (this user has no
    # app, SMS or recovery codes). The device stays silent on the sign-in page, where it would
    # otherwise take the quick path before "Wachtwoord vergeten?" is clicked.
    from tests.browser.test_journey_forgot_password import request_reset, reset_link

    sign_out(page, portal)
    _presence(cdp, authenticator, False)
    request_reset(page, portal, email)
    page.goto(reset_link(mail_sink.wait_for(email, "Wachtwoord wijzigen")))
    page.wait_for_selector("#authenticateWebAuthnButton")
    screenshot("reset-asks-passkey")
    _presence(cdp, authenticator, True)
    with page.expect_navigation():
        page.click("#authenticateWebAuthnButton")
    assert "Wachtwoord bijwerken" in page.inner_text("h1")
    new_password = "Nieuw-" + secrets.token_urlsafe(12) + "2!"
    page.fill("#password-new", new_password)
    page.fill("#password-confirm", new_password)
    submit(page, "input[type=submit], button[type=submit]")
    assert _signed_in(page, portal), page.url


def _finish_fresh_sign_in(page, email: str, password: str) -> None:
    """Adding a passkey asks for a whole sign-in again (max_auth_age 0): password and passkey."""
    page.wait_for_load_state()
    if page.locator("#password").count():
        if page.locator("#username").count():
            page.fill("#username", email)
        page.fill("#password", password)
        submit(page, "#kc-login")
    if page.locator("#authenticateWebAuthnButton").count() and not page.locator("#registerWebAuthn").count():
        with page.expect_navigation():
            page.click("#authenticateWebAuthnButton")
