"""Lost phone, way (a): recovery codes (issue 12.3). A manager must keep recovery codes right after
setting up the authenticator app; later, without the phone, "Telefoon kwijt? Gebruik een herstelcode"
on the app-code page signs them in with one code, and that code does not work a second time."""

import pytest

from tests.support import enter_password, login, set_up_totp, submit

pytestmark = pytest.mark.browser


def _credential_types(portal, account):
    return sorted(c["type"] for c in portal.admin.get_credentials(account.user_id))


def test_manager_keeps_recovery_codes_and_signs_in_with_one(page, portal, manager, screenshot):
    enter_password(page, portal.url, manager)
    set_up_totp(page, manager)
    # set_up_totp saved the codes from Keycloak's page: it is not optional for a manager
    assert manager.recovery_codes and len(manager.recovery_codes) >= 10
    page.wait_for_url(f"{portal.url}/dashboard")
    assert _credential_types(portal, manager) == ["otp", "password", "recovery-authn-codes"]
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")

    # the phone is gone: the app-code page offers the recovery code
    enter_password(page, portal.url, manager)
    assert page.locator("#otp").count()
    link = page.locator("#arbo-use-recovery-code")
    assert link.inner_text().strip() == "Telefoon kwijt? Gebruik een herstelcode"
    screenshot("otp-page-with-recovery-link")
    submit(page, "#arbo-use-recovery-code")
    assert page.locator("#recoveryCodeInput").count()
    screenshot("recovery-code-form")
    # Keycloak asks for one particular code of the list ("Herstelcode #3")
    prompt = page.inner_text("label[for=recoveryCodeInput]")
    number = int(prompt.rsplit("#", 1)[1].strip())
    used = manager.recovery_codes[number - 1]
    page.fill("#recoveryCodeInput", used)
    submit(page, "#kc-login")
    page.wait_for_url(f"{portal.url}/dashboard")
    screenshot("signed-in-with-recovery-code")
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")

    # each code works once: the next sign-in asks for another one, the used one is refused
    enter_password(page, portal.url, manager)
    submit(page, "#arbo-use-recovery-code")
    prompt = page.inner_text("label[for=recoveryCodeInput]")
    assert int(prompt.rsplit("#", 1)[1].strip()) != number
    page.fill("#recoveryCodeInput", used)
    submit(page, "#kc-login")
    assert page.locator("#recoveryCodeInput").count(), "a used recovery code does not sign in"
    assert not page.url.startswith(portal.url)


def test_manager_without_codes_sees_no_recovery_link_and_must_make_codes(page, portal, manager):
    """A manager whose app predates recovery codes: no link that leads nowhere, and codes are made now."""
    login(page, portal.url, manager)
    page.wait_for_url(f"{portal.url}/dashboard")
    for credential in portal.admin.get_credentials(manager.user_id):
        if credential["type"] == "recovery-authn-codes":
            portal.admin.delete_credential(manager.user_id, credential["id"])  # as for an older account
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")
    enter_password(page, portal.url, manager)
    assert page.locator("#otp").count()
    assert page.locator("#arbo-use-recovery-code").count() == 0
    # a manager without codes (set up before they existed) is asked to make them now
    page.fill("#otp", manager.fresh_code())
    submit(page, "#kc-login")
    assert page.locator("#kc-recovery-codes-list").count(), "recovery codes are required for a manager"


def test_manager_without_the_phone_resets_the_password_with_a_recovery_code(page, portal, manager, mail_sink, screenshot):
    """Forgot password and lost the phone: the second factor asked before the new password is set
    accepts a recovery code too (realm-export.json, "arbo reset 2FA")."""
    from tests.browser.test_journey_forgot_password import request_reset, reset_link

    enter_password(page, portal.url, manager)
    set_up_totp(page, manager)
    page.wait_for_url(f"{portal.url}/dashboard")
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")

    request_reset(page, portal, manager.email)
    page.goto(reset_link(mail_sink.wait_for(manager.email, "Wachtwoord wijzigen")))
    assert page.locator("#otp").count()  # the app code is asked first; the phone is gone
    screenshot("reset-asks-app-code")
    submit(page, "#arbo-use-recovery-code")
    prompt = page.inner_text("label[for=recoveryCodeInput]")
    page.fill("#recoveryCodeInput", manager.recovery_codes[int(prompt.rsplit("#", 1)[1].strip()) - 1])
    screenshot("reset-recovery-code")
    submit(page, "#kc-login")
    assert "Wachtwoord bijwerken" in page.inner_text("h1")
    manager.password = "Nieuw-Wachtwoord-Herstel-2026!"
    page.fill("#password-new", manager.password)
    page.fill("#password-confirm", manager.password)
    submit(page, "input[type=submit], button[type=submit]")
    page.wait_for_url(f"{portal.url}/dashboard")
    screenshot("signed-in-after-reset")
