"""Building python-keycloak admin clients.

The portal has ONE run-time client per app, bound in create_app like the other extensions
(app/extensions.py: `portal_admin`): one connection pool, one token renewed as it expires,
signed in as the `portal-admin` service account - never the provisioner, never a master-realm
credential (README, "Who holds what"). python-keycloak fetches the token on the first call, so
binding needs no network. The CLI (scripts/) builds its own with master_admin()/realm_admin().

python-keycloak is imported only when a client is built, and the bound client is built on its first
use: python-keycloak brings httpx, rich and more (several MB per worker), and only the rare admin
pages (invitations, staff pages, sign-in help, the settings' sign-in methods) and some sign-ins
call Keycloak's admin API. So the app/keycloak modules name KeycloakAdmin for type hints only and
import python-keycloak's exceptions inside the functions that catch them (errors.py: the boundary).
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING

from flask import Flask, current_app

from app.config import Settings

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

EXTENSION = "arbo_portal_admin"
TIMEOUT = 30
# kept-alive connections per client: the bulk import runs up to 32 requests at once (scripts/bulk.py);
# with requests' default of 10 every further one would open and drop a connection per call
POOL_SIZE = 32


def master_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client signed in as the bootstrap admin of the master realm (creates realms)."""
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

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
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url=settings.keycloak_url, realm_name=realm or settings.realm,
                                          client_id=client_id, client_secret_key=secret, timeout=TIMEOUT,
                                          pool_maxsize=POOL_SIZE)
    return KeycloakAdmin(connection=connection)


def for_realm(admin: KeycloakAdmin, realm: str) -> KeycloakAdmin:
    """The same signed-in admin (same session, same token), its calls aimed at another realm
    (the master admin manages every realm)."""
    from keycloak import KeycloakAdmin

    twin = copy.copy(admin.connection)
    twin.headers = dict(admin.connection.headers or {})
    twin.realm_name = realm
    scoped = KeycloakAdmin(connection=admin.connection)
    scoped.connection = twin
    return scoped


class BoundClient:
    """The one portal_client() of an app, built on first use (then python-keycloak is imported)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: KeycloakAdmin | None = None
        self._lock = threading.Lock()  # gunicorn's threads: two first requests still share one client

    def get(self) -> KeycloakAdmin:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = portal_client(self.settings)
        return self._client


class PortalAdmin:
    """The Flask extension: `portal_admin.init_app(app)` in create_app, `portal_admin.client` in a view."""

    def __init__(self, app: Flask | None = None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = BoundClient(app.config["SETTINGS"])

    @property
    def client(self) -> KeycloakAdmin:
        return portal_admin()


def portal_admin() -> KeycloakAdmin:
    """The current app's run-time admin client (bound by PortalAdmin.init_app, built on first use)."""
    return current_app.extensions[EXTENSION].get()
