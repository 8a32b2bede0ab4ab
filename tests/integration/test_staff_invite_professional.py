"""Staff invite a company doctor or casemanager on the staff page (issue 12.1), against a real
Keycloak and the real sink: the same path as `provision invite --role physician|staff`
(app.professional_records.invite): the account with its realm role, the welcome e-mail, and the
employers they serve - only employers the inviting staff member serves themself."""

import logging
import uuid

import pytest

from app import professional_records
from tests.integration.test_account_help import _client, _csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def world(portal):
    from tests.portal_fixtures import provision_real_world

    return provision_real_world(portal, only=("staff-b", "physician-a", "manager-b"))


def test_staff_invite_a_physician_for_the_employers_they_serve(portal, world, mail_sink, caplog):
    ids, accounts = world
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    page = staff.get("/staff/people/invite")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ids.org_ids["b"] in html and ids.org_ids["a"] not in html
    token = _csrf(html)
    email = f"arts-{uuid.uuid4().hex[:8]}@arbodienst.example"
    form = {"email": email, "first_name": "Fenna", "last_name": "Arts", "role": "physician", "csrf_token": token}

    # an employer the staff member does not serve cannot be chosen
    refused = staff.post("/staff/people/invite", data=form | {"employers": [ids.org_ids["a"]]})
    assert refused.status_code == 400 and portal.admin.get_user_id(email) is None

    with caplog.at_level(logging.INFO, logger="arbo.security"):
        sent = staff.post("/staff/people/invite", data=form | {"employers": [ids.org_ids["b"]]})
    assert sent.status_code == 302
    user_id = portal.admin.get_user_id(email)
    assert "physician" in {r["name"] for r in portal.admin.get_realm_roles_of_user(user_id)}
    mail_sink.wait_for(email, "Welkom")
    with portal.app.app_context():
        assert [e.keycloak_org_id for e in professional_records.served(user_id)] == [ids.org_ids["b"]]
    events = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "professional.invited"]
    assert events and events[0]["target"] == user_id and events[0]["role"] == "physician"
    assert email not in str(events[0])  # ids only in the security log

    # an existing account gets the role only after an explicit confirmation
    other = accounts["manager-b"].email
    form = {"email": other, "first_name": "Marco", "last_name": "B", "role": "staff", "employers": [ids.org_ids["b"]],
            "csrf_token": token}
    asked = staff.post("/staff/people/invite", data=form)
    assert asked.status_code == 409 and "Er bestaat al een account" in asked.get_data(as_text=True)
    assert "staff" not in {r["name"] for r in portal.admin.get_realm_roles_of_user(accounts["manager-b"].user_id)}


def test_only_staff_may_invite_professionals(portal, world):
    ids, accounts = world
    for client in (_client(portal, accounts["physician-a"], roles=["physician"]),
                   _client(portal, accounts["manager-b"], employers={ids.org_ids["b"]: ["manager", "superuser"]},
                           acting_for=ids.org_ids["b"])):
        assert client.get("/staff/people/invite").status_code == 404
