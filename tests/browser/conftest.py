"""Fixtures of this layer (the real Keycloak, realms and the browser come from tests/conftest.py)."""

import pytest

from tests.portal_fixtures import provision_real_world


@pytest.fixture
def real_world(portal):
    """Three employers with users per role in the portal's realm, and the same world in its database."""
    return provision_real_world(portal)
