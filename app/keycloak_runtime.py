"""The portal's run-time admin client: Keycloak's admin API as the `portal-admin` service account.

The portal needs the admin API for a few things only (its organizations' members and invitations,
a user's credentials and sessions, granting an invited role). It does that with its own service
account, which holds the smallest set of realm-management roles that works (README, "Who holds
what"): never the provisioning client `portal-provisioner`, whose secret the app does not even
read, and never a master-realm credential.

One client per app, bound once in create_app (one connection pool, one token renewed as it
expires); python-keycloak fetches the token on the first call, so binding needs no network.
"""

from __future__ import annotations

from flask import Flask, current_app
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

from app.config import Settings

EXTENSION = "arbo_portal_admin"


def connect(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client for the portal's realm, signed in as the portal's run-time service account."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, realm_name=realm or settings.realm,
        client_id=settings.portal_admin_client_id, client_secret_key=settings.portal_admin_client_secret,
        timeout=30,
    )
    return KeycloakAdmin(connection=connection)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = connect(app.config["SETTINGS"])


def portal_admin() -> KeycloakAdmin:
    """The current app's run-time admin client (see init_app)."""
    return current_app.extensions[EXTENSION]
