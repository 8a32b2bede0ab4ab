"""Renaming an employer's Keycloak organization (issue 12, part 1).

Beside the package app/keycloak/ (written while it was split out); its errors are app.keycloak.errors'. The
organization's id and alias stay: the portal matches on the id, so the rename keeps every binding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import keycloak as kc
from app.keycloak.ids import checked_id

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin


class EmployerExists(kc.errors.KeycloakAdminError):
    """Another organization already has the wanted name."""


def rename_organization(admin: KeycloakAdmin, organization_id: str, name: str) -> bool:
    """Give the organization a new name; False when it already has it. The whole representation is
    written back (its attributes hold the invited-role records, which must survive the rename)."""
    organization_id = checked_id(organization_id, "organization id")
    organization = kc.organizations.organization_by_id(admin, organization_id)
    if organization["name"] == name:
        return False
    other = kc.errors.guarded(kc.organizations.find_organization, admin, name)
    if other and other["id"] != organization_id:
        raise EmployerExists(f"er is al een werkgever met de naam {name!r}")
    organization["name"] = name
    kc.errors.guarded(admin.update_organization, organization_id, organization)
    return True
