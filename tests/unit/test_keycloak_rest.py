"""app.keycloak.rest without Keycloak: the form connection twin, an unreachable server."""

from __future__ import annotations

import pytest

from app import keycloak as kc

USER = "abcdefab-cdef-4abc-8def-abcdefabcdef"


def test_form_connection_has_its_own_headers_and_shares_the_pool():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:1", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    admin = KeycloakAdmin(connection=connection)
    twin = kc.rest.form_connection(admin)
    assert twin.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert admin.connection.headers["Content-Type"] == "application/json"
    assert twin.headers["Authorization"] == admin.connection.headers["Authorization"]
    assert twin._s is admin.connection._s  # one requests session: one connection pool
    assert kc.rest.form_connection(admin) is twin


def test_unreachable_keycloak_is_reported_as_such():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:9", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    with pytest.raises(kc.errors.KeycloakUnreachable):
        kc.invitations.list_invitations(KeycloakAdmin(connection=connection), USER)
    with pytest.raises(kc.errors.KeycloakUnreachable):
        kc.organizations.organization_by_id(KeycloakAdmin(connection=connection), USER)  # python-keycloak's own call
