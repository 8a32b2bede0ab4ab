"""Whether an employee's Keycloak account is active: a password has been set (the welcome mail's
link was followed). python-keycloak's own call, through the portal's run-time admin client."""

from __future__ import annotations

import requests

from app.keycloak.ids import InvalidId, checked_id


def has_password(admin, user_id: str | None) -> bool | None:
    """True when the account has a password, False when not (or no account), None when Keycloak did
    not answer (the caller decides; nothing is assumed)."""
    if not user_id:
        return False
    try:
        user_id = checked_id(user_id, "user id")  # validated before it reaches the admin API's path
    except InvalidId:
        return False
    from keycloak.exceptions import KeycloakError

    try:
        credentials = admin.get_credentials(user_id)
    except (KeycloakError, requests.RequestException):
        return None
    return any(credential.get("type") == "password" for credential in credentials or ())
