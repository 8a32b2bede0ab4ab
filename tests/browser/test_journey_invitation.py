"""Journeys 1 and 4 of the employer manual: an invitation becomes an account with 2FA; an expired
invitation says what to do, and a resent one works."""

import uuid

import pytest

from app import keycloak as kc
from tests.support import Account, serious_accessibility_violations, set_up_totp, submit

pytestmark = pytest.mark.browser

SUBJECT = "Belangrijk: maak nu uw account aan voor het werkgeverportaal van EK88"


def invite(portal, email):
    employer = kc.organizations.ensure_organization(portal.admin, "EK88", f"{uuid.uuid4().hex[:8]}.nl")
    kc.invitations.invite(portal.admin, employer, email=email, first_name="Marco", last_name="van Basten",
                          role="manager", redirect_url=kc.invitations.welcome_url(portal.url))
    return employer


def invitation_link(message) -> str:
    return next(link for link in message["links"] if "/registrations?" in link)


def test_invitation_to_dashboard(page, portal, mail_sink, screenshot):
    email = f"marco-{uuid.uuid4().hex[:8]}@ek88.nl"
    invite(portal, email)
    page.goto(invitation_link(mail_sink.wait_for(email, SUBJECT)))

    screenshot("registration")
    assert "EK88" in page.inner_text("h1")  # "Maak een account aan om lid te worden van EK88"
    assert page.locator("#email").input_value() == email
    rules = page.inner_text("body")
    assert "minimaal 16" in rules and "hoofdletter" in rules  # the rules show before anyone fails them
    assert serious_accessibility_violations(page) == [], "registration page"

    for field, value in (("#firstName", "Marco"), ("#lastName", "van Basten")):
        page.fill(field, value)
    page.fill("#password", "Kort-Wachtw0rd!")  # 15 characters
    page.fill("#password-confirm", "Kort-Wachtw0rd!")
    submit(page, "#kc-register-form [type=submit]")
    screenshot("password-too-short")
    assert "Het wachtwoord moet minimaal 16 tekens lang zijn" in page.inner_text("body")

    account = Account(email=email, password="Lang-Genoeg-Wachtw00rd!", user_id="")
    page.fill("#password", account.password)
    page.fill("#password-confirm", account.password)
    submit(page, "#kc-register-form [type=submit]")

    assert "Mobiele authenticator instellen" in page.inner_text("h1")
    screenshot("totp-setup")
    set_up_totp(page, account, device="Telefoon van Marco", manual_key=True)
    page.wait_for_url(f"{portal.url}/dashboard")
    assert "Leidinggevende" in page.inner_text("#roles")  # the invited role was applied on arrival
    screenshot("dashboard")

    user = kc.users.find_user_by_email(portal.admin, email)
    credentials = portal.admin.get_credentials(user["id"])
    assert [(c["type"], c.get("userLabel")) for c in credentials if c["type"] == "otp"] == [("otp", "Telefoon van Marco")]


def test_expired_invitation_says_what_to_do_and_a_resent_one_works(page, portal_factory, mail_sink, screenshot):
    portal = portal_factory(actionTokenGeneratedByAdminLifespan=1)
    email = f"laat-{uuid.uuid4().hex[:8]}@ek88.nl"
    employer = invite(portal, email)
    expired = invitation_link(mail_sink.wait_for(email, SUBJECT))
    page.wait_for_timeout(2500)

    page.goto(expired)
    screenshot("expired-invitation")
    text = page.inner_text("body")
    assert page.locator("#kc-register-form").count() == 0
    assert "Deze link werkt niet meer" in text
    assert "beheerder van uw organisatie" in text  # whom to ask for a new invitation

    portal.admin.update_realm(portal.realm, {"actionTokenGeneratedByAdminLifespan": 259200})
    invitation = kc.invitations.list_invitations(portal.admin, employer, email=email)[0]
    kc.invitations.resend_invitation(portal.admin, employer, invitation["id"])
    fresh = next(m for m in mail_sink.messages_to(email) if invitation_link(m) != expired)
    page.goto(invitation_link(fresh))
    screenshot("resent-invitation")
    assert page.locator("#email").input_value() == email
