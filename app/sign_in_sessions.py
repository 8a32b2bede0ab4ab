"""Keycloak sign-in sessions (`sid`) in this app, for back-channel logout and "sign out elsewhere".

The app sessions live server-side (app.server_sessions), each row tagged with the Keycloak session
id and user id it was made from. Ending a Keycloak session here deletes those rows, so the next
request with such a cookie is anonymous. A local database write, never a Keycloak call.
"""

from __future__ import annotations

from app import server_sessions


def record_start(sid: str, subject: str) -> None:
    """Kept for callers that announce a sign-in: the session row itself records sid and subject
    when it is saved (app.server_sessions), so there is nothing else to store."""


def end(sid: str | None = None, subject: str | None = None) -> int:
    """End one Keycloak session by sid, or every session of a subject; how many app sessions ended."""
    if sid:
        return server_sessions.end_keycloak_session(sid)
    if subject:
        return server_sessions.end_subject(subject)
    return 0


def is_active(sid: str) -> bool:
    return server_sessions.has_keycloak_session(sid)
