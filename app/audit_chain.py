"""The access log's hash chain: appending a row, sealing rows into the chain, verifying it, purging
old rows.

- Each sealed row stores row_hash = sha256(previous row_hash + canonical(row)); the first row after a
  purge checkpoint chains to the checkpoint's hash ("" at the very start). Changing, inserting or
  removing a sealed row breaks every hash from there on; `verify` reports the first row that does
  not match.
- Appending is cheap: one INSERT with an empty row_hash and the commit, before the response is sent
  (durable, no lock shared by all writers). Sealing links the unsealed rows in id order, shortly
  after (app.access_log's sealer thread) and before every `verify`; sealers serialise on the single
  access_log_chain row, which also records the chain's end (last sealed row and hash).
- Ids ascend along the chain and are never reused: on SQLite the insert takes max(id, chain end) + 1
  under SQLite's one write lock (so committed ids are always a prefix); on PostgreSQL the sequence
  hands them out and may commit them out of order, so writers hold a shared advisory lock from the
  insert to the commit and the sealer takes it exclusively for an instant before reading how far it
  may seal: every id up to the largest it then sees is committed or never will be.
- The database refuses DELETE on access_log, and every UPDATE except sealing an unsealed row with
  its recorded fields unchanged (triggers, migrations 0003 and 0009). Only `purge` deletes, and only
  a sealed prefix of the chain: it lifts the delete trigger inside its own transaction, which needs
  the table owner's rights. Production advice: the app connects with a role that has only SELECT,
  INSERT and UPDATE(row_hash) on access_log (and SELECT/UPDATE on access_log_chain); the purge runs
  as the owner (DATABASE_URL of the owner role for `flask audit purge`).
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


TABLE, CHAIN = AccessLog.__table__, AccessLogChain.__table__
SEAL_LOCK_KEY = 7513  # the PostgreSQL advisory lock between appends (shared) and the sealer (exclusive)
SEAL_BATCH = 2000
# SQLite: the next id after both the last row and the chain's end (a purge of every row must not let
# ids start again at 1, below the checkpoint)
_SQLITE_NEXT_ID = ("(SELECT max(coalesce((SELECT max(id) FROM access_log), 0), "
                   "coalesce((SELECT last_row_id FROM access_log_chain WHERE id = 1), 0)) + 1)")


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


# built once: the values are bound parameters (building the statement per view cost more than running it)
_INSERT = db.insert(TABLE)
_INSERT_SQLITE = db.insert(TABLE).values(id=db.literal_column(_SQLITE_NEXT_ID))
_SHARED_SEAL_LOCK = text("SELECT pg_advisory_xact_lock_shared(:key)").bindparams(key=SEAL_LOCK_KEY)


def append(**fields) -> None:
    """Insert one unsealed row and commit: durable when this returns; the chain links it later."""
    append_all([fields])


def append_all(rows) -> None:
    """Insert unsealed rows in one transaction (a list page logs one row per person shown: one
    commit, not one per row); durable when this returns."""
    stamp = utcnow()
    try:
        postgres = db.session.get_bind().dialect.name == "postgresql"
        if postgres:
            db.session.execute(_SHARED_SEAL_LOCK)
        for fields in rows:
            values = dict(fields, at=stamp, object_id=fields.get("object_id") or "",
                          ip=(fields.get("ip") or "")[:45], row_hash="")
            db.session.execute(_INSERT if postgres else _INSERT_SQLITE, values)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def seal(engine=None) -> int:
    """Link every committed unsealed row into the chain, in id order; how many were sealed."""
    engine = engine or db.engine
    limit = None
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # an instant: waits for the appends under way, then lets go
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEAL_LOCK_KEY})
            limit = connection.scalar(db.select(db.func.max(TABLE.c.id)))
        if limit is None:
            return 0  # nothing committed yet (and no limit would let in rows still being committed)
    sealed = 0
    while True:
        with engine.begin() as connection:
            connection.execute(db.update(CHAIN).where(CHAIN.c.id == 1).values(last_row_id=CHAIN.c.last_row_id))
            head = connection.execute(db.select(CHAIN.c.last_row_id, CHAIN.c.last_hash)
                                      .where(CHAIN.c.id == 1)).first()
            if head is None:  # only a database not made by the migrations lacks it
                connection.execute(db.insert(CHAIN).values(id=1, last_row_id=0, last_hash="", checkpoint_row_id=0,
                                                           checkpoint_hash=""))
                head = (0, "")
            last_id, previous = head
            query = db.select(TABLE).where(TABLE.c.id > last_id).order_by(TABLE.c.id).limit(SEAL_BATCH)
            if limit is not None:
                query = query.where(TABLE.c.id <= limit)
            hashes = []
            for row in connection.execute(query):
                previous, last_id = chain_hash(previous, row), row.id
                hashes.append({"row_id": row.id, "hash": previous})
            if not hashes:
                return sealed
            connection.execute(db.update(TABLE).where(TABLE.c.id == db.bindparam("row_id"))
                               .values(row_hash=db.bindparam("hash")), hashes)
            connection.execute(db.update(CHAIN).where(CHAIN.c.id == 1).values(last_row_id=last_id,
                                                                               last_hash=previous))
        sealed += len(hashes)


@dataclass
class Verification:
    ok: bool
    rows: int
    first_broken_id: int | None = None
    reason: str = ""
    last_hash: str = ""


def verify() -> Verification:
    """Seal what is waiting, then recompute the chain from the purge checkpoint to its recorded end;
    the first row whose hash does not match."""
    seal()
    head = db.session.get(AccessLogChain, 1, populate_existing=True)
    checkpoint_id = head.checkpoint_row_id if head else 0
    previous = head.checkpoint_hash if head else ""
    leftover = db.session.scalar(db.select(AccessLog.id).where(AccessLog.id <= checkpoint_id)
                                 .order_by(AccessLog.id).limit(1))
    if leftover is not None:
        return Verification(False, 0, leftover, "row at or before the purge checkpoint (checkpoint moved?)")
    count, last_id = 0, checkpoint_id
    query = db.select(AccessLog).where(AccessLog.id > checkpoint_id).order_by(AccessLog.id)
    if head:  # rows after the recorded end were appended after the seal above: not chained yet
        query = query.where(AccessLog.id <= head.last_row_id)
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
    seal()  # only sealed rows are deleted, and the checkpoint is a sealed row's hash
    sealed_end = db.session.scalar(db.select(AccessLogChain.last_row_id).where(AccessLogChain.id == 1)) or 0
    last = db.session.scalar(db.select(AccessLog).where(AccessLog.at < cutoff, AccessLog.id <= sealed_end)
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
