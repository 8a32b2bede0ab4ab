"""Unit-layer fixtures: the app with a Keycloak that cannot answer, so no unit test reaches a server."""

import dataclasses

import pytest

from app import create_app
from app.config import load_settings
from tests.support import OFFLINE_METADATA



@pytest.fixture
def app(tmp_path):
    """The portal against an unreachable Keycloak (port 1): any real call fails fast."""
    settings = dataclasses.replace(load_settings(), keycloak_port=1, database_url=f"sqlite:///{tmp_path}/t.sqlite")
    return create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def known_metadata(app):
    """As if Keycloak's discovery document had been fetched and cached."""
    from app.extensions import oauth

    oauth.keycloak.server_metadata = dict(OFFLINE_METADATA, _loaded_at=0)
