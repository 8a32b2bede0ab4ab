import os

import pytest

from tests.portal_fixtures import real_world  # noqa: F401 - shared fixture


@pytest.fixture(autouse=True)
def cli_portal_database(tmp_path, monkeypatch):
    """The provisioning CLI writes employer and dossier records to the portal's database: in tests a
    throw-away SQLite file, never the developer's instance/portal.sqlite."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'cli-portal.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url
