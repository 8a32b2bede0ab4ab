"""Snapshots of the e-mails Keycloak sends, as rendered by the real server through our e-mail theme.

A changed e-mail fails here until its snapshot is renewed on purpose:
UPDATE_SNAPSHOTS=1 ./dev test tests/integration/test_email_snapshots.py (then review the diff).
"""

import uuid

import pytest

from app import keycloak as kc
from tests.support import check_snapshot, submit

pytestmark = pytest.mark.integration

EMPLOYER = "EK88 <b>&</b> Zonen"  # HTML in a name must come out escaped


def check_envelope(message: dict, subject: str) -> None:
    assert message["subject"] == subject
    assert message["headers"]["From"] == "Arbodienst Voorbeeld <inloggen@portaal.example>"
    assert message["headers"]["Reply-To"] == "Niet beantwoorden <noreply@portaal.example>"
    for part in (message["text"], message["html"], message["subject"]):
        assert "null" not in part and "<b>&</b>" not in message["html"]


@pytest.fixture
def employer(portal):
    return kc.organizations.ensure_organization(portal.admin, EMPLOYER, f"{uuid.uuid4().hex[:8]}.nl")


def test_invitation_email(portal, employer, mail_sink):
    email = f"uitnodiging-{uuid.uuid4().hex[:8]}@ek88.nl"
    kc.invitations.invite(portal.admin, employer, email=email, first_name="Marco", last_name="<i>van</i> Basten")
    message = mail_sink.wait_for(email, "Belangrijk")
    check_envelope(message, "Belangrijk: maak nu uw account aan voor het werkgeverportaal van EK88 <b>&</b> Zonen")
    assert "maximaal 3 dagen geldig" in message["text"]
    check_snapshot("invitation", message, portal.realm)


def test_welcome_email(portal, employer, mail_sink):
    email = f"welkom-{uuid.uuid4().hex[:8]}@ek88.nl"
    kc.users.create_employee(portal.admin, employer, email=email, first_name="Anna", last_name="de Vries",
                             birth_date="1980-03-07", mobile="+31612345678")
    message = mail_sink.wait_for(email, "Welkom")
    check_envelope(message, "Welkom: activeer uw account")
    check_snapshot("welcome", message, portal.realm)


def test_forgot_password_email(page, portal, mail_sink):
    email = f"vergeten-{uuid.uuid4().hex[:8]}@ek88.nl"
    kc.users.ensure_user(portal.admin, email=email, first_name="Marco", last_name="van Basten",
                         roles=[], password="Een-Lang-Wachtwoord-1!")
    page.goto(f"{portal.url}/auth/login")
    page.click("text=Wachtwoord vergeten?")
    page.fill("#email", email)
    submit(page, "#kc-arbo-reset-submit")
    message = mail_sink.wait_for(email, "Wachtwoord wijzigen")
    check_envelope(message, "Wachtwoord wijzigen")
    assert "maximaal 15 minuten geldig" in message["text"]
    check_snapshot("password-reset", message, portal.realm)
