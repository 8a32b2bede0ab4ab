"""Server-side sessions: the browser's cookie holds only an opaque random id; everything else (the
signed-in user, the tokens, authlib's pending sign-in state) lives in the `server_session` table.

Why our own SessionInterface and not Flask-Session: we need an idle AND an absolute lifetime, an
index on Keycloak's session id (`sid`) so a back-channel logout can delete every app session of it,
and a table made by our Alembic migrations (PostgreSQL and SQLite, any instance serving any user).

- The table keys a session by the SHA-256 of the cookie value, so a copy of the table gives no
  usable cookie.
- Idle (default 30 min) and absolute (default 10 h) lifetimes equal the realm's
  ssoSessionIdleTimeout / ssoSessionMaxLifespan and are never configured longer (init_app clamps).
- `last_seen_at` is written at most once a minute per session (no write per request); a session is
  idle-expired when `now - last_seen_at > idle`, so the stale minute only ever shortens it.
- Reads and writes go through their own short transactions (not the request's ORM session), so
  storing the session never commits or expires the view's objects.
- A session whose row disappeared while a request was running (back-channel logout, sign-out) is
  not written back: save only UPDATEs existing rows, only brand-new sessions are INSERTed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta, timezone

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import CallbackDict

from app.extensions import db

# Keycloak realm defaults (realm-export.json): the app's lifetimes may be shorter, never longer.
KEYCLOAK_IDLE_SECONDS = 1800
KEYCLOAK_MAX_SECONDS = 36000
TOUCH_INTERVAL = timedelta(seconds=60)
PURGE_INTERVAL_SECONDS = 300


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(db.Model):
    __tablename__ = "server_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    keycloak_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")


TABLE = ServerSession.__table__


class PortalSession(CallbackDict, SessionMixin):
    """The session dict of one request; `token` is the cookie value, None until first stored."""

    def __init__(self, initial=None, token: str | None = None, created_at: datetime | None = None,
                 last_seen_at: datetime | None = None):
        def on_update(self):
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.created_at = created_at
        self.last_seen_at = last_seen_at
        self.modified = False
        self.regenerated = False

    @property
    def new(self) -> bool:
        return self.token is None


# Flask's own tagged JSON (keeps tuples, bytes, datetimes as the cookie session did)
SERIALIZER = TaggedJSONSerializer()


class ServerSessionInterface(SessionInterface):

    def open_session(self, app: Flask, request) -> PortalSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128:
            return PortalSession()
        _maybe_purge_expired(app)
        with db.engine.begin() as connection:
            row = connection.execute(db.select(TABLE).where(TABLE.c.id == _key(token))).first()
            if row is None:
                return PortalSession()
            now = utcnow()
            created, seen = _aware(row.created_at), _aware(row.last_seen_at)
            idle, absolute = lifetimes(app)
            if now - seen > idle or now - created > absolute:
                connection.execute(db.delete(TABLE).where(TABLE.c.id == row.id))
                return PortalSession()
        return PortalSession(SERIALIZER.loads(row.data or "{}"), token=token, created_at=created, last_seen_at=seen)

    def save_session(self, app: Flask, session: PortalSession, response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if not session:
            if not session.new:  # emptied (sign-out): the row goes, and so does the cookie
                with db.engine.begin() as connection:
                    connection.execute(db.delete(TABLE).where(TABLE.c.id == _key(session.token)))
                response.delete_cookie(name, domain=domain, path=path, secure=self.get_cookie_secure(app),
                                       samesite=self.get_cookie_samesite(app), httponly=True)
            return
        now = utcnow()
        user = session.get("user") or {}
        if session.new:
            session.token = secrets.token_urlsafe(32)
            session.created_at = session.last_seen_at = now
            with db.engine.begin() as connection:
                connection.execute(db.insert(TABLE).values(
                    id=_key(session.token), keycloak_sid=user.get("sid"), subject=user.get("sub"), created_at=now,
                    last_seen_at=now, data=SERIALIZER.dumps(dict(session))))
        elif session.modified or now - session.last_seen_at >= TOUCH_INTERVAL:
            values = {"last_seen_at": now}
            if session.modified:
                values |= {"data": SERIALIZER.dumps(dict(session)), "keycloak_sid": user.get("sid"),
                           "subject": user.get("sub")}
            with db.engine.begin() as connection:
                result = connection.execute(db.update(TABLE).where(TABLE.c.id == _key(session.token)).values(**values))
            if result.rowcount == 0:  # ended while this request ran: do not bring it back
                response.delete_cookie(name, domain=domain, path=path)
                return
            if not session.regenerated:
                return  # the browser already holds this cookie
        else:
            return
        _, absolute = lifetimes(app)
        response.set_cookie(name, session.token, expires=session.created_at + absolute, httponly=True,
                            domain=domain, path=path, secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))


def regenerate(session: PortalSession) -> None:
    """A new id for this session (at sign-in, against session fixation): the old row is deleted and
    the contents are stored under a fresh id with fresh idle and absolute clocks."""
    if session.token:
        with db.engine.begin() as connection:
            connection.execute(db.delete(TABLE).where(TABLE.c.id == _key(session.token)))
    session.token = None
    session.regenerated = True
    session.modified = True


def end_keycloak_session(sid: str) -> int:
    """Delete every app session that belongs to this Keycloak session; how many there were."""
    with db.engine.begin() as connection:
        return connection.execute(db.delete(TABLE).where(TABLE.c.keycloak_sid == sid)).rowcount


def end_subject(subject: str) -> int:
    """Delete every app session of this Keycloak user."""
    with db.engine.begin() as connection:
        return connection.execute(db.delete(TABLE).where(TABLE.c.subject == subject)).rowcount


def has_keycloak_session(sid: str) -> bool:
    with db.engine.connect() as connection:
        return connection.execute(db.select(TABLE.c.id).where(TABLE.c.keycloak_sid == sid).limit(1)).first() is not None


def lifetimes(app: Flask) -> tuple[timedelta, timedelta]:
    return (timedelta(seconds=app.config["SESSION_IDLE_SECONDS"]),
            timedelta(seconds=app.config["SESSION_MAX_SECONDS"]))


def purge_expired(app: Flask) -> int:
    """Delete every idle- or absolute-expired session (anonymous sign-in attempts included)."""
    idle, absolute = lifetimes(app)
    now = utcnow()
    with db.engine.begin() as connection:
        return connection.execute(db.delete(TABLE).where(
            db.or_(TABLE.c.last_seen_at < now - idle, TABLE.c.created_at < now - absolute))).rowcount


_last_purge: dict[str, float] = {}


def _maybe_purge_expired(app: Flask) -> None:
    """Every few minutes per process, so abandoned sessions do not pile up in the table."""
    key = app.config["SQLALCHEMY_DATABASE_URI"]
    if time.monotonic() - _last_purge.get(key, float("-inf")) >= PURGE_INTERVAL_SECONDS:
        _last_purge[key] = time.monotonic()
        purge_expired(app)


def init_app(app: Flask) -> None:
    """Server-side sessions for the app; lifetimes from app.config, clamped to Keycloak's."""
    app.config.setdefault("SESSION_IDLE_SECONDS", KEYCLOAK_IDLE_SECONDS)
    app.config.setdefault("SESSION_MAX_SECONDS", KEYCLOAK_MAX_SECONDS)
    app.config.setdefault("SESSION_REFRESH_SECONDS", 60)  # how stale roles in a session may get
    app.config["SESSION_IDLE_SECONDS"] = min(int(app.config["SESSION_IDLE_SECONDS"]), KEYCLOAK_IDLE_SECONDS)
    app.config["SESSION_MAX_SECONDS"] = min(int(app.config["SESSION_MAX_SECONDS"]), KEYCLOAK_MAX_SECONDS)
    # a role removed in Keycloak must be gone here within a minute
    app.config["SESSION_REFRESH_SECONDS"] = min(float(app.config["SESSION_REFRESH_SECONDS"]), 60)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.config["SESSION_MAX_SECONDS"])
    app.session_interface = ServerSessionInterface()
