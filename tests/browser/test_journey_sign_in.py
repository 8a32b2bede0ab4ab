"""Journey 2 of the employer manual: e-mail + password, then the authenticator code."""

import time

import pyotp
import pytest

from tests.support import enter_password, login, submit

pytestmark = pytest.mark.browser


def sign_out(page, portal):
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")


def password_step(page, portal, account):
    enter_password(page, portal.url, account)
    page.wait_for_selector("#otp")


def test_wrong_code_is_refused_and_a_code_cannot_be_used_twice(page, portal, manager, screenshot):
    login(page, portal.url, manager)  # first sign-in: sets up the authenticator
    page.wait_for_url(f"{portal.url}/dashboard")
    sign_out(page, portal)

    password_step(page, portal, manager)
    screenshot("code-asked")
    page.fill("#otp", "000000" if pyotp.TOTP(manager.totp_secret).now() != "000000" else "111111")
    submit(page, "#kc-login")
    assert "De code is niet juist" in page.inner_text(".kc-feedback-text")
    screenshot("wrong-code")

    if 30 - time.time() % 30 < 20:  # leave room to reuse this code within its own 30-second step
        time.sleep(30 - time.time() % 30 + 0.5)
    code = manager.fresh_code()
    page.fill("#otp", code)
    submit(page, "#kc-login")
    page.wait_for_url(f"{portal.url}/dashboard")
    sign_out(page, portal)

    password_step(page, portal, manager)
    page.fill("#otp", code)  # the code just used, still inside its own time step
    submit(page, "#kc-login")
    assert "De code is niet juist" in page.inner_text(".kc-feedback-text"), "a used code must be refused"
    page.fill("#otp", manager.fresh_code())
    submit(page, "#kc-login")
    page.wait_for_url(f"{portal.url}/dashboard")
