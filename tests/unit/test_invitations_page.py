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


ORG = "e0e0e0e0-0000-4000-8000-000000000088"


def _claim(*roles, org=ORG):
    return {"organization": ["ek88"], "groups": [f"/werkgevers/{org}/{role}" for role in roles]}


def _client(app, roles, employer_claims):
    """Signed in with ID-token claims, through the same function auth.callback uses."""
    from app.auth import session_user_from_claims

    client = app.test_client()
    sid = uuid.uuid4().hex
    with app.app_context():
        sign_in_sessions.record_start(sid, "s-" + sid)
    with client.session_transaction() as session:
        session["user"] = session_user_from_claims({"sub": "s-" + sid, "sid": sid, "email": "x@y.nl", "name": "X",
                                                    "roles": roles, **employer_claims})
    return client


def _not_found_body(app, client):
    return client.get(f"/cases/{uuid.uuid4()}").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/invitations/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("roles, claim", [
    ([], _claim("manager")),                                  # manager, not superuser
    (["manager", "superuser"], _claim()),                     # realm roles: grant nothing
    ([], {}),                                                 # no employer
    ([], {"groups": ["/superuser", "/werkgevers/ek88/superuser"]}),  # no organization id in the claim
])
def test_everyone_but_a_superuser_of_the_employer_gets_the_plain_404(app, roles, claim):
    import re

    client = _client(app, roles, claim)
    unknown = client.get(f"/cases/{uuid.uuid4()}")
    for method, path in (("get", "/invitations/"), ("post", "/invitations/"),
                         ("post", f"/invitations/{uuid.uuid4()}/revoke"), ("post", "/invitations/../revoke")):
        response = getattr(client, method)(path, data={"email": "a@b.nl", "first_name": "A", "last_name": "B"})
        assert response.status_code == 404
        # the return path and the CSRF token (timestamped per second) differ per request, nothing else
        varying = re.compile(r'(name="(?:csrf_token|next)"[^>]*?value=")[^"]*"')
        assert varying.sub(r"\1", response.get_data(as_text=True)) == varying.sub(r"\1", unknown.get_data(as_text=True))


@pytest.mark.parametrize("hostile", ["..", "%2e%2e", ".", "%3Fx%3D1", "%23", "not-an-id", "%2e%2e%2f%2e%2e"])
def test_hostile_invitation_ids_are_404_before_keycloak_is_asked(app, hostile):
    """Keycloak is unreachable here (port 9): a request to it would be a 503, not a 404."""
    client = _client(app, [], _claim("manager", "superuser"))
    for action in ("resend", "revoke"):
        response = client.post(f"/invitations/{hostile}/{action}", data={})
        assert response.status_code in (404, 405)  # 405: a path the router does not match at all (e.g. "?x=1")
        assert response.status_code != 503


def test_keycloak_down_gives_a_friendly_503(app):
    response = _client(app, [], _claim("superuser")).get("/invitations/")
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.get_data(as_text=True)


def test_the_form_has_no_employer_field():
    assert {"email", "first_name", "last_name"} <= set(InviteForm.__dict__) | {
        name for name in dir(InviteForm) if not name.startswith("_")}
    assert not any(name in dir(InviteForm) for name in ("employer", "organization", "organization_id"))


def test_invitations_sent_resent_and_revoked_reach_the_security_log(app):
    """Each act on an invitation is a security event naming the employer by id (Keycloak mocked)."""
    from unittest import mock

    from app import keycloak as kc
    from app import security_log

    client = _client(app, [], _claim("manager", "superuser"))
    invitation_id = str(uuid.uuid4())
    events = []
    with mock.patch.object(security_log, "event", side_effect=lambda name, **f: events.append((name, f))), \
            mock.patch.object(kc.invitations, "invite"), mock.patch.object(kc.invitations, "get_invitation"), \
            mock.patch.object(kc.invitations, "resend_invitation"), \
            mock.patch.object(kc.invitations, "revoke_invitation", return_value="nieuw@ek88.nl"):
        client.post("/invitations/", data={"email": "nieuw@ek88.nl", "first_name": "Nina", "last_name": "Nieuw"})
        client.post(f"/invitations/{invitation_id}/resend", data={})
        client.post(f"/invitations/{invitation_id}/revoke", data={})
    acts = [(name, f.get("employer"), f.get("target")) for name, f in events if name.startswith("invitation.")]
    assert acts == [("invitation.sent", ORG, "nieuw@ek88.nl"), ("invitation.resent", ORG, invitation_id),
                    ("invitation.revoked", ORG, "nieuw@ek88.nl")]
