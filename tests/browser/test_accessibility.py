"""axe-core finds no serious or critical violations on the pages people use to sign in."""

import pytest

from tests.support import enter_password, serious_accessibility_violations, set_up_totp

pytestmark = pytest.mark.browser


def test_login_totp_setup_and_dashboard_pages(page, portal, manager):
    page.goto(f"{portal.url}/auth/login")
    assert serious_accessibility_violations(page) == [], "login page"
    enter_password(page, portal.url, manager)
    page.wait_for_selector("#kc-totp-settings-form")
    assert serious_accessibility_violations(page) == [], "TOTP setup page"
    set_up_totp(page, manager)
    page.wait_for_url(f"{portal.url}/dashboard")
    assert serious_accessibility_violations(page) == [], "dashboard"


def test_forgot_password_page(page, portal):
    page.goto(f"{portal.url}/auth/login")
    page.click("text=Wachtwoord vergeten?")
    page.wait_for_selector("#kc-reset-password-form, #kc-form-login, form")
    assert serious_accessibility_violations(page) == []


def test_dashboard_with_data_dossier_and_update_password_pages(browser, page, portal, real_world):
    from tests.portal_fixtures import sign_in_browser

    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["manager-a"])
    page.goto(f"{portal.url}/dashboard")
    assert "Verzuim bij" in page.inner_text("main")
    assert serious_accessibility_violations(page) == [], "manager dashboard with cases and chart"

    employee = browser.new_context(locale="nl-NL").new_page()
    sign_in_browser(employee, portal.url, accounts["employee-a1"])
    employee.goto(f"{portal.url}/dossier")
    assert serious_accessibility_violations(employee) == [], "dossier"
    employee.goto(f"{portal.url}/settings")
    assert serious_accessibility_violations(employee) == [], "Mijn instellingen"
    with employee.expect_navigation():
        employee.click("#change-password")
    employee.wait_for_selector("#password-new")
    assert serious_accessibility_violations(employee) == [], "update-password page"
