"""The sign-in routes, without Keycloak: redirects, safety checks and failure pages."""

import dataclasses
import secrets
from urllib.parse import parse_qs, urlparse

import pytest

from app import create_app, sign_in_sessions
from app.auth import session_user_from_claims
from app.config import load_settings
from tests.support import OFFLINE_METADATA

METADATA = OFFLINE_METADATA


def sign_in(app, client, sid="sid-1", roles=("manager",)):
    with app.app_context():
        sign_in_sessions.record_start(sid, "user-1")
    with client.session_transaction() as session:
        # the one session-user shape: built from ID-token claims as auth.callback builds it
        session["user"] = session_user_from_claims({"sub": "user-1", "sid": sid, "email": "m@ek88.nl", "name": "Marco",
                                                    "roles": list(roles)})
        session["id_token"] = "id-token-value"


def test_login_redirects_to_keycloak_with_pkce_state_and_nonce(client, known_metadata):
    response = client.get("/auth/login?next=/dashboard")
    assert response.status_code == 302
    location = urlparse(response.location)
    query = parse_qs(location.query)
    assert location.path.endswith("/protocol/openid-connect/auth")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]  # no explicit organization scope: it would break SSO
    assert query["redirect_uri"] == [load_settings().portal_url + "/auth/callback"]


def test_login_passes_the_language_and_an_application_initiated_action(client, known_metadata):
    with client.session_transaction() as session:
        session["locale"] = "en"
    query = parse_qs(urlparse(client.get("/auth/login?kc_action=CONFIGURE_TOTP").location).query)
    assert query["ui_locales"] == ["en"] and query["kc_action"] == ["CONFIGURE_TOTP"]


@pytest.mark.parametrize("action", ["delete_credential:0f6d3b3c-1c1e-4a57-9d1e-1a2b3c4d5e6f", "delete_credential",
                                    "webauthn-register", "TERMS_AND_CONDITIONS", "configure_totp",
                                    "UPDATE_PASSWORD\nx", "arbo-choose-2fa ", ""])
def test_login_forwards_only_the_actions_mijn_instellingen_offers(client, known_metadata, action):
    query = parse_qs(urlparse(client.get("/auth/login", query_string={"kc_action": action}).location).query)
    assert "kc_action" not in query


@pytest.mark.parametrize("action", ["arbo-choose-2fa", "CONFIGURE_TOTP", "UPDATE_PASSWORD",
                                    "webauthn-register-passwordless"])
def test_login_forwards_each_action_mijn_instellingen_offers(client, known_metadata, action):
    query = parse_qs(urlparse(client.get("/auth/login", query_string={"kc_action": action}).location).query)
    assert query["kc_action"] == [action]


def test_login_when_keycloak_is_unreachable_says_try_again_later(client):
    response = client.get("/auth/login")
    assert response.status_code == 503
    assert "probeer het over een paar minuten opnieuw" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "dashboard"])
def test_next_cannot_leave_the_site(app, client, known_metadata, target):
    client.get("/auth/login", query_string={"next": target})
    with client.session_transaction() as session:
        assert session["next"] == "/"


def test_callback_with_a_forged_state_is_refused(client, known_metadata):
    response = client.get("/auth/callback?code=abc&state=forged")
    assert response.status_code == 400
    assert "Inloggen is niet gelukt" in response.get_data(as_text=True)


