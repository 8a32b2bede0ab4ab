"""Organization invitations (python-keycloak 7.1 has no calls for them: app.keycloak.rest).

The invited role is recorded under the invitation's id (invited_roles.py). Order, so that an
interruption at any step leaves nothing that grants a role:
  invite:  send the invitation first, then record its role under its id; if recording fails,
           the invitation is deleted again. Dying in between leaves an invitation without a
           role record: accepting it makes a plain member, nothing more.
  revoke:  forget the record first, then delete the invitation.
  resend:  Keycloak replaces the invitation (new id); the record moves to the new id.

"Accepted" versus "deleted": Keycloak deletes an invitation both when it is used and when it is
revoked, and records no trace of which. A record counts as accepted only when (1) its invitation
id is no longer in Keycloak's list (neither pending nor expired), (2) a member of this employer
now has exactly the invited e-mail, and (3) that member is the invited account: for an invitation
of an existing account, the recorded user id; otherwise an account created while the invitation
was valid (registering through the link creates it). Every other way our code adds a member
(users.ensure_user: imports, demo) first discards the records for that e-mail, so a later import of
the same address does not pick up the role. A record whose invitation is gone and that does not
meet (2) and (3) grants nothing and is removed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from app.keycloak import rest
from app.keycloak.errors import AlreadyMember, Conflict, ExistingAccount, InvitationExists, KeycloakAdminError
from app.keycloak.ids import checked_id
from app.keycloak.invited_roles import (ACCEPTED, INVITE_ROLES, PENDING, check_role, forget_invited_role,
                                        invited_account, invited_roles, record_invited_role, set_redirect_url,
                                        update_records)
from app.keycloak.organizations import find_member_by_email, organization_by_id, organization_members, user_organization_ids
from app.keycloak.roles import grant_employer_roles
from app.keycloak.users import find_user_by_email

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

PAGE = 200


def welcome_url(portal_url: str) -> str:
    """The portal page an invitee lands on after registering (grants the invited role)."""
    return portal_url.rstrip("/") + "/invitations/welcome"


def list_invitations(admin: KeycloakAdmin, organization_id: str, *, status: str | None = None,
                     email: str | None = None) -> list[dict]:
    """Keycloak's invitations (PENDING or EXPIRED) of one organization, paged through."""
    segments = (*rest.organization(organization_id), "invitations")
    params = {"max": PAGE} | ({"status": status.upper()} if status else {}) | ({"email": email} if email else {})
    found, first = [], 0
    while True:
        page = rest.call(admin, "GET", segments, what="uitnodigingen", first=first, **params).json()
        found += page
        if len(page) < PAGE:
            break
        first += PAGE
    if email:
        found = [i for i in found if i["email"].lower() == email.lower()]
    return found


def get_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> dict:
    """One invitation, looked up under this organization only (another employer's id is not found)."""
    return rest.call(admin, "GET", (*rest.organization(organization_id), "invitations",
                                    checked_id(invitation_id, "invitation id")), what="uitnodiging").json()


def delete_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    rest.call(admin, "DELETE", (*rest.organization(organization_id), "invitations",
                                checked_id(invitation_id, "invitation id")), what="uitnodiging intrekken")


def send_invitation(admin: KeycloakAdmin, organization_id: str, email: str, first_name: str, last_name: str) -> None:
    """Keycloak's organization invitation: a registration link valid for the realm's admin
    action-token lifespan (3 days). Keycloak keeps nothing when the e-mail cannot be sent (500)."""
    organization_id = checked_id(organization_id, "organization id")
    try:
        rest.call(admin, "POST", (*rest.organization(organization_id), "members", "invite-user"),
                  body={"email": email, "firstName": first_name, "lastName": last_name},
                  what=f"uitnodiging aan {email}", mail=True)
    except Conflict as exc:  # 409: a member already, or a pending invitation - ask Keycloak which
        if find_member_by_email(admin, organization_id, email):
            raise AlreadyMember(f"{email} is al lid van deze werkgever", detail=exc.detail, status=409) from exc
        raise InvitationExists(f"{email} heeft al een openstaande uitnodiging; gebruik 'opnieuw versturen' (resend)",
                               detail=exc.detail, status=409) from exc


