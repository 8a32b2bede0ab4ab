"""Employers: Keycloak organizations (python-keycloak's organization calls, paged by python-keycloak)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakAdminError, boundary, guarded
from app.keycloak.ids import checked_id

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin


def alias(name: str) -> str:
    """The organization alias Keycloak gets for an employer name (lowercase, dashes)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"


def find_organization(admin: KeycloakAdmin, name: str) -> dict | None:
    for organization in guarded(admin.get_organizations, query={"search": name, "exact": "true"}):
        if organization["name"] == name:
            return organization
    return None


def ensure_organization(admin: KeycloakAdmin, name: str, domain: str) -> str:
    """The id of the employer organization, created with its e-mail domain and role groups when missing."""
    from app.keycloak.roles import ensure_role_groups  # here, not at the top: roles.py builds on this module

    existing = find_organization(admin, name)
    if existing:
        organization_id = checked_id(existing["id"], "organization id")
    else:
        with boundary(f"werkgever {name!r} aanmaken"):
            admin.create_organization(payload={"name": name, "alias": alias(name), "enabled": True,
                                               "domains": [{"name": domain, "verified": False}]})
        created = find_organization(admin, name)
        if not created:
            raise KeycloakAdminError(f"werkgever {name!r} is na het aanmaken niet te vinden; probeer het opnieuw")
        organization_id = checked_id(created["id"], "organization id")
    ensure_role_groups(admin, organization_id)
    return organization_id


def list_organizations(admin: KeycloakAdmin) -> list[dict]:
    """Every organization of the realm (python-keycloak pages through)."""
    return guarded(admin.get_organizations, query={"briefRepresentation": "false"})


def find_organization_by_alias(admin: KeycloakAdmin, alias_: str) -> dict | None:
    """Keycloak's search matches names and domains, not aliases: so look through the list."""
    return next((o for o in list_organizations(admin) if o.get("alias") == alias_), None)


def organization_by_id(admin: KeycloakAdmin, organization_id: str) -> dict:
    return guarded(admin.get_organization, checked_id(organization_id, "organization id"))


def update_organization(admin: KeycloakAdmin, organization_id: str, representation: dict) -> None:
    guarded(admin.update_organization, checked_id(organization_id, "organization id"), representation)


def organization_members(admin: KeycloakAdmin, organization_id: str) -> list[dict]:
    """Every member of the organization (python-keycloak pages through)."""
    return guarded(admin.get_organization_members, checked_id(organization_id, "organization id"),
                   query={"briefRepresentation": "true"})


def find_member_by_email(admin: KeycloakAdmin, organization_id: str, email: str) -> dict | None:
    members = guarded(admin.get_organization_members, checked_id(organization_id, "organization id"),
                      query={"search": email, "exact": "true"})
    return next((m for m in members if (m.get("email") or "").lower() == email.lower()), None)


def user_organization_ids(admin: KeycloakAdmin, user_id: str) -> set[str]:
    return {o["id"] for o in guarded(admin.get_user_organizations, checked_id(user_id, "user id"))}


def add_member(admin: KeycloakAdmin, organization_id: str, user_id: str) -> None:
    guarded(admin.organization_user_add, user_id=checked_id(user_id, "user id"),
            organization_id=checked_id(organization_id, "organization id"))


def delete_employer(admin: KeycloakAdmin, organization_id: str) -> None:
    """Delete the organization and its role groups: nobody keeps a role at a deleted employer."""
    from app.keycloak.roles import delete_role_groups  # here, not at the top: roles.py builds on this module

    organization_id = checked_id(organization_id, "organization id")
    guarded(admin.delete_organization, organization_id)
    delete_role_groups(admin, organization_id)
