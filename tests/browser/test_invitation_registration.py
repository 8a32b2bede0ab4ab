"""End to end: an invitation e-mail's link opens Keycloak's registration page with the e-mail fixed;
the invitee registers, becomes a member of the employer and gets the invited role; an expired
link shows a clear expired page."""

from __future__ import annotations

import base64
import dataclasses
import json
import secrets
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pytest

from app import keycloak as kc
from tests.support import submit

pytestmark = pytest.mark.browser

SUBJECT = "Belangrijk: maak nu uw account aan voor het werkgeverportaal van"


def _link(message: dict) -> str:
    return next(link for link in message["links"] if "/registrations?" in link or "action-token" in link)


def test_invitation_link_opens_registration_with_email_fixed_and_role_follows(page, keycloak, mail_sink, realm_factory):
    realm = realm_factory()["realm"]
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=realm))
    org_id = kc.organizations.ensure_organization(admin, "EK88", "ek88.nl")
    email = f"marco-{uuid.uuid4().hex[:8]}@ek88.nl"
    welcome = "http://127.0.0.1:5999/invitations/welcome"
    kc.invitations.invite(admin, org_id, email=email, first_name="Marco", last_name="van Basten", role="manager",
                          redirect_url=welcome)
    message = mail_sink.wait_for(email, SUBJECT)

    page.goto(_link(message))
    page.wait_for_selector("#kc-register-form")
    field = page.locator("#email")
    assert field.input_value() == email
    assert field.is_disabled() or field.get_attribute("readonly") is not None
    for selector in ("#password", "#password-confirm", "#firstName", "#lastName"):
        assert page.locator(selector).count() == 1, selector

    password = "Registreer-" + secrets.token_urlsafe(10) + "1!"
    page.fill("#password", password)
    page.fill("#password-confirm", password)
    page.fill("#firstName", "Marco")
    page.fill("#lastName", "van Basten")
    submit(page, "#kc-register-form [type=submit]")

    # after the 2FA set-up Keycloak sends the invitee to the employer's redirect URL: the portal's welcome
    client_data = parse_qs(urlparse(page.url).query).get("client_data", [""])[0]
    if client_data:
        assert json.loads(base64.urlsafe_b64decode(client_data + "==="))["ru"] == welcome

    member = kc.organizations.find_member_by_email(admin, org_id, email)
    assert member is not None  # Keycloak made the invitee a member of the employer
    assert kc.invitations.list_invitations(admin, org_id) == []  # the used invitation is gone
    assert kc.invitations.apply_invited_roles(admin, org_id) == [email]
    assert kc.roles.employer_roles_of(admin, org_id, member["id"]) == {"manager"}  # at this employer only
    assert "manager" not in {r["name"] for r in admin.get_realm_roles_of_user(member["id"])}
    assert [r["status"] for r in kc.invitations.invitation_overview(admin, org_id)] == ["accepted"]


def test_expired_invitation_link_shows_a_clear_expired_page(page, keycloak, mail_sink, realm_factory):
    realm = realm_factory(actionTokenGeneratedByAdminLifespan=2)["realm"]
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=realm))
    org_id = kc.organizations.ensure_organization(admin, "EK88", "ek88.nl")
    email = f"laat-{uuid.uuid4().hex[:8]}@ek88.nl"
    kc.invitations.invite(admin, org_id, email=email, first_name="Laat", last_name="Komer")
    link = _link(mail_sink.wait_for(email, SUBJECT))
    time.sleep(3.5)

    page.goto(link)
    assert page.locator("#kc-register-form").count() == 0
    text = page.inner_text("body")
    assert "verlopen" in text.lower()
    assert "null" not in text
