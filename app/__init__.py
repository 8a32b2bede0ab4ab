"""Verzuimportaal: a thin OIDC relying party on Keycloak for managers and employees."""

from __future__ import annotations

import os

from flask import Flask

from app.config import Settings, load_settings
from app.extensions import csrf, db, oauth


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the portal app (flaskr-style factory)."""
    app = Flask(__name__, instance_relative_config=True)
    settings: Settings = (test_config or {}).get("SETTINGS") or load_settings()
    app.config.from_mapping(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url or f"sqlite:///{app.instance_path}/portal.sqlite",
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: the browser must send the cookie on the redirect back from Keycloak
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.local_development,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k != "SETTINGS"})
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)
    oauth.init_app(app)
    oauth.register(
        name="keycloak",
        client_id=settings.portal_client_id,
        client_secret=settings.portal_client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
    )

    from app import auth, dashboard, health, invitations, security

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(invitations.bp)
    security.init_app(app)

    with app.app_context():
        db.create_all()
    return app
