"""Helping someone whose invitation is still open (issue 12.3): they have no account yet, so they are
not a member to pick on "Hulp bij inloggen"; the page lists them under their employer, and a
superuser of that employer (or staff serving it) resends the invitation - a new e-mail with a new
3-day link, through app.keycloak.invitations, logged. Another employer's helpers get 404."""

import logging
import re
import time
import uuid

import pytest

from app import keycloak as kc
from tests.integration.test_account_help import _client, _csrf

pytestmark = pytest.mark.integration

SUBJECT = "Belangrijk: maak nu uw account aan"


@pytest.fixture
def world(portal):
    from tests.portal_fixtures import provision_real_world

    return provision_real_world(portal, only=("superuser-a", "manager-b", "staff-b"))


def _any_csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _invitation_mails(mail_sink, email):
    return [m for m in mail_sink.messages_to(email) if SUBJECT in m["subject"]]


def test_a_superuser_resends_a_pending_invitation_from_the_help_page(portal, world, mail_sink, caplog):
    ids, accounts = world
    org_a = ids.org_ids["a"]
    email = f"nieuw-{uuid.uuid4().hex[:8]}@example.nl"
    kc.invitations.invite(portal.admin, org_a, email=email, first_name="Nina", last_name="Nieuw", role="manager")
    mail_sink.wait_for(email, SUBJECT)
    invitation = kc.invitations.list_invitations(portal.admin, org_a, email=email)[0]

    superuser = _client(portal, accounts["superuser-a"], employers={org_a: ["manager", "superuser"]}, acting_for=org_a)
    page = superuser.get("/account-help/").get_data(as_text=True)
    assert f'data-email="{email}" data-status="pending"' in page and "Uitnodiging opnieuw versturen" in page
    url = f"/account-help/employers/{org_a}/invitations/{invitation['id']}/resend"
    assert url in page
    assert superuser.post(url).status_code == 400  # without the CSRF token nothing is sent

    # helpers of another employer: the same 404 as an id that does not exist
    other_superuser = _client(portal, accounts["manager-b"], employers={ids.org_ids["b"]: ["manager", "superuser"]},
                              acting_for=ids.org_ids["b"])
    staff_b = _client(portal, accounts["staff-b"], roles=["staff"])
    for client in (other_superuser, staff_b):
        token = _any_csrf(client.get("/account-help/").get_data(as_text=True))  # the sign-out form's
        assert client.post(url, data={"csrf_token": token}).status_code == 404
        # their own employer's id with A's invitation id: not found under B either
        crossed = f"/account-help/employers/{ids.org_ids['b']}/invitations/{invitation['id']}/resend"
        assert client.post(crossed, data={"csrf_token": token}).status_code == 404
    time.sleep(1)
    assert len(_invitation_mails(mail_sink, email)) == 1

    with caplog.at_level(logging.INFO, logger="arbo.security"):
        response = superuser.post(url, data={"csrf_token": _csrf(page)}, follow_redirects=True)
    assert response.status_code == 200
    assert "De uitnodiging is opnieuw verstuurd" in response.get_data(as_text=True)
    deadline = time.monotonic() + 20
    while len(_invitation_mails(mail_sink, email)) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    mails = _invitation_mails(mail_sink, email)
    assert len(mails) == 2
    links = [re.findall(r"https?://\S+", m["text"]) for m in mails]
    assert links[0] != links[1]  # a new link
    events = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "account-help.invitation-resent"]
    assert len(events) == 1 and events[0]["employer"] == org_a and email not in str(events[0])
    # still one open invitation, its invited role kept
    pending = [i for i in kc.invitations.invitation_overview(portal.admin, org_a) if i["email"] == email]
    assert [(i["status"], i["role"]) for i in pending] == [("pending", "manager")]
