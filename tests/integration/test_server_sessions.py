"""The portal session follows Keycloak's, against a real Keycloak: idle and absolute expiry, a role
removed or a user disabled in Keycloak takes effect at the next refresh, back-channel logout
deletes the server-side session, and repeated sign-in attempts keep the cookie small.

The browser signs in once (Keycloak's own pages, TOTP set up); the test then uses the portal's
cookie from plain HTTP requests, and moves stored timestamps instead of waiting."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
import requests

from app import keycloak as kc
from app import server_sessions
from app.extensions import db
from app.models import Employer
from tests.support import Account, login

pytestmark = [pytest.mark.integration, pytest.mark.browser]

COOKIE = "portal_session"


@pytest.fixture
def employer_manager(portal):
    """A manager of a fresh Keycloak organization that the portal knows as an employer."""
    name = f"Werkgever {uuid.uuid4().hex[:6]}"
    org_id = kc.organizations.ensure_organization(portal.admin, name, f"{uuid.uuid4().hex[:8]}.nl")
    with portal.app.app_context():
        db.session.add(Employer(name=name, keycloak_org_id=org_id, keycloak_org_alias=kc.organizations.alias(name)))
        db.session.commit()
    email = f"manager-{uuid.uuid4().hex[:8]}@example.nl"
    password = "Test-" + secrets.token_urlsafe(12) + "1!"
    user_id = kc.users.ensure_user(portal.admin, email=email, first_name="Marco", last_name="van Basten",
                                   roles=[], employer_roles=["manager"], organization_id=org_id,
                                   password=password)
    account = Account(email=email, password=password, user_id=user_id)
    account.organization_id = org_id
    return account


def signed_in_cookie(page, portal, account) -> str:
    login(page, portal.url, account)
    page.wait_for_url(f"{portal.url}/dashboard")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    return cookie["value"]


def get(portal, path: str, cookie: str) -> requests.Response:
    return requests.get(portal.url + path, cookies={COOKIE: cookie}, allow_redirects=False, timeout=20)


def session_rows(portal) -> list[server_sessions.ServerSession]:
    with portal.app.app_context():
        return db.session.scalars(db.select(server_sessions.ServerSession)).all()


def own_row(portal, cookie: str) -> server_sessions.ServerSession | None:
    """The row of the session behind this cookie (the browser may leave an anonymous one beside it)."""
    with portal.app.app_context():
        return db.session.get(server_sessions.ServerSession, server_sessions._key(cookie))


def shift(portal, **deltas) -> None:
    with portal.app.app_context():
        for row in db.session.scalars(db.select(server_sessions.ServerSession)):
            for column, delta in deltas.items():
                setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def assert_signed_out(portal, cookie: str) -> None:
    response = get(portal, "/dashboard", cookie)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_idle_expiry_ends_the_portal_session(page, portal, manager):
    cookie = signed_in_cookie(page, portal, manager)
    assert get(portal, "/dashboard", cookie).status_code == 200
    shift(portal, last_seen_at=timedelta(seconds=portal.app.config["SESSION_IDLE_SECONDS"] + 1))
    assert_signed_out(portal, cookie)
    assert own_row(portal, cookie) is None


def test_absolute_expiry_ends_an_active_portal_session(page, portal, manager):
    cookie = signed_in_cookie(page, portal, manager)
    shift(portal, created_at=timedelta(seconds=portal.app.config["SESSION_MAX_SECONDS"] + 1))
    assert_signed_out(portal, cookie)
    assert own_row(portal, cookie) is None


def test_a_role_removed_in_keycloak_is_gone_at_the_next_refresh(page, portal, employer_manager):
    portal.app.config["SESSION_REFRESH_SECONDS"] = 1  # production: 60
    cookie = signed_in_cookie(page, portal, employer_manager)
    assert get(portal, "/dashboard/export.csv", cookie).status_code == 200
    kc.roles.revoke_employer_roles(portal.admin, employer_manager.organization_id, employer_manager.user_id)
    portal.app.config["SESSION_REFRESH_SECONDS"] = 0  # "one interval later", without waiting
    assert get(portal, "/dashboard/export.csv", cookie).status_code == 404
    row = own_row(portal, cookie)
    assert row is not None and '"manager"' not in row.data


def test_a_user_disabled_in_keycloak_is_signed_out_at_the_next_refresh(page, portal, manager):
    cookie = signed_in_cookie(page, portal, manager)
    portal.admin.update_user(manager.user_id, {"enabled": False})
    portal.app.config["SESSION_REFRESH_SECONDS"] = 0
    assert_signed_out(portal, cookie)
    assert own_row(portal, cookie) is None


def test_back_channel_logout_deletes_the_server_side_session(page, portal, manager):
    cookie = signed_in_cookie(page, portal, manager)
    assert own_row(portal, cookie) is not None
    portal.admin.user_logout(manager.user_id)  # Keycloak calls the portal's back-channel endpoint
    assert own_row(portal, cookie) is None
    assert_signed_out(portal, cookie)


def test_fifty_visits_to_sign_in_keep_the_cookie_small(portal):
    client = requests.Session()
    for _ in range(50):
        response = client.get(f"{portal.url}/auth/login?next=/dashboard", allow_redirects=False, timeout=20)
        assert response.status_code == 302
    assert len(client.cookies[COOKIE]) <= 64
    assert client.get(f"{portal.url}/", timeout=20).status_code == 200
    (row,) = session_rows(portal)
    assert row.data.count("_state_keycloak_") <= 5