def test_pages_need_sign_in_and_come_back_afterwards(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.location == "/auth/login?next=/dashboard"


def test_signed_in_user_sees_the_dashboard(app, client):
    sign_in(app, client)
    response = client.get("/dashboard")
    assert response.status_code == 200 and "Marco" in response.get_data(as_text=True)


def test_a_session_ended_by_back_channel_logout_is_signed_out(app, client):
    sign_in(app, client, sid="sid-ended")
    with app.app_context():
        assert sign_in_sessions.end(sid="sid-ended") == 1
    assert client.get("/dashboard").status_code == 302
    with client.session_transaction() as session:
        assert "user" not in session


def test_logout_ends_the_session_and_sends_the_id_token_hint(app, client, known_metadata):
    sign_in(app, client, sid="sid-logout")
    response = client.post("/auth/logout")
    query = parse_qs(urlparse(response.location).query)
    assert response.location.startswith(METADATA["end_session_endpoint"])
    assert query["id_token_hint"] == ["id-token-value"]
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:5000/"]
    with app.app_context():
        assert not sign_in_sessions.is_active("sid-logout")


def test_logout_needs_post_with_csrf_token(tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path}/c.sqlite")
    app = create_app({"SETTINGS": settings})  # CSRF on, as in production
    assert app.test_client().post("/auth/logout").status_code == 400
    assert app.test_client().get("/auth/logout").status_code == 405


def test_backchannel_logout_refuses_an_invalid_token(client, known_metadata):
    response = client.post("/auth/backchannel-logout", data={"logout_token": "not-a-token"})
    assert response.status_code == 400


def test_session_cookie_is_httponly_samesite_and_secure_outside_development(tmp_path):
    settings = dataclasses.replace(load_settings(), local_development=False, database_url=f"sqlite:///{tmp_path}/s.sqlite",
                                   secret_key=secrets.token_urlsafe(32), portal_client_secret=secrets.token_urlsafe(32),
                                   portal_admin_client_secret=secrets.token_urlsafe(32))  # production refuses dev ones
    app = create_app({"SETTINGS": settings})
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_health_endpoint(client):
    assert client.get("/healthz").json == {"status": "ok"}


ORG_A, ORG_B = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0", "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d"


def _groups(*paths):
    return {"groups": list(paths)}


@pytest.mark.parametrize("claims, employers", [
    (_groups(f"/werkgevers/{ORG_A}/manager", f"/werkgevers/{ORG_A}/superuser"),
     {ORG_A: {"alias": "", "roles": ["manager", "superuser"]}}),
    (_groups(f"/werkgevers/{ORG_A.upper()}/manager", f"/werkgevers/{ORG_B}/manager", f"/werkgevers/{ORG_B}/other",
             "/manager", "/superuser", f"/x/{ORG_B}/superuser", f"/werkgevers/{ORG_B}/superuser/x")
     | {"organization": {"ek88": {"id": ORG_A}, "ander": {"id": "../.."}}},
     {ORG_A: {"alias": "ek88", "roles": ["manager"]}, ORG_B: {"alias": "", "roles": ["manager"]}}),
    (_groups("/werkgevers/../manager", "/werkgevers/ek88/manager", "/werkgevers//manager"), {}),  # not ids
    ({"organization": ["ek88", "ander-bv"]}, {}),   # membership alone is no role
    ({"organization": {"ek88": {"id": ORG_A}}}, {}),
    ({}, {}),
])
def test_employer_roles_from_the_groups_claim(claims, employers):
    from app.auth import employer_memberships

    assert employer_memberships(claims) == employers


def test_session_user_from_claims_drops_realm_roles_that_name_employer_roles():
    from app.auth import session_user_from_claims

    user = session_user_from_claims({"sub": "s", "sid": "x", "email": "m@x.nl", "name": "M",
                                     "roles": ["manager", "superuser", "employee", "offline_access"],
                                     "groups": [f"/werkgevers/{ORG_A}/manager"],
                                     "organization": {"ek88": {"id": ORG_A}}})
    assert user == {"sub": "s", "sid": "x", "email": "m@x.nl", "name": "M", "roles": ["employee", "offline_access"],
                    "employers": {ORG_A: {"alias": "ek88", "roles": ["manager"]}}}


def test_one_session_user_shape_everywhere():
    """Production, tests and benchmarks build the session's user only with session_user_from_claims."""
    import re

    from app.config import ROOT

    literal = re.compile(r"""session\[["']user["']\]\s*=\s*\{""")
    offenders = [str(path.relative_to(ROOT)) for folder in ("app", "tests", "bench", "scripts")
                 for path in (ROOT / folder).rglob("*.py") if literal.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert set(session_user_from_claims({"sub": "s"})) == {"sub", "sid", "email", "name", "roles", "employers"}


@pytest.mark.parametrize("roles, groups, landing", [
    (["employee"], [], "/dossier"),
    (["manager"], [], "/dashboard"),
    (["employee"], ["/werkgevers/0b6f1d8e-5a8c-4f59-9d1c-2f6a3e4b5c6d/manager"], "/dashboard"),
    (["staff"], [], "/dashboard"),
])
def test_sign_in_without_a_page_asked_for_lands_in_one_hop(client, known_metadata, roles, groups, landing):
    """The callback sends the user straight to their landing page, not to / (which would redirect again)."""
    from unittest import mock

    from app.extensions import oauth

    client.get("/auth/login")  # no next: the home page
    claims = {"sub": "user-1", "sid": "kc-sid", "email": "m@ek88.nl", "name": "Marco", "roles": roles,
              "groups": groups}
    token = {"id_token": "id-1", "refresh_token": "refresh-1", "userinfo": claims}
    with mock.patch.object(oauth.keycloak, "authorize_access_token", return_value=token):
        response = client.get("/auth/callback?code=c&state=s")
    assert response.status_code == 302 and response.location == landing
    assert client.get(landing).status_code == 200  # and that page is served, not redirected once more


def test_sign_in_keeps_the_page_asked_for(client, known_metadata):
    from unittest import mock

    from app.extensions import oauth

    client.get("/auth/login?next=/dossier/access-log")
    claims = {"sub": "user-1", "sid": "kc-sid", "email": "m@ek88.nl", "name": "Marco", "roles": ["manager"]}
    with mock.patch.object(oauth.keycloak, "authorize_access_token",
                           return_value={"id_token": "i", "refresh_token": "r", "userinfo": claims}):
        assert client.get("/auth/callback?code=c&state=s").location == "/dossier/access-log"
