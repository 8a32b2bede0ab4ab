"""The one error boundary between python-keycloak and the rest of the project.

Every failure of a Keycloak admin call becomes one of the exceptions below, chosen by the HTTP
status and, where Keycloak sends one, its OAuth error code (`invalid_grant`, ...) - never by
searching the message text. Each exception's text is one sentence that says what happened and
what to do; the CLI prints it after "fout:" and maps the class to its exit code, the portal maps
the class to its page. Keycloak's own text is kept on `.detail` (for --debug and logs), never shown
as raw JSON or HTML.
"""

from __future__ import annotations

import contextlib
import json

from app.keycloak.ids import InvalidId

__all__ = ["InvalidId", "KeycloakAdminError", "KeycloakUnreachable", "NotKeycloak", "KeycloakRefused", "BadCredentials",
           "NotFound", "Conflict", "InvitationExists", "AlreadyMember", "ExistingAccount", "MailNotSent",
           "KeycloakRejected", "guarded", "boundary", "checked", "translate"]


class KeycloakAdminError(Exception):
    """An admin operation failed; the message is one sentence for the person running it."""

    hint = ""

    def __init__(self, message: str = "", *, detail: str = "", status: int | None = None):
        text = message or self.__doc__.strip()
        if self.hint and self.hint not in text:
            text = f"{text.rstrip('.')}. {self.hint}"
        super().__init__(text)
        self.detail, self.status = detail, status


class KeycloakUnreachable(KeycloakAdminError):
    """Keycloak did not answer (down, wrong URL)."""

    hint = "Start Keycloak of controleer KEYCLOAK_HOST/KEYCLOAK_PORT."


class NotKeycloak(KeycloakUnreachable):
    """Something answered at the Keycloak URL, but not Keycloak (an HTML page, another service)."""

    hint = "Controleer KEYCLOAK_HOST/KEYCLOAK_PORT: daar draait geen Keycloak."


class KeycloakRefused(KeycloakAdminError):
    """Keycloak refused our credentials or the operation (401/403)."""

    hint = "Controleer de rechten van het serviceaccount (README, 'Wie mag wat')."


class BadCredentials(KeycloakRefused):
    """Keycloak refused the admin password or the client secret (OAuth invalid_grant/invalid_client)."""

    hint = ("Controleer KEYCLOAK_ADMIN_USER/KEYCLOAK_ADMIN_PASSWORD (met --master-admin) "
            "of het secret van de provisioning-client.")


class NotFound(KeycloakAdminError):
    """The organization, invitation or user does not exist (or is not this employer's)."""


class Conflict(KeycloakAdminError):
    """It exists already (Keycloak answered 409)."""


class InvitationExists(Conflict):
    """The person already has a pending invitation to this employer."""


class AlreadyMember(Conflict):
    """The person is already a member of this employer."""


class ExistingAccount(Conflict):
    """The person has an account already; adding it to (another) employer needs an explicit flag."""


class MailNotSent(KeycloakAdminError):
    """Keycloak could not send the e-mail (SMTP down or refused); nothing was kept."""

    hint = "Controleer de SMTP-server van de realm en probeer het opnieuw."


class KeycloakRejected(KeycloakAdminError):
    """Keycloak refused the input (400) or failed on it (5xx)."""


# OAuth error codes of the token endpoint that mean "wrong password or secret", not "no permission"
_CREDENTIAL_ERRORS = {"invalid_grant", "invalid_client", "unauthorized_client"}


def _text(raw) -> str:
    if raw is None:
        return ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _body(raw) -> tuple[dict | None, str]:
    """(the JSON object Keycloak sent or None, a short text of it) - HTML and other noise are not kept."""
    text = _text(raw)
    try:
        body = json.loads(text)
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    message = body.get("errorMessage") or body.get("error_description") or body.get("error") or body.get("message") or ""
    return body, str(message)[:300]


def classify(status: int | None, raw_body, what: str, *, mail: bool = False) -> KeycloakAdminError:
    """The exception for one failed answer: by status, then Keycloak's error code.

    mail: the call sends an e-mail (invite-user, resend, execute-actions-email); Keycloak answers
    a failed SMTP delivery there with a 500 and nothing kept."""
    body, message = _body(raw_body)
    detail = f"{status}: {message}" if message else str(status)
    where = f"{what}: " if what else ""
    if body is None and _text(raw_body).lstrip().startswith("<"):  # an HTML page: a proxy, another server
        return NotKeycloak(f"{where}het antwoord ({status}) komt niet van Keycloak", detail=detail, status=status)
    code = (body or {}).get("error")
    if status in (400, 401) and code in _CREDENTIAL_ERRORS:
        return BadCredentials("Keycloak weigert de inloggegevens", detail=detail, status=status)
    if status in (401, 403):
        return KeycloakRefused(f"{where}Keycloak weigert dit ({status})", detail=detail, status=status)
    if status == 404:
        return NotFound(f"{where}niet gevonden", detail=detail, status=status)
    if status == 409:
        return Conflict(f"{where}bestaat al ({message or 'Keycloak: 409'})", detail=detail, status=status)
    if mail and status is not None and status >= 500:
        return MailNotSent(f"{where}de e-mail kon niet worden verstuurd", detail=detail, status=status)
    if status is not None and status >= 500:
        return KeycloakRejected(f"{where}Keycloak gaf een interne fout ({status}); kijk in het Keycloak-log en "
                                "probeer het opnieuw", detail=detail, status=status)
    return KeycloakRejected(f"{where}Keycloak weigert de invoer ({status}: {message or 'geen reden'}); "
                            "controleer de gegevens", detail=detail, status=status)


def translate(exc: Exception, what: str = "", *, mail: bool = False) -> KeycloakAdminError:
    """Our exception for an exception python-keycloak (or requests underneath it) raised."""
    from keycloak.exceptions import KeycloakConnectionError, KeycloakError

    if isinstance(exc, KeycloakAdminError):
        return exc
    if isinstance(exc, KeycloakConnectionError):
        return KeycloakUnreachable("Keycloak is niet bereikbaar", detail=str(exc))
    if isinstance(exc, KeycloakError):
        return classify(exc.response_code, exc.response_body, what, mail=mail)
    raise TypeError(f"not a Keycloak error: {exc!r}")


@contextlib.contextmanager
def boundary(what: str = "", *, mail: bool = False):
    """Run a block of python-keycloak calls; whatever Keycloak answers wrongly leaves it as our exception."""
    from keycloak.exceptions import KeycloakError

    try:
        yield
    except KeycloakError as exc:
        raise translate(exc, what, mail=mail) from exc


def guarded(call, *args, **kwargs):
    """Run one python-keycloak call inside the boundary."""
    with boundary(getattr(call, "__name__", "")):
        return call(*args, **kwargs)


def checked(response, what: str, *, mail: bool = False):
    """A raw `requests` response from an admin call: returned when 2xx, else our exception."""
    if response.status_code < 300:
        return response
    raise classify(response.status_code, response.content, what, mail=mail)
