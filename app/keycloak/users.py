"""People: accounts with their realm roles and employer membership, and employees with their welcome mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.keycloak.errors import ExistingAccount, KeycloakAdminError, MailNotSent, boundary, guarded
from app.keycloak.ids import checked_id
from app.keycloak.invited_roles import discard_role_records
from app.keycloak.organizations import add_member, user_organization_ids
from app.keycloak.roles import EMPLOYER_ROLES, PORTAL_ROLES, REALM_ROLES, grant_employer_roles

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

# Keycloak's execute-actions e-mail (UPDATE_PASSWORD) is an employee's welcome mail; its link holds 3 days
WELCOME_LINK_LIFESPAN = 3 * 24 * 3600


def find_user_by_email(admin: KeycloakAdmin, email: str) -> dict | None:
    for user in guarded(admin.get_users, query={"email": email, "exact": "true"}):
        if user.get("email", "").lower() == email.lower():
            return user
    return None


def _delete_quietly(admin: KeycloakAdmin, user_id: str) -> None:
    """Undo a user we just created; the error that made us undo it is the one reported."""
    try:
        guarded(admin.delete_user, user_id=user_id)
    except KeycloakAdminError:
        pass


def ensure_user(
    admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, roles: list[str],
    organization_id: str | None = None, attributes: dict[str, str] | None = None,
    required_actions: list[str] | None = None, password: str | None = None,
    employer_roles: list[str] = (), existing_account: bool = False,
) -> str:
    """The id of the user with this e-mail, created (with realm roles and membership) when missing.

    roles are realm roles (employee, physician, staff); employer_roles (manager, superuser) are
    granted in organization_id only. Adding an account that already exists to an employer it is
    not a member of is refused unless existing_account=True: it must be an explicit act."""
    wrong = sorted(set(roles) & set(EMPLOYER_ROLES))
    if wrong:
        raise KeycloakAdminError(f"{', '.join(wrong)} geldt voor één werkgever: geef het als employer_roles, niet als roles")
    unknown = sorted(set(roles) - set(REALM_ROLES)) + sorted(set(employer_roles) - set(EMPLOYER_ROLES))
    if unknown:
        raise KeycloakAdminError(f"onbekende rol(len): {', '.join(unknown)}; bekend: {', '.join(PORTAL_ROLES)}")
    if employer_roles and organization_id is None:
        raise KeycloakAdminError("werkgeversrollen hebben een werkgever nodig (organization_id)")
    if organization_id is not None:
        organization_id = checked_id(organization_id, "organization id")
    user = find_user_by_email(admin, email)
    if user:
        user_id = checked_id(user["id"], "user id")
        if organization_id and organization_id not in user_organization_ids(admin, user_id) and not existing_account:
            raise ExistingAccount(f"{email} heeft al een account; toevoegen aan een andere werkgever moet expliciet "
                                  "(--existing-account)")
    else:
        payload = {
            "username": email, "email": email, "emailVerified": True, "enabled": True,
            "firstName": first_name, "lastName": last_name,
            "attributes": {key: [value] for key, value in (attributes or {}).items()},
            "requiredActions": required_actions or [],
        }
        if password:
            payload["credentials"] = [{"type": "password", "value": password, "temporary": False}]
        with boundary(f"account {email}"):
            user_id = checked_id(admin.create_user(payload=payload, exist_ok=False), "user id")
    try:
        if roles:
            with boundary("realmrollen"):
                admin.assign_realm_roles(user_id=user_id, roles=[admin.get_realm_role(role) for role in roles])
        if organization_id and organization_id not in user_organization_ids(admin, user_id):
            # a member added by any other way than its invitation must not pick up an invited role
            discard_role_records(admin, organization_id, email)
            add_member(admin, organization_id, user_id)
        if employer_roles:
            grant_employer_roles(admin, organization_id, user_id, employer_roles)
    except KeycloakAdminError:
        if not user:  # nothing half-created: a user we just made goes again when the rest fails
            _delete_quietly(admin, user_id)
        raise
    return user_id


def create_employee(admin: KeycloakAdmin, organization_id: str, *, email: str, first_name: str, last_name: str,
                    birth_date: str, mobile: str, client_id: str | None = None, redirect_uri: str | None = None) -> str:
    """Create, link to the employer, give the employee role and send the welcome e-mail.

    Nothing half-created: when the e-mail cannot be sent the new user is deleted again, so a re-run
    creates and mails them once more."""
    organization_id = checked_id(organization_id, "organization id")
    user_id = ensure_user(admin, email=email, first_name=first_name, last_name=last_name,
                          roles=["employee"], organization_id=organization_id,
                          attributes={"birthDate": birth_date, "mobile": mobile})
    try:
        with boundary(f"welkomstmail aan {email}", mail=True):
            admin.send_update_account(user_id=user_id, payload=["UPDATE_PASSWORD"], lifespan=WELCOME_LINK_LIFESPAN,
                                      client_id=client_id, redirect_uri=redirect_uri)
    except MailNotSent as exc:
        _delete_quietly(admin, user_id)
        raise MailNotSent(f"de welkomstmail aan {email} kon niet worden verstuurd; het account is niet bewaard, "
                          "opnieuw draaien maakt het opnieuw aan", detail=exc.detail, status=exc.status) from exc
    except KeycloakAdminError:
        _delete_quietly(admin, user_id)
        raise
    return user_id
