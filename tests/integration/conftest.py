"""Fixtures of this layer (the real Keycloak, realms and the browser come from tests/conftest.py)."""

import os

import pytest

from tests.portal_fixtures import provision_real_world


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
