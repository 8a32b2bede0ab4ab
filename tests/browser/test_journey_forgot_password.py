"""Journey 3 of the employer manual: "Wachtwoord vergeten?" → e-mail → link → new password."""

import time

import pytest

from tests.support import enter_password, login, submit

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Nieuw-Wachtwoord-2026!"


def request_reset(page, portal, email, screenshot=lambda step: None):
    page.goto(f"{portal.url}/auth/login")
    page.click("text=Wachtwoord vergeten?")
    page.fill("#email", email)
    screenshot("forgot-password")
    submit(page, "#kc-arbo-reset-submit")
    screenshot("reset-requested")


def reset_link(message) -> str:
    return next(link for link in message["links"] if "/login-actions/action-token" in link)


def test_forgot_password_signs_out_other_devices_and_keeps_2fa(browser, page, portal, manager, mail_sink, screenshot):
    other_device = browser.new_context(locale="nl-NL").new_page()
    login(other_device, portal.url, manager)
    other_device.wait_for_url(f"{portal.url}/dashboard")

    request_reset(page, portal, manager.email, screenshot)
    message = mail_sink.wait_for(manager.email, "Wachtwoord wijzigen")
    assert "maximaal 15 minuten" in message["text"] and "null" not in message["text"] + message["html"]
    link = reset_link(message)

    page.goto(link)
    page.fill("#otp", manager.fresh_code())  # the second factor is asked before a new password is set
    submit(page, "#kc-login")
    assert "Wachtwoord bijwerken" in page.inner_text("h1")
    screenshot("new-password")
    page.fill("#password-new", NEW_PASSWORD)
    page.fill("#password-confirm", NEW_PASSWORD)
    page.check("#logout-sessions")  # "Uitloggen op andere apparaten"
    submit(page, "input[type=submit], button[type=submit]")
    page.wait_for_url(f"{portal.url}/dashboard")

    other_device.goto(f"{portal.url}/dashboard")
    other_device.wait_for_selector("#username")  # that device was signed out

    used = browser.new_context(locale="nl-NL").new_page()
    used.goto(link)
    assert "Deze link werkt niet meer" in used.inner_text("body")

    page.click("#logout")
    manager.password = NEW_PASSWORD
    enter_password(page, portal.url, manager)
    assert page.locator("#otp").count() == 1, "2FA is still asked after a reset"


def test_a_reset_link_older_than_its_lifespan_shows_a_clear_expired_page(page, portal_factory, mail_sink):
    portal = portal_factory(attributes={"actionTokenGeneratedByUserLifespan.reset-credentials": "2"})
    from app import keycloak as kc

    email = f"verlopen-{time.time_ns()}@example.nl"
    kc.users.ensure_user(portal.admin, email=email, first_name="Vera", last_name="Lopen", roles=[],
                         password="Een-Lang-Wachtwoord-1!")
    request_reset(page, portal, email)
    link = reset_link(mail_sink.wait_for(email, "Wachtwoord wijzigen"))
    time.sleep(3)
    page.goto(link)
    text = page.inner_text("body")
    assert "Deze link is verlopen of al gebruikt" in text
    assert "een nieuwe link aan" in text and "Wachtwoord vergeten?" in text  # says how to get a new one
