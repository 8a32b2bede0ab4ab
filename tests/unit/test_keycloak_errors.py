"""app.keycloak.errors: every Keycloak answer becomes one of our exceptions, chosen by status and
Keycloak's error code (never by the message text), with one sentence that says what to do."""

from __future__ import annotations

import json

import pytest
from keycloak.exceptions import (KeycloakAuthenticationError, KeycloakConnectionError, KeycloakGetError,
                                 KeycloakPostError)

from app import keycloak as kc
from app.keycloak import errors


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.content = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""


@pytest.mark.parametrize("status, body, error", [
    (401, {"error": "HTTP 401 Unauthorized"}, errors.KeycloakRefused),
    (403, {"error": "HTTP 403 Forbidden"}, errors.KeycloakRefused),
    (404, {"error": "Organization not found"}, errors.NotFound),
    (409, {"errorMessage": "User exists with same username"}, errors.Conflict),
    (400, {"errorMessage": "error-invalid-email"}, errors.KeycloakRejected),
    (500, {"errorMessage": "unknown_error"}, errors.KeycloakRejected),
    (400, {"error": "invalid_grant", "error_description": "Invalid user credentials"}, errors.BadCredentials),
    (401, {"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"},
     errors.BadCredentials),
    (404, b"<!DOCTYPE html><html><body>nginx</body></html>", errors.NotKeycloak),
    (502, b"<html>Bad Gateway</html>", errors.NotKeycloak),
])
def test_answers_map_by_status_and_error_code(status, body, error):
    with pytest.raises(error) as raised:
        errors.checked(FakeResponse(status, body), "werkgever ophalen")
    assert type(raised.value) is error
    text = str(raised.value)
    assert "{" not in text and "<" not in text, "never raw JSON or HTML"
    assert text.count("\n") == 0 and raised.value.status == status


def test_the_message_text_does_not_choose_the_class():
    # "send" or "already a member" in Keycloak's text used to pick the class; the status does now
    assert type(errors.classify(400, b'{"errorMessage": "Failed to send email; already a member"}', "x")) \
        is errors.KeycloakRejected
    assert type(errors.classify(500, b'{"errorMessage": "whatever"}', "x", mail=True)) is errors.MailNotSent


def test_two_xx_passes_through():
    response = FakeResponse(204, None)
    assert errors.checked(response, "x") is response


def test_each_error_says_what_to_do():
    assert "KEYCLOAK_HOST" in str(errors.KeycloakUnreachable("Keycloak is niet bereikbaar"))
    assert "KEYCLOAK_ADMIN_PASSWORD" in str(errors.classify(400, b'{"error": "invalid_grant"}', ""))
    assert "SMTP" in str(errors.classify(500, b'{"errorMessage": "x"}', "uitnodiging", mail=True))
    assert "opnieuw" in str(errors.classify(500, b'{"errorMessage": "x"}', "iets"))


@pytest.mark.parametrize("raised, error", [
    (KeycloakConnectionError("Can't connect to server (HTTPConnectionPool...)"), errors.KeycloakUnreachable),
    (KeycloakAuthenticationError(b'{"error":"invalid_grant"}', 401, b'{"error":"invalid_grant"}'), errors.BadCredentials),
    (KeycloakGetError(b"x", 403, b'{"error":"HTTP 403 Forbidden"}'), errors.KeycloakRefused),
    (KeycloakGetError(b"x", 404, b'{"error":"Could not find group by id"}'), errors.NotFound),
    (KeycloakPostError(b"x", 409, b'{"errorMessage":"User exists with same email"}'), errors.Conflict),
])
def test_python_keycloak_errors_are_translated_at_the_boundary(raised, error):
    def call():
        raise raised

    with pytest.raises(error) as caught:
        errors.guarded(call)
    assert caught.value.__cause__ is raised  # the original stays for --debug and the log
    with pytest.raises(error):
        with errors.boundary("iets"):
            call()


def test_conflicts_share_one_base_for_exit_code_6():
    for error in (errors.InvitationExists, errors.AlreadyMember, errors.ExistingAccount):
        assert issubclass(error, errors.Conflict) and issubclass(error, errors.KeycloakAdminError)
    assert issubclass(errors.BadCredentials, errors.KeycloakRefused)
    assert issubclass(errors.NotKeycloak, errors.KeycloakUnreachable)
    assert kc.errors.InvalidId is kc.ids.InvalidId


def test_the_old_module_reexports_the_same_classes():
    from app import keycloak as kc

    assert kc.errors.NotFound is errors.NotFound and kc.errors.KeycloakAdminError is errors.KeycloakAdminError
    assert kc.invitations.invite is kc.invitations.invite and kc.organizations.alias is kc.organizations.alias
