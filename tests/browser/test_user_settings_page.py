"""Mijn instellingen against the real Keycloak: the sign-in methods read through the provisioning client,
a reset through an application-initiated action, and signing out the other devices."""

import pytest

from tests.portal_fixtures import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_settings_lists_methods_and_signs_out_other_devices(browser, page, portal, real_world):
    world, accounts = real_world
    employee = accounts["employee-a1"]
    sign_in_browser(page, portal.url, employee)
    page.goto(f"{portal.url}/settings")
    assert "Authenticator-app (Telefoon)" in page.inner_text("#methods")

    other = browser.new_context(locale="nl-NL")  # a second device
    other_page = other.new_page()
    other_page.set_default_timeout(15000)
    try:
        sign_in_browser(other_page, portal.url, employee)
        assert len(portal.admin.get_sessions(employee.user_id)) == 2
        with page.expect_navigation():
            page.click("#sign-out-others")
        assert "U bent uitgelogd op 1 ander apparaat." in page.inner_text("main")
        assert len(portal.admin.get_sessions(employee.user_id)) == 1
        other_page.goto(f"{portal.url}/dossier")
        other_page.wait_for_selector("#username")  # the other device must sign in again
        page.goto(f"{portal.url}/dossier")
        assert page.inner_text("#employee-name") == "Anna A1"  # this one stays signed in
    finally:
        other.close()

    page.goto(f"{portal.url}/settings")
    with page.expect_navigation():
        page.click("#change-password")
    page.wait_for_selector("#password-new")  # Keycloak's own update-password page (kc_action)
