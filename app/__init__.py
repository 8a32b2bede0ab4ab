"""Verzuimportaal: a thin OIDC relying party on Keycloak for managers and employees."""

from __future__ import annotations

import os

from flask import Flask

from app.config import Settings, load_settings, require_production_secrets
from app import db_tuning  # noqa: F401  (registers the SQLite WAL + busy-timeout connect hook once)
from app import data_version  # noqa: F401  (raises Employer.data_version on every write to its data)
from app.extensions import csrf, db, oauth, portal_admin
from app.oidc_client import RS256OnlyClient


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the portal app (flaskr-style factory)."""
    app = Flask(__name__, instance_relative_config=True)
    settings: Settings = (test_config or {}).get("SETTINGS") or load_settings()
    require_production_secrets(settings)  # production refuses missing, weak and DEV ONLY secrets
    app.config.from_mapping(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url or f"sqlite:///{app.instance_path}/portal.sqlite",
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: the browser must send the cookie on the redirect back from Keycloak
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.local_development,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        DOCUMENTS_DIR=settings.documents_dir or os.path.join(app.instance_path, "documents"),
        SESSION_IDLE_SECONDS=settings.session_idle_seconds,
        SESSION_MAX_SECONDS=settings.session_max_seconds,
        SESSION_REFRESH_SECONDS=settings.session_refresh_seconds,
        SECURITY_LOG_FILE=settings.security_log_file,
        TRUSTED_PROXY_COUNT=settings.trusted_proxy_count,
        AUDIT_RETENTION_DAYS=settings.audit_retention_days,
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
        server_metadata_url=settings.metadata_url,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
        client_cls=RS256OnlyClient,  # ID tokens signed with RS256 only, whatever discovery lists
    )

    portal_admin.init_app(app)  # the portal's own admin client, never the provisioner's

    from app import (account_help, auth, cases, dashboard, documents, dossier, employees, health, i18n, invitations,
                     migrate, security, staff, user_settings)

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(invitations.bp)
    app.register_blueprint(dossier.bp)
    app.register_blueprint(employees.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(user_settings.bp)
    app.register_blueprint(account_help.bp)
    i18n.init_app(app)
    if settings.bench_routes:
        from bench import routes as bench_routes  # a baseline route for bench/bench_portal.py; BENCH=1 only

        app.register_blueprint(bench_routes.bp)
    security.init_app(app)
    _init_sessions_and_audit(app)

    migrate.upgrade(app)
    return app


def _init_sessions_and_audit(app: Flask) -> None:
    """Server-side sessions, the security log, and the audit-chain CLI (settings: see each module)."""
    from app import access_log, audit_cli, memory, security_log, server_sessions

    server_sessions.init_app(app)
    security_log.init_app(app)
    access_log.init_app(app)
    audit_cli.init_app(app)
    memory.init_app(app)
