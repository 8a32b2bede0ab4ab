"""Accounts for the arbodienst's own people: the company doctor (physician) and staff (issue 12, part 1).

They belong to no employer in Keycloak (the employers they serve are ProfessionalAssignment rows in
the portal's database, app.access), so they are not invited through an organization: the account
is made with its realm role and Keycloak's execute-actions e-mail (choose a password, link valid 3
days) is the invitation, as for an imported employee. Without the employee role their first
sign-in has them set up an authenticator app, no choice of SMS: the same as a manager (the arbo-auth
extension's MethodPolicy). Errors are app.keycloak.errors'; nothing half-created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import keycloak as kc
from app.keycloak.ids import checked_id

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

PROFESSIONAL_ROLES = ("physician", "staff")


def ensure_professional(admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, role: str,
                        existing_account: bool = False, client_id: str | None = None,
                        redirect_uri: str | None = None) -> tuple[str, str]:
    """(user id, what happened): "invited" (account made, e-mail sent), "unchanged" (already has the
    role) or "role added" (an existing account, only with existing_account)."""
    from keycloak.exceptions import KeycloakError

    if role not in PROFESSIONAL_ROLES:
        raise kc.errors.KeycloakAdminError(f"unknown role {role!r}; known: {', '.join(PROFESSIONAL_ROLES)}")
    user = kc.errors.guarded(kc.users.find_user_by_email, admin, email)
    if user:
        user_id = checked_id(user["id"], "user id")
        roles = {r["name"] for r in kc.errors.guarded(admin.get_realm_roles_of_user, user_id)}
        if role in roles:
            return user_id, "unchanged"
        if not existing_account:
            raise kc.errors.ExistingAccount(f"{email} already has an account; giving it the role {role} must be explicit "
                                     "(--existing-account)")
        kc.errors.guarded(admin.assign_realm_roles, user_id=user_id, roles=[admin.get_realm_role(role)])
        return user_id, "role added"
    user_id = kc.errors.guarded(kc.users.ensure_user, admin, email=email, first_name=first_name, last_name=last_name, roles=[role])
    try:
        with kc.errors.boundary(f"uitnodiging aan {email}", mail=True):
            admin.send_update_account(user_id=user_id, payload=["UPDATE_PASSWORD"],
                                      lifespan=kc.users.WELCOME_LINK_LIFESPAN, client_id=client_id,
                                      redirect_uri=redirect_uri)
    except kc.errors.KeycloakAdminError as exc:
        try:
            admin.delete_user(user_id=user_id)  # no account without its invitation: a re-run makes both
        except KeycloakError:
            pass
        if not isinstance(exc, kc.errors.MailNotSent):
            raise
        raise kc.errors.MailNotSent(f"the invitation e-mail to {email} could not be sent (is SMTP up?); the account was "
                             "not kept, a re-run creates it again") from exc
    return user_id, "invited"
