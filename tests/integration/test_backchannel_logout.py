"""Keycloak's back-channel logout really ends the app session."""

import pytest

from tests.support import login

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_admin_logout_in_keycloak_ends_the_app_session(page, portal, manager):
    login(page, portal.url, manager)
    page.wait_for_url(f"{portal.url}/dashboard")

    portal.admin.user_logout(manager.user_id)  # Keycloak calls the app's back-channel endpoint

    page.goto(f"{portal.url}/dashboard")
    page.wait_for_selector("#username")  # sent to Keycloak's sign-in page: the app session is gone
