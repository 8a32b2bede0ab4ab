"""The portal's database for the provisioning CLI: employer and dossier records follow provisioning.

Not create_app(): the CLI needs the database only, not the portal's secrets (SECRET_KEY, the OIDC
client), which an operator's provisioning environment need not hold. Same database as the portal
(DATABASE_URL, else the SQLite file in the instance folder), brought to the newest migration first.
"""

from __future__ import annotations

import contextlib
import os

from flask import Flask

from app import migrate
from app.config import Settings, load_settings
from app.extensions import db


@contextlib.contextmanager
def portal_records(settings: Settings | None = None):
    """An app context on the portal's database, for app.employer_records and app.employee_records."""
    settings = settings or load_settings()
    app = Flask("app", instance_relative_config=True)  # "app": the portal's own instance folder
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url or f"sqlite:///{app.instance_path}/portal.sqlite"
    db.init_app(app)
    migrate.upgrade(app)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()  # the CLI is short-lived; no pooled connection outlives it
