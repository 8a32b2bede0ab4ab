"""The one gate for ids that go into a Keycloak admin API path.

Every id that reaches an admin URL (organization, invitation, user, group) is a Keycloak id, and
Keycloak ids are UUIDs. Anything else - "..", "../../<other org>/invitations/<id>", "?x=1", "#",
percent-encodings, braces, whitespace - is refused here, before any request is sent, with
InvalidId; the provisioning CLI turns that into exit code 2 and the portal into its 404.

Even a checked id is quoted again as one path segment (segment()/path()), so a future caller that
forgets checked_id() still cannot climb out of its segment.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Keycloak writes ids as lower-case canonical UUIDs; upper case is accepted and normalised.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class InvalidId(ValueError):
    """An id from a request or a command line is not a Keycloak id; nothing was sent."""


def is_id(value) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def checked_id(value, what: str = "id") -> str:
    """The id in Keycloak's canonical form, or InvalidId with one clear sentence."""
    if not is_id(value):
        shown = repr(value)[:60] if isinstance(value, str) else type(value).__name__
        raise InvalidId(f"ongeldige {what} {shown}: verwacht een Keycloak-id (UUID)")
    return value.lower()


def segment(value: str) -> str:
    """One path segment, with every reserved character (/ ? # % . included) percent-encoded."""
    quoted = quote(str(value), safe="")
    if quoted in ("", ".", ".."):
        raise InvalidId(f"ongeldig padsegment {value!r}")
    return quoted


def path(*parts: str) -> str:
    """Segments joined with '/', each one quoted: path("organizations", org_id, "members")."""
    return "/".join(segment(part) for part in parts)
