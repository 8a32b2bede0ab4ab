"""Bring the app's database to the newest Alembic revision at start (instead of db.create_all()).

Several gunicorn workers start at once, so the upgrade runs under a file lock in the instance
folder; the second worker finds the database already at head.
"""

from __future__ import annotations

import fcntl
import os

from alembic import command
from alembic.config import Config
from flask import Flask

from app.config import ROOT
from app.extensions import db


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def upgrade(app: Flask) -> None:
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
