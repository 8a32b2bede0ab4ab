"""Every `next`-style parameter goes through app.redirects: only paths on the portal survive."""

import pytest

from app import sign_in_sessions
from app.auth import session_user_from_claims
from app.redirects import is_same_origin_path, safe_next
from tests.redirect_corpus import HOSTILE_NEXT, SAFE_NEXT


def test_the_corpus_is_large_enough():
    assert len(set(HOSTILE_NEXT)) >= 30


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_values_are_refused(app, target):
    assert not is_same_origin_path(target)
    with app.test_request_context():
        assert safe_next(target) == "/"


@pytest.mark.parametrize("target", SAFE_NEXT)
def test_paths_on_the_portal_survive(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def test_fragments_are_dropped_and_non_ascii_is_quoted(app):
    with app.test_request_context():
        assert safe_next("/dashboard#top") == "/dashboard"
        assert safe_next("/zoek?q=é") == "/zoek?q=%C3%A9"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_never_leaves_the_portal(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_keeps_only_a_safe_return_path(client, target):
    """/auth/login stores where to go after sign-in; a hostile value is replaced before it is kept."""
    from app.extensions import oauth

    oauth.keycloak.server_metadata = {
        "issuer": "http://127.0.0.1:1/realms/arbo", "_loaded_at": 0,
        "authorization_endpoint": "http://127.0.0.1:1/realms/arbo/protocol/openid-connect/auth"}
    response = client.get("/auth/login", query_string={"next": target})
    assert response.status_code == 302  # to Keycloak, never a 500
    with client.session_transaction() as session:
        assert session["next"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_callback_never_redirects_to_a_stored_hostile_value(app, client, target):
    """Even a hostile value already in the session (an older release stored it) is not followed."""
    with app.app_context():
        sign_in_sessions.record_start("sid-1", "user-1")
    with client.session_transaction() as session:
        session["user"] = session_user_from_claims({"sub": "user-1", "sid": "sid-1", "email": "m@ek88.nl", "name": "M"})
        session["next"] = target
    response = client.get("/auth/callback?error=access_denied")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
