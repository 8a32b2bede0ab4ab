"""The role an invitation carries, kept on the organization.

Keycloak's invitation carries no role, so the role someone is invited with is kept on the
organization as attribute "invite:<invitation id>" = [role, email, user id or "", expiresAt,
sentDate]: bound to that one invitation, not to the e-mail address. Once used it becomes
"accepted:<invitation id>" = [role, email, user id, date]. The order of writes and what counts as
"accepted" are explained in invitations.py.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakAdminError
from app.keycloak.ids import checked_id, is_id
from app.keycloak.organizations import organization_by_id, update_organization

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

INVITE_ROLES = {"manager": ("manager",), "superuser": ("manager", "superuser")}
PENDING, ACCEPTED = "invite:", "accepted:"
_role_lock = threading.Lock()  # read-modify-write of the attributes, per process


def check_role(role: str) -> None:
    if role not in INVITE_ROLES:
        raise KeycloakAdminError(f"onbekende uitnodigingsrol {role!r} (unknown invitation role); "
                                 f"kies uit: {', '.join(INVITE_ROLES)}")


def update_records(admin: KeycloakAdmin, organization_id: str, change) -> None:
    """change(attributes, organization) edits in place; returning False means: nothing to write."""
    with _role_lock:
        organization = organization_by_id(admin, organization_id)
        attributes = organization.get("attributes") or {}
        if change(attributes, organization) is False:
            return
        organization["attributes"] = attributes
        update_organization(admin, organization_id, organization)


def _verified_update(admin: KeycloakAdmin, organization_id: str, change, done) -> None:
    """The lock covers one process; another process (a second portal worker, the CLI) may write the
    same organization at the same moment and overwrite us, so read back and write again if needed."""
    for _ in range(3):
        update_records(admin, organization_id, change)
        if done(organization_by_id(admin, organization_id).get("attributes") or {}):
            return
    raise KeycloakAdminError("de uitgenodigde rol kon niet worden vastgelegd (gelijktijdige wijzigingen); "
                             "probeer het opnieuw")


def set_redirect_url(admin: KeycloakAdmin, organization_id: str, redirect_url: str) -> None:
    """Where Keycloak sends an invitee after registering: the portal's /invitations/welcome."""
    def change(attributes, organization):
        if organization.get("redirectUrl") == redirect_url:
            return False
        organization["redirectUrl"] = redirect_url

    update_records(admin, organization_id, change)


def _record_value(invitation: dict, role: str, existing_user_id: str) -> list[str]:
    """[role, e-mail, invited existing account id or "", expiresAt, sentDate] (epoch seconds)."""
    return [role, invitation["email"].lower(), existing_user_id or "", str(invitation.get("expiresAt") or ""),
            str(invitation.get("sentDate") or "")]


def record_invited_role(admin: KeycloakAdmin, organization_id: str, invitation: dict, role: str,
                        existing_user_id: str = "") -> None:
    """Bind the role to this one invitation (by its id)."""
    check_role(role)
    key = PENDING + checked_id(invitation["id"], "invitation id")
    value = _record_value(invitation, role, existing_user_id)

    def change(attributes, organization):
        attributes[key] = value

    _verified_update(admin, organization_id, change, lambda attributes: attributes.get(key) == value)


def record_invited_roles(admin: KeycloakAdmin, organization_id: str, records: list[tuple[dict, str, str]]) -> None:
    """Many records in one update (bulk invitations): [(invitation, role, existing user id)]."""
    values = {}
    for invitation, role, existing_user_id in records:
        check_role(role)
        values[PENDING + checked_id(invitation["id"], "invitation id")] = _record_value(invitation, role, existing_user_id)

    def change(attributes, organization):
        attributes.update(values)

    _verified_update(admin, organization_id, change, lambda a: all(a.get(k) == v for k, v in values.items()))


def forget_invited_role(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    key = PENDING + checked_id(invitation_id, "invitation id")

    def change(attributes, organization):
        return attributes.pop(key, None) is not None

    update_records(admin, organization_id, change)


def discard_role_records(admin: KeycloakAdmin, organization_id: str, email: str) -> None:
    """Drop the pending role records of an e-mail (the person joins by another way than its invitation)."""
    email = email.lower()

    def change(attributes, organization):
        stale = [k for k, v in attributes.items() if k.startswith(PENDING) and len(v) > 1 and v[1] == email]
        for key in stale:
            attributes.pop(key)
        return bool(stale)

    update_records(admin, organization_id, change)


def invited_roles(organization: dict) -> dict[str, dict]:
    """{invitation id: {"role", "email", "user_id", "expires", "sent", "accepted": date|None}} from an organization."""
    records = {}
    for key, values in (organization.get("attributes") or {}).items():
        for prefix, accepted in ((PENDING, False), (ACCEPTED, True)):
            if key.startswith(prefix) and is_id(key[len(prefix):]) and len(values) >= 2:
                padded = list(values) + ["", "", "", "", ""]
                records[key[len(prefix):]] = {
                    "role": padded[0], "email": padded[1], "user_id": padded[2],
                    "expires": padded[3] if not accepted else "", "sent": padded[4] if not accepted else "",
                    "accepted": padded[3] if accepted else None}
    return records


def invited_account(record: dict, member: dict | None) -> bool:
    """Is this member the account the record's invitation was for? See invitations.py."""
    if member is None:
        return False
    if record["user_id"]:
        return member.get("id") == record["user_id"]
    created = (member.get("createdTimestamp") or 0) / 1000
    expires, sent = float(record["expires"] or 0), float(record.get("sent") or 0)
    # registering through the link creates the account between sending and expiry (a minute of clock slack)
    return bool(expires and sent) and sent - 60 <= created <= expires + 60
