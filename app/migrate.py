"""Bring the app's database to the newest Alembic revision at start (instead of db.create_all()).

Several gunicorn workers start at once, so the upgrade runs under a file lock in the instance
folder; the second worker finds the database already at head.

A database already at head (every start but the first after an upgrade) is recognised without
importing Alembic: the head is read from the migration files' `revision`/`down_revision` lines, and
Alembic (about 17 MB per worker, issue 14) is only loaded when there is something to do.
"""

from __future__ import annotations

import fcntl
import os
import re

from flask import Flask

from app.config import ROOT
from app.extensions import db

VERSIONS = ROOT / "migrations" / "versions"
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)
_DOWN = re.compile(r'^down_revision\s*=\s*(.+)$', re.MULTILINE)


def alembic_config():
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def head_revision() -> str | None:
    """The one revision no other migration builds on, from the files; None when that is not clear-cut
    (then Alembic decides)."""
    revisions, parents = set(), set()
    for path in VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if not revision:
            continue
        revisions.add(revision.group(1))
        if down:
            parents.update(re.findall(r'["\']([^"\']+)["\']', down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head() -> bool:
    head = head_revision()
    if head is None:
        return False
    try:
        with db.engine.connect() as connection:
            versions = {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except Exception:  # noqa: BLE001 - no table yet (a new database) or unreadable: let Alembic look
        return False
    return versions == {head}


def upgrade(app: Flask) -> None:
    with app.app_context():
        if at_head():
            return
    from alembic import command

    lock_path = os.path.join(app.instance_path, "migrate.lock")
    with open(lock_path, "w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            config = alembic_config()
            with db.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
