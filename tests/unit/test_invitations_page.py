"""The invitations page without Keycloak: who may see it, and that the form cannot pick an employer."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from app import create_app, sign_in_sessions
from app.config import load_settings
from app.invitations import InviteForm


@pytest.fixture
def app(tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'p.sqlite'}",
                                   keycloak_port=9)  # nothing answers: these tests must not need Keycloak
    return create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})


def _client(app, roles, organizations):
    client = app.test_client()
    sid = uuid.uuid4().hex
    with app.app_context():
        sign_in_sessions.record_start(sid, "s-" + sid)
    with client.session_transaction() as session:
        session["user"] = {"sub": "s-" + sid, "sid": sid, "email": "x@y.nl", "name": "X", "roles": roles,
                           "organizations": organizations}
    return client


def test_anonymous_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/invitations/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_managers_without_superuser_role_are_refused(app):
    assert _client(app, ["manager"], {"ek88": {"id": "1"}}).get("/invitations/").status_code == 403


def test_superuser_without_employer_is_refused(app):
    assert _client(app, ["superuser"], {}).get("/invitations/").status_code == 403


def test_keycloak_down_gives_a_friendly_503(app):
    response = _client(app, ["superuser"], {"ek88": {"id": "1"}}).get("/invitations/")
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.get_data(as_text=True)


def test_the_form_has_no_employer_field():
    assert {"email", "first_name", "last_name"} <= set(InviteForm.__dict__) | {
        name for name in dir(InviteForm) if not name.startswith("_")}
    assert not any(name in dir(InviteForm) for name in ("employer", "organization", "organization_id"))
