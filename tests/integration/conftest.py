from tests.portal_fixtures import real_world  # noqa: F401 - shared fixture
