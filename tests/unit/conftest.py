"""Unit-layer fixtures: the app with a Keycloak that cannot answer, so no unit test reaches a server."""

import pytest

from tests.portal_fixtures import make_app, seed_world
from tests.support import OFFLINE_METADATA



@pytest.fixture
def app(tmp_path):
    """The portal on a temporary database and documents folder, against an unreachable Keycloak
    (port 1): any real call fails fast."""
    return make_app(tmp_path, keycloak_port=1)


@pytest.fixture
def world(app):
    """Two employers (and two more), their employees, cases with secret medical values, documents."""
    return seed_world(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def known_metadata(app):
    """As if Keycloak's discovery document had been fetched and cached."""
    from app.extensions import oauth

    oauth.keycloak.server_metadata = dict(OFFLINE_METADATA, _loaded_at=0)
