"""Journey 6 of the employee manual: Mijn instellingen → reset → set up the second factor again;
the new method works and the old code no longer does."""

import pyotp
import pytest

from tests.support import Account, enter_password, login, set_up_totp, submit

pytestmark = pytest.mark.browser


def reauthenticate(page, account: Account, old_code: str) -> None:
    """Keycloak asks the password and the current second factor again before the method changes."""
    page.wait_for_selector("#password")
    if page.locator("#username").count() and page.locator("#username").is_editable():
        page.fill("#username", account.email)
    page.fill("#password", account.password)
    submit(page, "#kc-login")
    page.fill("#otp", old_code)
    submit(page, "#kc-login")


def test_reset_from_my_settings_replaces_the_authenticator(page, portal, manager, screenshot):
    login(page, portal.url, manager)
    page.goto(f"{portal.url}/settings")
    screenshot("my-settings")
    old_secret = manager.totp_secret

    # Keycloak counts the age of the sign-in in whole seconds: within the same second as signing in
    # it would not ask again (max_auth_age 0). A person is never that quick; the test waits like one.
    page.wait_for_timeout(1200)
    with page.expect_navigation():
        page.click("#reset-method")
    reauthenticate(page, manager, manager.fresh_code())
    assert "Mobiele authenticator instellen" in page.inner_text("h1")
    screenshot("set-up-again")
    set_up_totp(page, manager, device="Nieuwe telefoon")
    page.wait_for_url(f"{portal.url}/settings")
    assert manager.totp_secret != old_secret
    assert "Nieuwe telefoon" in page.inner_text("#methods")
    otp = [c for c in portal.admin.get_credentials(manager.user_id) if c["type"] == "otp"]
    assert [c["userLabel"] for c in otp] == ["Nieuwe telefoon"]  # the old authenticator is gone

    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")
    enter_password(page, portal.url, manager)
    page.fill("#otp", pyotp.TOTP(old_secret).now())
    submit(page, "#kc-login")
    assert "De code is niet juist" in page.inner_text(".kc-feedback-text"), "the old code no longer works"
    page.fill("#otp", manager.fresh_code())
    submit(page, "#kc-login")
    page.wait_for_url(f"{portal.url}/dashboard")
