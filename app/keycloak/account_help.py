"""Keycloak admin calls for helping a user back in (app/account_help.py): their sign-in status,
resetting their second factor, and Keycloak's own e-mails (set a password / welcome).

python-keycloak's own methods throughout; every user id passes app.keycloak.ids.checked_id() first
(python-keycloak formats ids into its URLs unquoted). Failures are the exceptions of
app/keycloak/errors.py (KeycloakUnreachable, KeycloakRefused, MailNotSent, NotFound).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakAdminError

from app.keycloak.errors import MailNotSent

from app.keycloak.errors import NotFound

from app.keycloak.errors import guarded
from app.keycloak.ids import checked_id

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

# Credentials that are a second factor (or its backup): all go in a reset, so a found phone or an
# old list of recovery codes no longer signs anyone in.
SECOND_FACTOR_TYPES = {
    "otp": "Authenticator-app",
    "arbo-sms": "Code per sms",
    "recovery-authn-codes": "Herstelcodes",
    "webauthn": "Passkey",
    "webauthn-passwordless": "Passkey",  # Keycloak's passkey (webauthn-register-passwordless)
}
# the arbodienst's own "choose SMS or app" step (keycloak/extensions/arbo-auth): asked at next sign-in
CHOOSE_SECOND_FACTOR = "arbo-choose-2fa"
SET_PASSWORD_ACTIONS = ["UPDATE_PASSWORD"]
ACTION_MAIL_LIFESPAN = 3 * 24 * 3600  # as an invitation: 3 days


def user(admin: KeycloakAdmin, user_id: str) -> dict:
    """The user's representation; NotFound when Keycloak does not know the id."""
    from keycloak.exceptions import KeycloakGetError

    try:
        return guarded(admin.get_user, checked_id(user_id, "user id"))
    except KeycloakGetError as exc:
        if exc.response_code == 404:
            raise NotFound("user: not found") from exc
        raise


def status(admin: KeycloakAdmin, user_id: str) -> dict:
    """What a helper needs to know, nothing more: invited (no password yet) or active, enabled, and
    which second factors are set up (kinds only, never secrets or phone numbers)."""
    account = user(admin, user_id)
    credentials = guarded(admin.get_credentials, checked_id(user_id, "user id"))
    types = [c.get("type") for c in credentials]
    return {
        "id": account["id"],
        "email": account.get("email", ""),
        "name": " ".join(p for p in (account.get("firstName"), account.get("lastName")) if p),
        "enabled": bool(account.get("enabled")),
        "state": "active" if "password" in types else "invited",
        "second_factors": [SECOND_FACTOR_TYPES[t] for t in dict.fromkeys(types) if t in SECOND_FACTOR_TYPES],
        "pending_actions": list(account.get("requiredActions") or []),
    }


def reset_second_factor(admin: KeycloakAdmin, user_id: str) -> list[str]:
    """Remove every second-factor credential, make the user choose a new one at the next sign-in and
    end their sessions (a stolen phone's open session ends too). Returns the removed kinds."""
    user_id = checked_id(user_id, "user id")
    account = user(admin, user_id)
    removed = []
    for credential in guarded(admin.get_credentials, user_id):
        if credential.get("type") in SECOND_FACTOR_TYPES:
            guarded(admin.delete_credential, user_id, checked_id(credential["id"], "credential id"))
            removed.append(SECOND_FACTOR_TYPES[credential["type"]])
    actions = list(account.get("requiredActions") or [])
    if CHOOSE_SECOND_FACTOR not in actions:
        guarded(admin.update_user, user_id, {"requiredActions": actions + [CHOOSE_SECOND_FACTOR]})
    guarded(admin.user_logout, user_id)
    return removed


def send_set_password_mail(admin: KeycloakAdmin, user_id: str, *, client_id: str, redirect_uri: str) -> None:
    """Keycloak's "set your password" e-mail (executeActions: UPDATE_PASSWORD), link valid 3 days:
    the welcome for someone who never signed in, a reset for someone who did."""
    from keycloak.exceptions import KeycloakError

    try:
        guarded(admin.send_update_account, user_id=checked_id(user_id, "user id"), payload=SET_PASSWORD_ACTIONS,
                client_id=client_id, lifespan=ACTION_MAIL_LIFESPAN, redirect_uri=redirect_uri)
    except KeycloakError as exc:
        if getattr(exc, "response_code", None) == 500:
            raise MailNotSent("Keycloak could not send the e-mail") from exc
        raise KeycloakAdminError(f"e-mail not sent: {exc}") from exc


def set_mobile(admin: KeycloakAdmin, user_id: str, mobile: str) -> None:
    """The user's `mobile` attribute, which the SMS setup takes as the dossier's number. The whole
    representation is sent back: a PUT with only some attributes would drop the others."""
    account = user(admin, user_id)
    attributes = dict(account.get("attributes") or {}) | {"mobile": [mobile]}
    guarded(admin.update_user, account["id"], account | {"attributes": attributes})
