"""The error boundary (app/keycloak/errors.py) against the real Keycloak: each way a call can fail
arrives as our exception, chosen by status and error code, with one sentence and no raw JSON/HTML."""

from __future__ import annotations

import dataclasses
import http.server
import threading
import uuid

import pytest

from app import keycloak as kc
from scripts import provision
from tests.support import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def employer(keycloak, mail_sink, realm_factory):
    name = realm_factory()["realm"]
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=name))
    return admin, name, kc.organizations.ensure_organization(admin, f"Werkgever {uuid.uuid4().hex[:6]}",
                                                             f"{uuid.uuid4().hex[:8]}.nl")


def _one_sentence(exc: Exception) -> None:
    text = str(exc)
    assert text and "\n" not in text and "{" not in text and "<" not in text, text


def test_invite_user_conflicts_are_told_apart_without_reading_the_text(employer):
    admin, _, org_id = employer
    email = f"dubbel-{uuid.uuid4().hex[:8]}@example.nl"
    kc.invitations.send_invitation(admin, org_id, email, "Dirk", "Dubbel")
    with pytest.raises(kc.errors.InvitationExists) as raised:  # Keycloak's own refusal, no pre-check
        kc.invitations.send_invitation(admin, org_id, email, "Dirk", "Dubbel")
    _one_sentence(raised.value)
    member = f"lid-{uuid.uuid4().hex[:8]}@example.nl"
    kc.users.ensure_user(admin, email=member, first_name="Lies", last_name="Lid", roles=[], organization_id=org_id)
    with pytest.raises(kc.errors.AlreadyMember) as raised:
        kc.invitations.send_invitation(admin, org_id, member, "Lies", "Lid")
    _one_sentence(raised.value)


def test_an_unknown_employer_is_not_found(employer):
    admin, _, _ = employer
    with pytest.raises(kc.errors.NotFound):
        kc.organizations.organization_by_id(admin, str(uuid.uuid4()))
    with pytest.raises(kc.errors.NotFound):
        kc.invitations.list_invitations(admin, str(uuid.uuid4()))


def test_a_wrong_client_secret_is_bad_credentials(keycloak, employer):
    _, name, _ = employer
    wrong = kc.client.realm_admin(dataclasses.replace(keycloak, realm=name, provisioner_client_secret="fout-geheim"))
    with pytest.raises(kc.errors.BadCredentials) as raised:
        kc.organizations.list_organizations(wrong)
    _one_sentence(raised.value)
    assert "secret" in str(raised.value)


def test_a_server_that_is_not_keycloak_is_named_so(keycloak, monkeypatch, capsys):
    class Quiet(http.server.SimpleHTTPRequestHandler):  # answers every POST with an HTML error page
        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        other = kc.client.realm_admin(dataclasses.replace(keycloak, keycloak_port=port))
        with pytest.raises(kc.errors.NotKeycloak) as raised:
            kc.organizations.list_organizations(other)
        _one_sentence(raised.value)
        monkeypatch.setenv("KEYCLOAK_PORT", str(port))
        assert provision.main(["employer", "list"]) == provision.EXIT_UNREACHABLE
        assert "<" not in capsys.readouterr().err
    finally:
        server.shutdown()
