"""Which Keycloak sign-in sessions are still alive in this app (for back-channel logout).

The browser holds the app session in a signed cookie, which the server cannot delete. So every
sign-in is recorded by its Keycloak session id (`sid`); a back-channel logout marks it ended and
the next request with that cookie is signed out. A local database read, never a Keycloak call.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SignInSession(db.Model):
    __tablename__ = "sign_in_session"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(timezone.utc))
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


def record_start(sid: str, subject: str) -> None:
    session = db.session.get(SignInSession, sid) or SignInSession(sid=sid, subject=subject)
    session.ended_at = None
    db.session.add(session)
    db.session.commit()


def end(sid: str | None = None, subject: str | None = None) -> int:
    """End one session by sid, or every session of a subject; returns how many were ended."""
    query = db.select(SignInSession).where(SignInSession.ended_at.is_(None))
    if sid:
        query = query.where(SignInSession.sid == sid)
    elif subject:
        query = query.where(SignInSession.subject == subject)
    else:
        return 0
    sessions = db.session.scalars(query).all()
    for ended in sessions:
        ended.ended_at = datetime.now(timezone.utc)
    db.session.commit()
    return len(sessions)


def is_active(sid: str) -> bool:
    session = db.session.get(SignInSession, sid)
    return session is not None and session.ended_at is None
