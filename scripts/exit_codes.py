"""The provisioning CLI's exit codes and its one error boundary: any failure becomes one sentence
(Dutch or English) saying what to do, and its documented code; never a traceback (only with
--debug) and never Keycloak's raw JSON or an HTML page.

CODES is the single source of the table in `--help` (EXIT_CODES_HELP) and in README.md
("Exit codes of the provisioning CLI"); a unit test compares the two.
"""

from __future__ import annotations

import json
import re

import requests
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError

from app import keycloak_admin as ka
from app.keycloak import errors as kc_errors
from app import validation
from scripts import provisioning_rows as rows

EXIT_OK = 0            # everything done (or nothing needed doing)
EXIT_PARTIAL = 1       # some rows/items failed; the rest is done; a re-run finishes the job
EXIT_BAD_INPUT = 2     # usage error or bad input, also what Keycloak refuses as invalid or does not know
EXIT_UNREACHABLE = 3   # Keycloak did not answer (in time), or what answers is not Keycloak
EXIT_REFUSED = 4       # Keycloak refused the credentials or the operation (401/403)
EXIT_MAIL = 5          # the e-mail could not be sent (SMTP down); nothing was kept
EXIT_CONFLICT = 6      # already exists: already invited, already a member, existing account

CODES = [
    (EXIT_OK, "ok (also: nothing to change)"),
    (EXIT_PARTIAL, "some rows or items failed (the rest is done; re-run to finish, nothing is duplicated)"),
    (EXIT_BAD_INPUT, "usage error or bad input: invalid e-mail, name or value too long, unknown employer, role or "
                     "realm, malformed CSV, an id that is not a Keycloak id, a value Keycloak refuses (400) or "
                     "does not know (404); nothing is sent to Keycloak for input refused here"),
    (EXIT_UNREACHABLE, "Keycloak unreachable: connection refused, no answer within --timeout, or the address "
                       "answers but is not Keycloak"),
    (EXIT_REFUSED, "Keycloak refused the credentials (wrong admin password or client secret) or the operation "
                   "(the account lacks a permission, 403)"),
    (EXIT_MAIL, "e-mail could not be sent (SMTP down); nothing was kept"),
    (EXIT_CONFLICT, "already exists (pending invitation, already a member, or an existing account without "
                    "--existing-account)"),
]

EXIT_CODES_HELP = "exit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in CODES)


class Usage(Exception):
    """Bad input found before any change: exit 2."""


class NotKeycloak(Exception):
    """The configured address answers, but not as Keycloak does (an HTML page, another program)."""


def is_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<") or "<html" in text.lower() or "<!doctype" in head


def plain(text: str) -> str:
    """A message without raw JSON or HTML: Keycloak's own error text pulled out of a JSON body,
    an HTML page replaced by a few words."""
    text = str(text)
    if is_html(text):
        before = text[:text.find("<")].strip(" :")
        return (before + ": " if before else "") + "(een HTML-pagina in plaats van een antwoord van Keycloak)"
    match = re.search(r"b?'?(\{.*\})'?", text, flags=re.S)
    if match:
        try:
            body = json.loads(match.group(1))
        except ValueError:
            return text
        if isinstance(body, dict):
            said = body.get("errorMessage") or body.get("error_description") or body.get("error") or ""
            field = body.get("field")
            said = f"{said} ({field})" if field and said else said
            return (text[:match.start()].strip(" :") + ": " + str(said)).strip(": ") if said else text[:match.start()]
    return text


def _body(exc) -> str:
    body = getattr(exc, "response_body", b"") or getattr(exc, "error_message", b"") or b""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)


def _chain(exc):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def _timed_out(exc) -> bool:
    # requests turns a read timeout after urllib3's retries into ConnectionError(MaxRetryError(ReadTimeoutError))
    return any(isinstance(e, requests.exceptions.Timeout) or "timed out" in str(e).lower() for e in _chain(exc))


