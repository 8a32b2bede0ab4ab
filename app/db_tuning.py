"""SQLite settings for a portal with several workers: WAL (readers do not wait for the writer), a busy
timeout (a writer waits briefly instead of failing with "database is locked"), and synchronous=NORMAL.

Why NORMAL: every page view appends to the access log, so every request commits. With the default
FULL, each commit waits for an fsync while holding SQLite's one write lock, and all workers queue
behind it (bench_portal: the commit was the largest single cost of the dossier page). In WAL mode
NORMAL syncs at checkpoints instead: the database stays consistent after a crash or power loss;
only the last commits before a power loss (not a process crash) may be lost. A deployment that
cannot accept that runs PostgreSQL, the production database."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return  # PostgreSQL needs nothing here
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")  # a no-op answer ("memory") for in-memory databases
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()
