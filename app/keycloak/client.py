"""Building python-keycloak admin clients.

The portal has ONE run-time client per app, bound in create_app like the other extensions
(app/extensions.py: `portal_admin`): one connection pool, one token renewed as it expires,
signed in as the `portal-admin` service account - never the provisioner, never a master-realm
credential (README, "Who holds what"). python-keycloak fetches the token on the first call, so
binding needs no network. The CLI (scripts/) builds its own with master_admin()/realm_admin().
"""

from __future__ import annotations

import copy

from flask import Flask, current_app
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

from app.config import Settings

EXTENSION = "arbo_portal_admin"
TIMEOUT = 30
# kept-alive connections per client: the bulk import runs up to 32 requests at once (scripts/bulk.py);
# with requests' default of 10 every further one would open and drop a connection per call
POOL_SIZE = 32


def master_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client signed in as the bootstrap admin of the master realm (creates realms)."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, username=settings.keycloak_admin_user,
        password=settings.keycloak_admin_password, realm_name=realm or settings.realm,
        user_realm_name="master", client_id="admin-cli", timeout=TIMEOUT, pool_maxsize=POOL_SIZE,
    )
    return KeycloakAdmin(connection=connection)


def realm_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client for one realm, signed in as that realm's provisioning service account."""
    return _service_account(settings, realm, settings.provisioner_client_id, settings.provisioner_client_secret)


def portal_client(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client for the portal's realm, signed in as the portal's run-time service account."""
    return _service_account(settings, realm, settings.portal_admin_client_id, settings.portal_admin_client_secret)


def _service_account(settings: Settings, realm: str | None, client_id: str, secret: str) -> KeycloakAdmin:
    connection = KeycloakOpenIDConnection(server_url=settings.keycloak_url, realm_name=realm or settings.realm,
                                          client_id=client_id, client_secret_key=secret, timeout=TIMEOUT,
                                          pool_maxsize=POOL_SIZE)
    return KeycloakAdmin(connection=connection)


def for_realm(admin: KeycloakAdmin, realm: str) -> KeycloakAdmin:
    """The same signed-in admin (same session, same token), its calls aimed at another realm
    (the master admin manages every realm)."""
    twin = copy.copy(admin.connection)
    twin.headers = dict(admin.connection.headers or {})
    twin.realm_name = realm
    scoped = KeycloakAdmin(connection=admin.connection)
    scoped.connection = twin
    return scoped


class PortalAdmin:
    """The Flask extension: `portal_admin.init_app(app)` in create_app, `portal_admin.client` in a view."""

    def __init__(self, app: Flask | None = None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = portal_client(app.config["SETTINGS"])

    @property
    def client(self) -> KeycloakAdmin:
        return current_app.extensions[EXTENSION]


def portal_admin() -> KeycloakAdmin:
    """The current app's run-time admin client (bound by PortalAdmin.init_app)."""
    return current_app.extensions[EXTENSION]
