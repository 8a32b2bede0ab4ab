"""The access log's hash chain: appending a row, verifying the chain, purging old rows.

- Each row stores row_hash = sha256(previous row_hash + canonical(row)); the first row after a purge
  checkpoint chains to the checkpoint's hash ("" at the very start). Changing, inserting or removing
  a row breaks every hash from there on; `verify` reports the first row that does not match.
- Appends are serialised by updating the single access_log_chain row first (a row lock on
  PostgreSQL, the write lock on SQLite), so two workers can never chain to the same predecessor.
- The database refuses UPDATE and DELETE on access_log (triggers, made by migration 0003). Only
  `purge` deletes, and only a prefix of the chain: it lifts the delete trigger inside its own
  transaction, which needs the table owner's rights. Production advice: the app connects with a
  role that has only SELECT and INSERT on access_log (and SELECT/UPDATE on access_log_chain); the
  purge runs as the owner (DATABASE_URL of the owner role for `flask audit purge`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from app.extensions import db
from app.models import AccessLog, AccessLogChain

# The fields that are hashed, in this order (version 1; migration 0003 froze the same definition).
HASHED_FIELDS = ("at", "actor_sub", "actor_name", "actor_role", "employee_id", "employer_id", "action",
                 "object_id", "ip")
DEFAULT_RETENTION_DAYS = 1826  # five years (NEN 7513 / WGBO practice); configurable

SQLITE_DELETE_TRIGGER = ("CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
                         "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _plain(value):
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # SQLite reads back naive UTC
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical(row) -> str:
    """The row's hashed fields as compact, key-sorted JSON (identical on write and on verify)."""
    return json.dumps({field: _plain(getattr(row, field)) for field in HASHED_FIELDS}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous: str, row) -> str:
    return hashlib.sha256((previous + canonical(row)).encode("utf-8")).hexdigest()


def _head_locked() -> AccessLogChain:
    """Lock the chain's head row for this transaction (UPDATE first: also takes SQLite's write lock)."""
    db.session.execute(db.update(AccessLogChain).where(AccessLogChain.id == 1)
                       .values(last_row_id=AccessLogChain.last_row_id))
    head = db.session.get(AccessLogChain, 1, populate_existing=True)
    if head is None:  # only a database not made by the migrations lacks it
        head = AccessLogChain(id=1, last_row_id=0, last_hash="", checkpoint_row_id=0, checkpoint_hash="")
        db.session.add(head)
        db.session.flush()
    return head


def append(**fields) -> AccessLog:
    """Append one row to the chain and commit."""
    try:
        head = _head_locked()
        # id and time are taken under the lock, so both ascend along the chain; the id is the head's
        # successor, never reused after a purge (SQLite would hand out max(id) + 1 again)
        row = AccessLog(id=head.last_row_id + 1, at=utcnow(), **fields)
        row.object_id = row.object_id or ""
        row.ip = (row.ip or "")[:45]
        row.row_hash = chain_hash(head.last_hash, row)
        db.session.add(row)
        db.session.flush()
        head.last_row_id, head.last_hash = row.id, row.row_hash
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return row


@dataclass
class Verification:
    ok: bool
    rows: int
    first_broken_id: int | None = None
    reason: str = ""
    last_hash: str = ""


def verify() -> Verification:
    """Recompute the chain from the purge checkpoint; the first row whose hash does not match."""
    head = db.session.get(AccessLogChain, 1, populate_existing=True)
    checkpoint_id = head.checkpoint_row_id if head else 0
    previous = head.checkpoint_hash if head else ""
    leftover = db.session.scalar(db.select(AccessLog.id).where(AccessLog.id <= checkpoint_id)
                                 .order_by(AccessLog.id).limit(1))
    if leftover is not None:
        return Verification(False, 0, leftover, "row at or before the purge checkpoint (checkpoint moved?)")
    count, last_id = 0, checkpoint_id
    query = db.select(AccessLog).where(AccessLog.id > checkpoint_id).order_by(AccessLog.id)
    for row in db.session.scalars(query.execution_options(yield_per=1000)):
        if row.row_hash != chain_hash(previous, row):
            return Verification(False, count, row.id, "hash does not match the row and its predecessor")
        previous, last_id, count = row.row_hash, row.id, count + 1
    if head and (head.last_row_id, head.last_hash) != (last_id, previous):
        # the chain's recorded end is not the last row: rows were removed from the end (the triggers
        # refuse that, so someone lifted them) or the head was altered
        return Verification(False, count, last_id + 1, "the chain does not end where it was last appended to")
    return Verification(True, count, last_hash=previous)


def purge(older_than_days: int, now: datetime | None = None) -> int:
    """Delete the rows older than that many days (a prefix of the chain) and move the checkpoint to
    the last deleted row's hash, so the rest still verifies. Returns how many rows were deleted."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    last = db.session.scalar(db.select(AccessLog).where(AccessLog.at < cutoff)
                             .order_by(AccessLog.id.desc()).limit(1))
    if last is None:
        return 0
    dialect = db.engine.dialect.name
    try:
        head = _head_locked()
        if dialect == "postgresql":
            db.session.execute(text("ALTER TABLE access_log DISABLE TRIGGER access_log_no_delete"))
        else:
            db.session.execute(text("DROP TRIGGER IF EXISTS access_log_no_delete"))
        deleted = db.session.execute(db.delete(AccessLog).where(AccessLog.id <= last.id)).rowcount
        if dialect == "postgresql":
            db.session.execute(text("ALTER TABLE access_log ENABLE TRIGGER access_log_no_delete"))
        else:
            db.session.execute(text(SQLITE_DELETE_TRIGGER))
        head.checkpoint_row_id, head.checkpoint_hash, head.checkpoint_at = last.id, last.row_hash, utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return deleted
