"""The portal's database for the provisioning CLI: employer and dossier records follow provisioning.

Not create_app(): the CLI needs the database only, not the portal's secrets (SECRET_KEY, the OIDC
client), which an operator's provisioning environment need not hold. Same database as the portal
(DATABASE_URL, else the SQLite file in the instance folder), brought to the newest migration first.
"""

from __future__ import annotations

import contextlib
import os

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import keycloak as kc
from app import migrate
from app.config import Settings, load_settings
from app.extensions import db


class PortalDatabaseError(kc.errors.KeycloakAdminError):
    """The portal's database did not answer: the CLI says so in one sentence (exit 1: what was done in
    Keycloak stays, and a re-run, which changes nothing twice, finishes the portal's side)."""


@contextlib.contextmanager
def portal_records(settings: Settings | None = None):
    """An app context on the portal's database, for app.employer_records and app.employee_records."""
    settings = settings or load_settings()
    app = Flask("app", instance_relative_config=True)  # "app": the portal's own instance folder
    os.makedirs(app.instance_path, exist_ok=True)
    url = settings.database_url or f"sqlite:///{app.instance_path}/portal.sqlite"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    try:
        migrate.upgrade(app)
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()  # the CLI is short-lived; no pooled connection outlives it
    except OperationalError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise PortalDatabaseError(f"de database van het portaal ({shown}) antwoordt niet: {exc.orig}. Wat in Keycloak "
                                  "gedaan is blijft; draai de opdracht opnieuw zodra de database bereikbaar is") from None
