"""app.keycloak_admin without Keycloak: role records, error mapping, the form connection twin."""

from __future__ import annotations

import pytest

from app import keycloak_admin as ka


class FakeResponse:
    def __init__(self, status, body):
        self.status_code, self._body, self.text, self.reason = status, body, str(body), "x"

    def json(self):
        return self._body


def test_invited_roles_reads_pending_and_accepted_records():
    organization = {"attributes": {"invite:a@x.nl": ["manager"], "accepted:b@x.nl": ["superuser", "2026-01-01T00:00:00Z"],
                                   "other": ["kept"]}}
    assert ka.invited_roles(organization) == {"a@x.nl": {"role": "manager", "accepted": None},
                                              "b@x.nl": {"role": "superuser", "accepted": "2026-01-01T00:00:00Z"}}


def test_superuser_invitation_also_grants_manager():
    assert set(ka.INVITE_ROLES["superuser"]) == {"manager", "superuser"}
    assert "employee" not in ka.INVITE_ROLES  # employees get an account and a welcome e-mail instead


@pytest.mark.parametrize("status, error", [(401, ka.KeycloakRefused), (403, ka.KeycloakRefused),
                                           (404, ka.NotFound), (500, ka.KeycloakAdminError)])
def test_error_responses_map_to_our_errors(status, error):
    with pytest.raises(error):
        ka._checked(FakeResponse(status, {"errorMessage": "nee"}), "iets")
    assert ka._checked(FakeResponse(204, None), "iets").status_code == 204


def test_record_invited_roles_refuses_unknown_roles():
    with pytest.raises(ka.KeycloakAdminError, match="unknown invitation role"):
        ka.record_invited_roles(object(), "org", {"a@x.nl": "koning"})


def test_realm_lists_compare_as_sets():
    assert ka._comparable(["en", "nl"]) == ka._comparable(["nl", "en"])
    assert ka._comparable({"a": 1}) == {"a": 1}


def test_form_connection_has_its_own_headers_and_shares_the_pool():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:1", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    admin = KeycloakAdmin(connection=connection)
    twin = ka._form_connection(admin)
    assert twin.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert admin.connection.headers["Content-Type"] == "application/json"
    assert twin.headers["Authorization"] == admin.connection.headers["Authorization"]
    assert twin._s is admin.connection._s  # one requests session: one connection pool
    assert ka._form_connection(admin) is twin


def test_unreachable_keycloak_is_reported_as_such():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:9", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    with pytest.raises(ka.KeycloakUnreachable):
        ka.list_invitations(KeycloakAdmin(connection=connection), "org")
