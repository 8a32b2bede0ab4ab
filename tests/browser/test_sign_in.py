"""End to end: a manager signs in on Keycloak's own page, sets up TOTP, reaches the dashboard, logs out."""

import pytest

from tests.support import enter_password, login, set_up_totp

pytestmark = pytest.mark.browser


def test_manager_sets_up_totp_signs_in_and_logs_out(page, portal, manager):
    enter_password(page, portal.url, manager)
    assert page.locator("#kc-totp-settings-form").count(), "a manager sets up an authenticator app first"
    set_up_totp(page, manager, device="Telefoon van Marco", manual_key=True)

    page.wait_for_url(f"{portal.url}/dashboard")
    assert manager.email in page.inner_text("#signed-in-as")
    assert "Leidinggevende" in page.inner_text("#roles")
    assert len(portal.admin.get_sessions(manager.user_id)) == 1

    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")
    assert portal.admin.get_sessions(manager.user_id) == []

    # the Keycloak session is really gone: signing in again asks for the password, then a TOTP code
    page.goto(f"{portal.url}/dashboard")
    page.wait_for_selector("#username")
    login(page, portal.url, manager)
    page.wait_for_url(f"{portal.url}/dashboard")
