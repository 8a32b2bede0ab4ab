"""Per-employer roles: realm groups /werkgevers/<organization id>/<role>.

A role held at employer A means nothing at employer B; a recreated employer has a new id and so
new, empty groups. The portal reads them from the ID token's `groups` claim (full paths; a
group-membership mapper on the portal client in realm-export.json). Why not Keycloak's
organization groups: see the package docstring.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakAdminError, NotFound, guarded
from app.keycloak.ids import checked_id, is_id
from app.keycloak.organizations import list_organizations, organization_members, user_organization_ids

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

REALM_ROLES = ("employee", "physician", "staff")      # hold realm-wide (physicians/staff: per employer in the portal DB)
EMPLOYER_ROLES = ("manager", "superuser")             # hold for one employer: organization groups
PORTAL_ROLES = REALM_ROLES + EMPLOYER_ROLES
EMPLOYERS_GROUP = "werkgevers"
_group_lock = threading.Lock()


def role_group_path(organization_id: str, role: str) -> str:
    return f"/{EMPLOYERS_GROUP}/{checked_id(organization_id, 'organization id')}/{role}"


def _child_group(admin: KeycloakAdmin, parent_id: str | None, name: str) -> str:
    """The id of the group `name` under parent (top level when None), created when missing."""
    if parent_id is None:
        found = next((g for g in guarded(admin.get_groups, query={"search": name, "exact": "true"})
                      if g["name"] == name and g.get("path") == f"/{name}"), None)
    else:
        found = next((g for g in guarded(admin.get_group_children, checked_id(parent_id, "group id"),
                                         query={"search": name, "exact": "true", "max": 10})
                      if g["name"] == name), None)
    if found:
        return checked_id(found["id"], "group id")
    guarded(admin.create_group, {"name": name}, parent=parent_id, skip_exists=True)
    return _child_group(admin, parent_id, name)


def ensure_role_groups(admin: KeycloakAdmin, organization_id: str) -> dict[str, str]:
    """{role: group id} of the employer's role groups, creating the missing ones."""
    organization_id = checked_id(organization_id, "organization id")
    with _group_lock:
        root = _child_group(admin, None, EMPLOYERS_GROUP)
        employer = _child_group(admin, root, organization_id)
        return {role: _child_group(admin, employer, role) for role in EMPLOYER_ROLES}


def employer_roles_of(admin: KeycloakAdmin, organization_id: str, user_id: str) -> set[str]:
    """The roles this user holds at this employer."""
    prefix = f"/{EMPLOYERS_GROUP}/{checked_id(organization_id, 'organization id')}/"
    groups = guarded(admin.get_user_groups, checked_id(user_id, "user id"), query={"max": 1000})
    return {g["path"][len(prefix):] for g in groups
            if g.get("path", "").startswith(prefix) and g["path"][len(prefix):] in EMPLOYER_ROLES}


def grant_employer_roles(admin: KeycloakAdmin, organization_id: str, user_id: str, roles) -> None:
    """Make a member of the employer manager or superuser there (and nowhere else)."""
    user_id = checked_id(user_id, "user id")
    unknown = sorted(set(roles) - set(EMPLOYER_ROLES))
    if unknown:
        raise KeycloakAdminError(f"onbekende werkgeversrol(len): {', '.join(unknown)}; bekend: {', '.join(EMPLOYER_ROLES)}")
    if checked_id(organization_id, "organization id") not in user_organization_ids(admin, user_id):
        raise NotFound(f"gebruiker {user_id} is geen lid van werkgever {organization_id}: daar geen rol; "
                       "voeg de gebruiker eerst toe")
    groups = ensure_role_groups(admin, organization_id)
    for role in dict.fromkeys(roles):
        guarded(admin.group_user_add, user_id, groups[role])  # idempotent in Keycloak


def revoke_employer_roles(admin: KeycloakAdmin, organization_id: str, user_id: str, roles=EMPLOYER_ROLES) -> None:
    user_id = checked_id(user_id, "user id")
    groups = ensure_role_groups(admin, organization_id)
    held = employer_roles_of(admin, organization_id, user_id)
    for role in roles:
        if role in held:
            guarded(admin.group_user_remove, user_id, groups[role])


def _root_group(admin: KeycloakAdmin) -> dict | None:
    return next((g for g in guarded(admin.get_groups, query={"search": EMPLOYERS_GROUP, "exact": "true"})
                 if g.get("path") == f"/{EMPLOYERS_GROUP}"), None)


def delete_role_groups(admin: KeycloakAdmin, organization_id: str) -> None:
    root = _root_group(admin)
    if root is None:
        return
    for group in guarded(admin.get_group_children, checked_id(root["id"], "group id"),
                         query={"search": organization_id, "exact": "true", "max": 10}):
        if group["name"] == organization_id:
            guarded(admin.delete_group, checked_id(group["id"], "group id"))


def prune_role_groups(admin: KeycloakAdmin) -> list[str]:
    """Remove what a deletion in the admin console leaves behind: the role groups of organizations that
    no longer exist, and roles of people who are no longer members. Returns what was removed."""
    existing = {o["id"] for o in list_organizations(admin)}
    removed = []
    root = _root_group(admin)
    if root is None:
        return removed
    for group in guarded(admin.get_group_children, checked_id(root["id"], "group id"), query={"max": 10000}):
        if not is_id(group["name"]):
            continue
        if group["name"] not in existing:
            guarded(admin.delete_group, checked_id(group["id"], "group id"))
            removed.append(f"groups of deleted organization {group['name']}")
            continue
        members = {m["id"] for m in organization_members(admin, group["name"])}
        for role_group in guarded(admin.get_group_children, checked_id(group["id"], "group id")):
            for user in guarded(admin.get_group_members, checked_id(role_group["id"], "group id")):
                if user["id"] not in members:
                    guarded(admin.group_user_remove, checked_id(user["id"], "user id"), role_group["id"])
                    removed.append(f"{role_group['name']} of {user.get('email', user['id'])} at {group['name']}")
    return removed
