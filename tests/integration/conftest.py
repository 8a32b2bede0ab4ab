"""Fixtures of this layer (the real Keycloak, realms and the browser come from tests/conftest.py)."""

import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.portal_fixtures import provision_real_world
from tests.support import free_port


@pytest.fixture
def real_world(portal):
    """Three employers with users per role in the portal's realm, and the same world in its database."""
    return provision_real_world(portal)


@pytest.fixture(autouse=True)
def cli_portal_database(tmp_path, monkeypatch):
    """The provisioning CLI writes employer and dossier records to the portal's database: in tests a
    throw-away SQLite file, never the developer's instance/portal.sqlite."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'cli-portal.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away server of Debian's PostgreSQL (scripts/cluster_pg.py) on a free loopback port, for
    the tests that run the portal on the production database; skipped where PostgreSQL is missing."""
    cluster_pg = pytest.importorskip("scripts.cluster_pg")
    try:
        cluster_pg.program("initdb")
    except cluster_pg.ClusterError as exc:
        pytest.skip(str(exc))
    directory = Path(tempfile.mkdtemp(prefix="arbo-dashboard-pg-"))
    os.chmod(directory, 0o755)  # the server runs as Debian's postgres user when the tests run as root
    server = cluster_pg.Postgres(directory / "pg", free_port(), secrets.token_urlsafe(24))
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database (and role) per test on the module's server."""
    name = "portal_" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40]
    password = secrets.token_urlsafe(24)
    postgres_server.ensure_database(name, password)
    return f"postgresql+psycopg://{name}:{password}@127.0.0.1:{postgres_server.port}/{name}"


@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    """The portal on a fresh PostgreSQL database of the session's server (CSRF off, for the test client)."""
    import dataclasses

    from app import create_app
    from app.config import load_settings
    from app.extensions import db

    settings = dataclasses.replace(load_settings(), database_url=postgres_url, documents_dir=str(tmp_path / "documents"))
    app = create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
