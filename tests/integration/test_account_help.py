"""Helping a user back in (issue 12.3), against a real Keycloak and the real mail sink: who may help
whom (staff: the employers they serve; a superuser: members of their own employer, not the
arbodienst's people, not themself), the status page, the second-factor reset (identity check
required, required action set, sessions ended, logged, the user mailed) and the set-password mail."""

import json
import logging
import re
import uuid

import pytest

from app import sign_in_sessions
from tests.portal_fixtures import provision_real_world
from tests.support import check_snapshot

pytestmark = pytest.mark.integration


def _client(portal, account, roles=(), employers=None, acting_for=None):
    """A session built from ID-token claims (auth.session_user_from_claims), as after a real sign-in."""
    from app.access import SESSION_KEY
    from app.auth import session_user_from_claims

    client = portal.app.test_client()
    sid = uuid.uuid4().hex
    with portal.app.app_context():
        sign_in_sessions.record_start(sid, account.user_id)
    employers = employers or {}
    with client.session_transaction() as session:
        session["user"] = session_user_from_claims({
            "sub": account.user_id, "sid": sid, "email": account.email, "name": "Helper", "roles": list(roles),
            "organization": {f"org-{i}": {"id": org} for i, org in enumerate(employers)},
            "groups": [f"/werkgevers/{org}/{role}" for org, held in employers.items() for role in held]})
        if acting_for:
            session[SESSION_KEY] = acting_for
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def world(portal):
    return provision_real_world(portal, only=("superuser-a", "manager-a", "employee-a1", "manager-b", "employee-b1",
                                              "staff-b", "physician-a"))


def _without_tokens(response) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', response.get_data(as_text=True))  # CSRF tokens differ per page


def _not_found(client):
    return client.get(f"/account-help/{uuid.uuid4()}")


def test_staff_helps_the_members_of_the_employers_they_serve_only(portal, world):
    ids, accounts = world
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    listing = staff.get("/account-help/")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert accounts["employee-b1"].email in html and accounts["manager-b"].email in html
    assert accounts["employee-a1"].email not in html

    page = staff.get(f"/account-help/{accounts['employee-b1'].user_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-state="active"' in html and "Nog niet ingesteld" in html  # password, no second factor yet

    refused = staff.get(f"/account-help/{accounts['employee-a1'].user_id}")
    nonexistent = _not_found(staff)
    assert refused.status_code == nonexistent.status_code == 404
    assert _without_tokens(refused) == _without_tokens(nonexistent)
    assert staff.get("/account-help/..%2F..%2Fusers").status_code == 404


def test_superuser_helps_own_employer_members_but_not_others_or_themself(portal, world):
    ids, accounts = world
    org_a = ids.org_ids["a"]
    superuser = _client(portal, accounts["superuser-a"], employers={org_a: ["manager", "superuser"]}, acting_for=org_a)
    assert superuser.get(f"/account-help/{accounts['manager-a'].user_id}").status_code == 200
    assert superuser.get(f"/account-help/{accounts['employee-a1'].user_id}").status_code == 200
    for other in ("manager-b", "employee-b1", "physician-a", "superuser-a"):
        assert superuser.get(f"/account-help/{accounts[other].user_id}").status_code == 404, other

    manager = _client(portal, accounts["manager-a"], employers={org_a: ["manager"]}, acting_for=org_a)
    assert manager.get("/account-help/").status_code == 404
    assert manager.get(f"/account-help/{accounts['employee-a1'].user_id}").status_code == 404
    employee = _client(portal, accounts["employee-a1"], roles=["employee"], employers={org_a: []})
    assert employee.get(f"/account-help/{accounts['manager-a'].user_id}").status_code == 404


def test_reset_needs_the_identity_check_then_resets_logs_and_mails(portal, world, mail_sink, caplog):
    ids, accounts = world
    target = accounts["employee-b1"]
    portal.admin.update_user(target.user_id, {"requiredActions": []})  # as someone who set up long ago
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    page = staff.get(f"/account-help/{target.user_id}").get_data(as_text=True)
    form = {"csrf_token": _csrf(page), "how": "callback", "reason": "phone-lost"}

    unchecked = staff.post(f"/account-help/{target.user_id}/reset-second-factor", data=form)
    assert unchecked.status_code == 400
    assert "Bevestig dat u de identiteit heeft gecontroleerd." in unchecked.get_data(as_text=True)
    assert "arbo-choose-2fa" not in (portal.admin.get_user(target.user_id).get("requiredActions") or [])

    forged = staff.post(f"/account-help/{target.user_id}/reset-second-factor",
                        data=form | {"identity_checked": "y", "how": "een collega zei het"})
    assert forged.status_code == 400  # only the listed ways of checking

    with caplog.at_level(logging.INFO, logger="arbo.security"):
        done = staff.post(f"/account-help/{target.user_id}/reset-second-factor", data=form | {"identity_checked": "y"})
    assert done.status_code == 302
    assert "arbo-choose-2fa" in portal.admin.get_user(target.user_id)["requiredActions"]
    events = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "account-help.second-factor-reset"]
    assert len(events) == 1
    assert events[0]["actor"] == accounts["staff-b"].user_id and events[0]["target"] == target.user_id
    assert events[0]["employer"] == ids.org_ids["b"] and events[0]["identity_check"] == "callback"
    assert target.email not in json.dumps(events[0], default=str)  # ids only in the security log

    message = mail_sink.wait_for(target.email, "tweede inlogstap is opnieuw ingesteld")
    check_snapshot("second-factor-reset", message, portal.realm)


