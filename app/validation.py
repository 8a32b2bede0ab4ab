"""Checks on names that go to Keycloak, done before any call so bad input never half-creates anything.

One module so the CLI, the CSV import and the portal refuse the same things with the same sentence.
"""

from __future__ import annotations

import re

# Realm names end up in URL paths (/realms/<name>/...) and in file names of exports; Keycloak itself
# accepts more, but letters, digits, '-' and '_' (starting with a letter or digit) are safe everywhere.
_REALM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# the master realm administers Keycloak itself; the arbo settings must never be applied to it
_RESERVED_REALMS = {"master"}


class InvalidInput(ValueError):
    """An argument or field would be refused by Keycloak (or is never allowed); nothing was sent."""


def realm_name(value) -> str:
    """The realm name unchanged, or InvalidInput with one sentence saying what is allowed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("de realmnaam is leeg; geef een naam met --name (bijvoorbeeld arbo-acme)")
    if value.lower() in _RESERVED_REALMS:
        raise InvalidInput(f"realm {value!r} is de beheerrealm van Keycloak en wordt nooit ingericht; "
                           "kies een eigen naam (bijvoorbeeld arbo-acme)")
    if not _REALM_NAME.fullmatch(value):
        raise InvalidInput(f"ongeldige realmnaam {value[:60]!r}: alleen letters, cijfers, '-' en '_' "
                           "(begint met een letter of cijfer, hoogstens 100 tekens)")
    return value


# E-mail as strict as Keycloak's EmailValidationUtil (dot-atom local part of at most 64 characters,
# no leading, trailing or doubled dot; domain labels of letters, digits and inner '-'), plus a
# top-level domain of at least two letters because a portal address without one cannot receive mail.
MAX_EMAIL = 254
MAX_LOCAL_PART = 64
_LOCAL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?P<local>{_LOCAL_ATOM}(?:\.{_LOCAL_ATOM})*)@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def email_problem(email: str) -> str | None:
    """None when Keycloak will accept the address, otherwise one sentence saying why not."""
    if not email:
        return "e-mailadres ontbreekt"
    if len(email) > MAX_EMAIL:
        return f"e-mailadres is langer dan {MAX_EMAIL} tekens"
    match = _EMAIL.fullmatch(email)
    if not match:
        return f"ongeldig e-mailadres: {email[:60]}"
    if len(match.group("local")) > MAX_LOCAL_PART:
        return f"het deel voor de @ is langer dan {MAX_LOCAL_PART} tekens"
    return None


def is_email(email: str) -> bool:
    return email_problem(email) is None


# Keycloak keeps names and settings in columns of 255 characters (realm display name and SMTP
# settings, organization name, alias and domain, user attribute values) and its user profile caps
# username, e-mail and first/last name at 255: longer values fail half-way with a database error.
KEYCLOAK_MAX = 255


def length_problems(fields: dict[str, str | None], limit: int = KEYCLOAK_MAX) -> list[str]:
    """One sentence per field longer than Keycloak stores (None and empty values are skipped)."""
    return [f"{name} is langer dan {limit} tekens ({len(value)}); Keycloak bewaart hoogstens {limit}"
            for name, value in fields.items() if value and len(value) > limit]