def explain(exc: BaseException, keycloak_url: str = "", timeout: float | None = None) -> tuple[int, str]:
    """(exit code, one sentence) for any exception the CLI's commands raise."""
    where = f" op {keycloak_url}" if keycloak_url else ""
    if isinstance(exc, (Usage, rows.BadInput, validation.InvalidInput, ka.InvalidId)):
        return EXIT_BAD_INPUT, plain(str(exc))
    if isinstance(exc, NotKeycloak):
        return EXIT_UNREACHABLE, (f"wat{where} antwoordt is geen Keycloak ({exc}); controleer KEYCLOAK_HOST, "
                                  "KEYCLOAK_PORT en --realm")
    if isinstance(exc, kc_errors.NotKeycloak):  # app.keycloak.errors saw an HTML page where Keycloak should answer
        return EXIT_UNREACHABLE, (f"wat{where} antwoordt is geen Keycloak (een HTML-pagina, {exc.detail or 'geen JSON'}); "
                                  "controleer KEYCLOAK_HOST en KEYCLOAK_PORT")
    if _timed_out(exc):
        return EXIT_UNREACHABLE, (f"Keycloak{where} antwoordde niet binnen {timeout or 30:g} s; probeer het later "
                                  "opnieuw of geef meer tijd met --timeout")
    if isinstance(exc, (ka.KeycloakUnreachable, KeycloakConnectionError)):
        return EXIT_UNREACHABLE, (f"Keycloak is niet bereikbaar{where}. Start Keycloak of controleer "
                                  "KEYCLOAK_HOST/KEYCLOAK_PORT.")
    if isinstance(exc, ka.KeycloakRefused):
        if isinstance(exc.__cause__, KeycloakError):  # guarded(): Keycloak's own answer says more
            return _keycloak_answer(exc.__cause__, where)
        return EXIT_REFUSED, f"Keycloak weigert: {plain(str(exc))}"
    if isinstance(exc, ka.MailNotSent):
        return EXIT_MAIL, plain(str(exc))
    if isinstance(exc, kc_errors.Conflict):  # pending invitation, already a member, existing account, other 409
        return EXIT_CONFLICT, plain(str(exc))
    if isinstance(exc, ka.NotFound):
        if isinstance(exc.__cause__, KeycloakError):  # Keycloak's 404 itself: say what to check
            return _keycloak_answer(exc.__cause__, where)
        return EXIT_BAD_INPUT, f"niet gevonden: {plain(str(exc))}"
    if isinstance(exc, ka.KeycloakAdminError):
        if isinstance(exc.__cause__, KeycloakError):  # Keycloak's own answer decides the code (400 -> 2, ...)
            return _keycloak_answer(exc.__cause__, where)
        return EXIT_PARTIAL, plain(str(exc))
    if isinstance(exc, KeycloakError):
        return _keycloak_answer(exc, where)
    return EXIT_PARTIAL, (f"onverwachte fout ({type(exc).__name__}); er is mogelijk niet alles gedaan: draai "
                          "opnieuw (wat klaar is blijft) of met --debug voor details")


def _keycloak_answer(exc: KeycloakError, where: str) -> tuple[int, str]:
    code, body = getattr(exc, "response_code", None), _body(exc)
    said = plain(body) if body else ""
    if is_html(body):
        return EXIT_UNREACHABLE, (f"wat{where} antwoordt is geen Keycloak (een HTML-pagina, status {code}); "
                                  "controleer KEYCLOAK_HOST en KEYCLOAK_PORT")
    if code in (400, 401) and ('"invalid_grant"' in body or '"invalid_client"' in body or
                               '"unauthorized_client"' in body):
        return EXIT_REFUSED, ("Keycloak weigert de inloggegevens; controleer KEYCLOAK_ADMIN_USER/KEYCLOAK_ADMIN_PASSWORD "
                              "(met --master-admin) of PROVISIONER_CLIENT_SECRET")
    if code == 401 or isinstance(exc, KeycloakAuthenticationError):
        return EXIT_REFUSED, f"Keycloak weigert de inloggegevens ({said or code}); controleer de secrets"
    if code == 403:
        return EXIT_REFUSED, ("Keycloak weigert deze handeling (403): het account mist een recht; gebruik het "
                              "provisioning-account met zijn rollen (README, 'Who holds what') of --master-admin")
    if code == 404:
        return EXIT_BAD_INPUT, (f"Keycloak kent dit niet (404{': ' + said if said else ''}); controleer --realm "
                                "en de opgegeven namen")
    if code == 409:
        return EXIT_CONFLICT, f"bestaat al in Keycloak ({said or 409})"
    if code == 400:
        return EXIT_BAD_INPUT, f"Keycloak weigert de invoer: {said or 'ongeldige waarde'}"
    if code in (502, 503, 504):
        return EXIT_UNREACHABLE, f"Keycloak{where} is niet beschikbaar ({code}); probeer het later opnieuw"
    return EXIT_PARTIAL, (f"Keycloak gaf een fout ({code}{': ' + said if said else ''}); zie het log van Keycloak "
                          "en draai opnieuw")