def invite(admin: KeycloakAdmin, organization_id: str, *, email: str, first_name: str, last_name: str,
           role: str = "manager", check_member: bool = True, redirect_url: str | None = None,
           existing_account: bool = False) -> dict:
    """Invite one person with a role: send, then bind the role to the invitation's id.

    An address that already has an account is refused (ExistingAccount) unless existing_account:
    inviting someone who works for another employer into this one must be an explicit act.
    Returns the invitation."""
    organization_id = checked_id(organization_id, "organization id")
    check_role(role)
    if check_member and find_member_by_email(admin, organization_id, email):
        raise AlreadyMember(f"{email} is al lid van deze werkgever")
    if check_member and list_invitations(admin, organization_id, email=email):
        raise InvitationExists(f"{email} heeft al een uitnodiging voor deze werkgever; gebruik 'opnieuw versturen' (resend)")
    account = find_user_by_email(admin, email)
    if account and not existing_account:
        raise ExistingAccount(f"{email} heeft al een account (mogelijk bij een andere werkgever); uitnodigen bij deze "
                              "werkgever moet expliciet (--existing-account)")
    if redirect_url:
        set_redirect_url(admin, organization_id, redirect_url)
    send_invitation(admin, organization_id, email, first_name, last_name)
    invitation = None
    try:
        invitation = next(iter(list_invitations(admin, organization_id, email=email, status="PENDING")), None)
        if invitation is None:
            raise KeycloakAdminError(f"de uitnodiging aan {email} is verstuurd maar staat niet in de lijst; "
                                     "probeer het opnieuw")
        record_invited_role(admin, organization_id, invitation, role, account["id"] if account else "")
    except BaseException:
        if invitation is not None:  # no invitation may stay without its role record... nor grant one
            try:
                delete_invitation(admin, organization_id, invitation["id"])
            except KeycloakAdminError:
                pass
        raise
    return invitation


def resend_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    """A new e-mail with a new 3-day link; Keycloak replaces the invitation (new id), the role record moves."""
    organization_id = checked_id(organization_id, "organization id")
    invitation_id = checked_id(invitation_id, "invitation id")
    old = get_invitation(admin, organization_id, invitation_id)
    record = invited_roles(organization_by_id(admin, organization_id)).get(invitation_id)
    rest.call(admin, "POST", (*rest.organization(organization_id), "invitations", invitation_id, "resend"),
              what="uitnodiging opnieuw versturen", mail=True)
    if record is None or record["accepted"] is not None:
        return
    renewed = next((i for i in list_invitations(admin, organization_id, email=old["email"], status="PENDING")), None)
    if renewed is None:
        return
    record_invited_role(admin, organization_id, renewed, record["role"], record["user_id"])
    if renewed["id"] != invitation_id:
        forget_invited_role(admin, organization_id, invitation_id)


def revoke_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> str:
    """Forget the invitation's role, then delete it (its link stops working); returns the e-mail."""
    organization_id = checked_id(organization_id, "organization id")
    invitation_id = checked_id(invitation_id, "invitation id")
    invitation = get_invitation(admin, organization_id, invitation_id)
    forget_invited_role(admin, organization_id, invitation_id)
    delete_invitation(admin, organization_id, invitation_id)
    return invitation["email"]


def apply_invited_roles(admin: KeycloakAdmin, organization_id: str) -> list[str]:
    """Grant the recorded role of every used invitation; remove records whose invitation is gone unused."""
    organization_id = checked_id(organization_id, "organization id")
    pending = {i: r for i, r in invited_roles(organization_by_id(admin, organization_id)).items() if r["accepted"] is None}
    if not pending:
        return []
    live = {invitation["id"] for invitation in list_invitations(admin, organization_id)}
    gone = {i: r for i, r in pending.items() if i not in live}
    if not gone:
        return []
    members = {(m.get("email") or "").lower(): m for m in organization_members(admin, organization_id)}
    granted, stale = {}, []
    for invitation_id, record in gone.items():
        member = members.get(record["email"])
        if invited_account(record, member):
            grant_employer_roles(admin, organization_id, member["id"], INVITE_ROLES.get(record["role"], ()))
            granted[invitation_id] = (record, member["id"])
        else:
            stale.append(invitation_id)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def change(attributes, organization):
        for invitation_id in stale:
            attributes.pop(PENDING + invitation_id, None)
        for invitation_id, (record, user_id) in granted.items():
            attributes.pop(PENDING + invitation_id, None)
            attributes[ACCEPTED + invitation_id] = [record["role"], record["email"], user_id, now]

    update_records(admin, organization_id, change)
    return sorted(record["email"] for record, _ in granted.values())


def apply_invited_role_for_user(admin: KeycloakAdmin, user_id: str) -> list[str]:
    """For the welcome page: grant the invited role(s) of this user in each of their employers."""
    granted = []
    for organization_id in user_organization_ids(admin, user_id):
        granted += apply_invited_roles(admin, organization_id)
    return granted


def invitation_overview(admin: KeycloakAdmin, organization_id: str) -> list[dict]:
    """Pending, expired and accepted invitations, each with its role: what a person wants to see."""
    apply_invited_roles(admin, organization_id)
    roles = invited_roles(organization_by_id(admin, organization_id))
    rows = []
    for invitation in list_invitations(admin, organization_id):
        record = roles.get(invitation["id"], {})
        rows.append({"id": invitation["id"], "email": invitation["email"],
                     "firstName": invitation.get("firstName") or "", "lastName": invitation.get("lastName") or "",
                     "status": invitation["status"].lower(), "role": record.get("role", ""),
                     "sentDate": invitation.get("sentDate"), "expiresAt": invitation.get("expiresAt")})
    for record in roles.values():
        if record["accepted"] is not None:
            rows.append({"id": None, "email": record["email"], "firstName": "", "lastName": "", "status": "accepted",
                         "role": record["role"], "sentDate": None, "expiresAt": None, "acceptedAt": record["accepted"]})
    return rows
