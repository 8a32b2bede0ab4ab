"""Lost phone, way (b): arbodienst staff reset a manager's second factor after checking identity
(issue 12.3). The manager then signs in with the password only as far as setting up a new app:
the old app and the old recovery codes no longer work."""

import pytest

from tests.portal_fixtures import provision_real_world, sign_in_browser
from tests.support import enter_password, set_up_totp, submit

pytestmark = pytest.mark.browser


def test_staff_resets_a_managers_second_factor_and_the_manager_sets_up_a_new_one(browser, page, portal, mail_sink,
                                                                                   screenshot):
    world, accounts = provision_real_world(portal, only=("staff-b", "manager-b"))
    manager, staff = accounts["manager-b"], accounts["staff-b"]
    sign_in_browser(page, portal.url, manager)  # the manager's first sign-in: app and recovery codes
    old_secret, old_codes = manager.totp_secret, manager.recovery_codes
    assert old_secret and old_codes
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")

    staff_context = browser.new_context(locale="nl-NL")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15000)
    try:
        sign_in_browser(staff_page, portal.url, staff)
        staff_page.click("#nav-account-help")
        staff_page.click(f"a[data-email='{manager.email}']")
        assert "Authenticator-app" in staff_page.inner_text("#status-second-factors")
        submit(staff_page, "#reset-second-factor-button")  # without the identity check: refused
        assert staff_page.locator("#identity_checked-error").count()
        staff_page.check("#identity_checked")
        staff_page.select_option("#how", "callback")
        staff_page.select_option("#reason", "phone-lost")
        submit(staff_page, "#reset-second-factor-button")
        assert "Nog niet ingesteld" in staff_page.inner_text("#status-second-factors")
        staff_page.screenshot(path="test-artifacts/account-help-after-reset.png", full_page=True)
    finally:
        staff_context.close()

    assert mail_sink.wait_for(manager.email, "tweede inlogstap is opnieuw ingesteld")
    enter_password(page, portal.url, manager)
    # no code is asked (there is none); a new app must be set up before anything else
    assert page.locator("#kc-totp-settings-form").count(), "a new second factor is set up at once"
    assert page.locator("#otp").count() == 0 and page.locator("#arbo-use-recovery-code").count() == 0
    screenshot("set-up-new-app")
    set_up_totp(page, manager, device="Nieuwe telefoon")
    page.wait_for_url(f"{portal.url}/dashboard")
    assert manager.totp_secret != old_secret
    assert manager.recovery_codes and manager.recovery_codes != old_codes  # new codes, the old list is void
    types = sorted(c["type"] for c in portal.admin.get_credentials(manager.user_id))
    assert types == ["otp", "password", "recovery-authn-codes"]