def test_set_password_mail_sends_keycloaks_mail(portal, world, mail_sink):
    ids, accounts = world
    org_a = ids.org_ids["a"]
    target = accounts["manager-a"]
    superuser = _client(portal, accounts["superuser-a"], employers={org_a: ["manager", "superuser"]}, acting_for=org_a)
    page = superuser.get(f"/account-help/{target.user_id}").get_data(as_text=True)
    assert "Mail voor nieuw wachtwoord sturen" in page
    sent = superuser.post(f"/account-help/{target.user_id}/set-password-mail", data={"csrf_token": _csrf(page)})
    assert sent.status_code == 302
    message = mail_sink.wait_for(target.email)
    assert "/login-actions/action-token" in message["text"]
    assert superuser.post(f"/account-help/{accounts['manager-b'].user_id}/set-password-mail",
                          data={"csrf_token": _csrf(page)}).status_code == 404


def test_staff_correct_the_dossier_mobile_number_and_keycloak_follows(portal, world, caplog):
    ids, accounts = world
    target = accounts["employee-b1"]
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    page = staff.get(f"/account-help/{target.user_id}").get_data(as_text=True)
    assert 'id="mobile-form"' in page

    wrong = staff.post(f"/account-help/{target.user_id}/mobile", data={"csrf_token": _csrf(page), "mobile": "0612"})
    assert wrong.status_code == 400 and "Vul een geldig mobiel nummer in" in wrong.get_data(as_text=True)

    with caplog.at_level(logging.INFO, logger="arbo.security"):
        done = staff.post(f"/account-help/{target.user_id}/mobile",
                          data={"csrf_token": _csrf(page), "mobile": "06 87654321"})
    assert done.status_code == 302
    assert portal.admin.get_user(target.user_id)["attributes"]["mobile"] == ["+31687654321"]
    assert portal.admin.get_user(target.user_id)["email"] == target.email  # nothing else lost
    from app.extensions import db
    from app.models import Employee

    with portal.app.app_context():
        employee = db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == target.user_id))
        assert employee.mobile == "+31687654321"
    assert any(getattr(r, "fields", {}).get("event") == "account-help.mobile-corrected" for r in caplog.records)

    # a superuser helps with sign-in, but the dossier is the arbodienst's: no form, and a forged post is a 404
    org_a = ids.org_ids["a"]
    superuser = _client(portal, accounts["superuser-a"], employers={org_a: ["manager", "superuser"]}, acting_for=org_a)
    own = superuser.get(f"/account-help/{accounts['employee-a1'].user_id}").get_data(as_text=True)
    assert 'id="mobile-form"' not in own
    assert superuser.post(f"/account-help/{accounts['employee-a1'].user_id}/mobile",
                          data={"csrf_token": _csrf(own), "mobile": "0611111111"}).status_code == 404
