"""Server-side sessions without Keycloak: opaque cookie, idle and absolute expiry, bounded pending
sign-in state, a new id at sign-in, and the role refresh (Keycloak's token endpoint mocked)."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from unittest import mock

import requests
from authlib.integrations.base_client import OAuthError

from app import create_app, server_sessions
from app.auth import session_user_from_claims
from app.config import load_settings
from app.extensions import db, oauth

COOKIE = "portal_session"


def sign_in(client, roles=("manager",), refresh_token=None, sid="sid-1"):
    with client.session_transaction() as session:
        session["user"] = session_user_from_claims({"sub": "user-1", "sid": sid, "email": "m@ek88.nl",
                                                    "name": "Marco Geheim", "roles": list(roles)})
        session["id_token"] = "id-token-value"
        if refresh_token:
            session["refresh_token"] = refresh_token
            session["refreshed_at"] = time.time()


def rows(app):
    with app.app_context():
        return db.session.scalars(db.select(server_sessions.ServerSession)).all()


def shift(app, **deltas):
    """Move the stored timestamps into the past instead of waiting."""
    with app.app_context():
        for row in db.session.scalars(db.select(server_sessions.ServerSession)):
            for column, delta in deltas.items():
                setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def test_the_cookie_holds_only_an_opaque_id(app, client):
    sign_in(client)
    value = cookie_value(client)
    assert value and len(value) <= 64 and "Marco" not in value and "." not in value  # no signed payload
    (row,) = rows(app)
    assert row.id != value and row.keycloak_sid == "sid-1" and "Marco Geheim" in row.data  # only the hash is stored
    assert client.get("/dashboard").status_code == 200


def test_idle_expiry_ends_the_session(app, client):
    sign_in(client)
    shift(app, last_seen_at=timedelta(seconds=app.config["SESSION_IDLE_SECONDS"] + 1))
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    assert rows(app) == []


def test_absolute_expiry_ends_an_active_session(app, client):
    sign_in(client)
    shift(app, created_at=timedelta(seconds=app.config["SESSION_MAX_SECONDS"] + 1))
    assert client.get("/dashboard").status_code == 302
    assert rows(app) == []


def test_a_session_just_within_both_lifetimes_stays(app, client):
    sign_in(client)
    shift(app, created_at=timedelta(seconds=app.config["SESSION_MAX_SECONDS"] - 60),
          last_seen_at=timedelta(seconds=app.config["SESSION_IDLE_SECONDS"] - 60))
    assert client.get("/dashboard").status_code == 200


def test_lifetimes_default_to_keycloak_and_are_never_longer(tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path}/l.sqlite")
    app = create_app({"SETTINGS": settings, "SESSION_IDLE_SECONDS": 99999, "SESSION_MAX_SECONDS": 10 ** 6})
    assert (app.config["SESSION_IDLE_SECONDS"], app.config["SESSION_MAX_SECONDS"]) == (1800, 36000)
    shorter = create_app({"SETTINGS": settings, "SESSION_IDLE_SECONDS": 600})
    assert shorter.config["SESSION_IDLE_SECONDS"] == 600 and shorter.config["SESSION_REFRESH_SECONDS"] == 60


def test_fifty_sign_in_attempts_keep_the_cookie_small_and_the_pending_state_bounded(app, client, known_metadata):
    for _ in range(50):
        response = client.get("/auth/login?next=/dashboard")
        assert response.status_code == 302
    assert len(cookie_value(client)) <= 64
    (row,) = rows(app)
    assert row.data.count("_state_keycloak_") == 5  # at most five unfinished sign-ins are kept
    assert client.get("/").status_code in (200, 302)


def test_sign_in_gives_a_new_session_id(app, client, known_metadata):
    client.get("/auth/login?next=/dashboard")  # an anonymous session (pending sign-in) exists
    before = cookie_value(client)
    claims = {"sub": "user-1", "sid": "kc-sid", "email": "m@ek88.nl", "name": "Marco", "roles": ["manager"]}
    token = {"id_token": "id-1", "refresh_token": "refresh-1", "userinfo": claims}
    with mock.patch.object(oauth.keycloak, "authorize_access_token", return_value=token):
        response = client.get("/auth/callback?code=c&state=s")
    assert response.status_code == 302 and response.location == "/dashboard"
    after = cookie_value(client)
    assert after and after != before
    (row,) = rows(app)  # the anonymous row is gone
    assert row.keycloak_sid == "kc-sid" and row.subject == "user-1"


def refreshed(roles, sub="user-1"):
    token = {"access_token": "a", "id_token": "id-2", "refresh_token": "refresh-2"}
    claims = {"sub": sub, "sid": "sid-1", "email": "m@ek88.nl", "name": "Marco", "roles": roles}
    return (mock.patch.object(oauth.keycloak, "fetch_access_token", return_value=token),
            mock.patch.object(oauth.keycloak, "parse_id_token", return_value=claims))


def test_roles_are_refreshed_once_the_interval_has_passed(app, client):
    app.config["SESSION_REFRESH_SECONDS"] = 0
    sign_in(client, roles=("manager",), refresh_token="refresh-1")
    fetch, parse = refreshed(["employee"])
    with fetch as fetched, parse:  # (the dossier: a user who is now only an employee is sent there from /dashboard)
        assert client.get("/dossier").status_code == 200
    fetched.assert_called_once_with(grant_type="refresh_token", refresh_token="refresh-1")
    with client.session_transaction() as session:
        assert session["user"]["roles"] == ["employee"] and session["refresh_token"] == "refresh-2"


def test_no_refresh_within_the_interval(app, client):
    sign_in(client, refresh_token="refresh-1")
    fetch, parse = refreshed(["employee"])
    with fetch as fetched, parse:
        client.get("/dashboard")
    fetched.assert_not_called()


def test_a_refused_refresh_signs_the_user_out(app, client):
    app.config["SESSION_REFRESH_SECONDS"] = 0
    sign_in(client, refresh_token="refresh-1")
    refused = OAuthError(error="invalid_grant", description="Session not active")
    with mock.patch.object(oauth.keycloak, "fetch_access_token", side_effect=refused):
        response = client.get("/dashboard")
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    assert rows(app) == []


def test_a_refresh_for_another_user_signs_out(app, client):
    app.config["SESSION_REFRESH_SECONDS"] = 0
    sign_in(client, refresh_token="refresh-1")
    fetch, parse = refreshed(["manager"], sub="someone-else")
    with fetch, parse:
        assert client.get("/dashboard").status_code == 302
    assert rows(app) == []


def test_keycloak_unreachable_on_refresh_fails_closed_and_keeps_the_session(app, client):
    app.config["SESSION_REFRESH_SECONDS"] = 0
    sign_in(client, refresh_token="refresh-1")
    with mock.patch.object(oauth.keycloak, "fetch_access_token", side_effect=requests.ConnectionError()):
        assert client.get("/dashboard").status_code == 503
    assert len(rows(app)) == 1


def test_a_session_ended_while_a_request_ran_is_not_written_back(app, client):
    from app import sign_in_sessions

    sign_in(client)
    with client.session_transaction() as session:
        with app.app_context():
            assert sign_in_sessions.end(sid="sid-1") == 1  # back-channel logout in between
        session["locale"] = "en"  # this request changed the session and saves it afterwards
    assert rows(app) == []
    assert client.get("/dashboard").status_code == 302


def test_expired_sessions_are_purged(app, client):
    sign_in(client)
    shift(app, last_seen_at=timedelta(hours=1))
    with app.app_context():
        assert server_sessions.purge_expired(app) == 1
