"""The one module that talks to Keycloak's admin API (python-keycloak), for scripts/ and app/.

Where python-keycloak lacks an endpoint (organization invitations), the admin REST API is called
through python-keycloak's own authenticated connection, never with a second HTTP client.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakError

from app.config import ROOT, Settings

REALM_TEMPLATE = ROOT / "realm-export.json"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)(?::([^}]*))?\}")
PORTAL_ROLES = ("employee", "manager", "superuser", "physician", "staff")


class KeycloakAdminError(Exception):
    """An admin operation failed; the message is meant for the person running it."""


def master_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client signed in as the bootstrap admin of the master realm (creates realms)."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, username=settings.keycloak_admin_user,
        password=settings.keycloak_admin_password, realm_name=realm or settings.realm,
        user_realm_name="master", client_id="admin-cli", timeout=30,
    )
    return KeycloakAdmin(connection=connection)


def realm_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client for one realm, signed in as that realm's provisioning service account."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, realm_name=realm or settings.realm,
        client_id=settings.provisioner_client_id, client_secret_key=settings.provisioner_client_secret, timeout=30,
    )
    return KeycloakAdmin(connection=connection)


def render_realm(placeholders: dict[str, str], realm_name: str | None = None, template: Path = REALM_TEMPLATE) -> dict:
    """realm-export.json with its ${VAR:default} placeholders filled in, as Keycloak's import does."""

    def substitute(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in placeholders:
            return json.dumps(placeholders[name])[1:-1]  # keep the JSON string valid
        if default is None:
            raise KeycloakAdminError(f"realm-export.json needs a value for ${{{name}}}")
        return default

    representation = json.loads(PLACEHOLDER.sub(substitute, template.read_text(encoding="utf-8")))
    if realm_name:
        representation["realm"] = realm_name
    return representation


def ensure_realm(admin: KeycloakAdmin, representation: dict) -> bool:
    """Create the realm unless it exists; True when it was created."""
    name = representation["realm"]
    existing = {realm["realm"] for realm in admin.get_realms()}
    if name in existing:
        return False
    admin.create_realm(payload=representation, skip_exists=False)
    return True


def delete_realm(admin: KeycloakAdmin, name: str) -> None:
    admin.delete_realm(realm_name=name)


def find_organization(admin: KeycloakAdmin, name: str) -> dict | None:
    for organization in admin.get_organizations(query={"search": name, "exact": "true"}):
        if organization["name"] == name:
            return organization
    return None


def ensure_organization(admin: KeycloakAdmin, name: str, domain: str) -> str:
    """The id of the employer organization, created with its e-mail domain when missing."""
    existing = find_organization(admin, name)
    if existing:
        return existing["id"]
    admin.create_organization(payload={"name": name, "alias": _alias(name), "enabled": True,
                                       "domains": [{"name": domain, "verified": False}]})
    created = find_organization(admin, name)
    if not created:
        raise KeycloakAdminError(f"organization {name!r} was not found after creating it")
    return created["id"]


def find_user_by_email(admin: KeycloakAdmin, email: str) -> dict | None:
    for user in admin.get_users(query={"email": email, "exact": "true"}):
        if user.get("email", "").lower() == email.lower():
            return user
    return None


def ensure_user(
    admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, roles: list[str],
    organization_id: str | None = None, attributes: dict[str, str] | None = None,
    required_actions: list[str] | None = None, password: str | None = None,
) -> str:
    """The id of the user with this e-mail, created (with roles and membership) when missing."""
    unknown = sorted(set(roles) - set(PORTAL_ROLES))
    if unknown:
        raise KeycloakAdminError(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(PORTAL_ROLES)}")
    user = find_user_by_email(admin, email)
    if user:
        user_id = user["id"]
    else:
        payload = {
            "username": email, "email": email, "emailVerified": True, "enabled": True,
            "firstName": first_name, "lastName": last_name,
            "attributes": {key: [value] for key, value in (attributes or {}).items()},
            "requiredActions": required_actions or [],
        }
        if password:
            payload["credentials"] = [{"type": "password", "value": password, "temporary": False}]
        user_id = admin.create_user(payload=payload, exist_ok=False)
    try:
        admin.assign_realm_roles(user_id=user_id, roles=[admin.get_realm_role(role) for role in roles])
        if organization_id and not any(o["id"] == organization_id for o in admin.get_user_organizations(user_id)):
            admin.organization_user_add(user_id=user_id, organization_id=organization_id)
    except KeycloakError:
        if not user:  # nothing half-created: a user we just made goes again when the rest fails
            admin.delete_user(user_id=user_id)
        raise
    return user_id


def _alias(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"
