"""The manager's dashboard in a real browser, after a real sign-in: overview, chart, filter, no medical data,
and no Content-Security-Policy violations (no inline scripts or styles)."""

import pytest

from tests.portal_fixtures import MEDICAL_DOCUMENT_TITLE, SECRETS_A, SECRETS_B, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_manager_dashboard_overview_chart_and_filter(page, portal, real_world):
    world, accounts = real_world
    csp_violations = []
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in_browser(page, portal.url, accounts["manager-a"])
    page.wait_for_url(f"{portal.url}/dashboard")

    assert page.locator("#absence-overview").is_visible()
    assert page.inner_text("#stat-absent") == "1"
    assert page.inner_text("#stat-long") == "1"
    assert page.locator("#absence-chart rect.bar").count() == 12
    assert page.locator("#absence-chart").bounding_box()["height"] > 100  # the stylesheet applied
    assert "Anna A1" in page.inner_text("#cases") and "Carla B1" not in page.content()

    page.fill("#filter-q", "bram")
    page.select_option("#filter-status", "all")
    with page.expect_navigation():
        page.click("#filter-submit")
    rows = page.inner_text("#cases")
    assert "Bram A2" in rows and "Anna A1" not in rows

    with page.expect_navigation():
        page.click("#cases a")  # Bram's case page: the manager's fields only
    assert page.locator("#manager-note").is_visible()
    for html in (page.content(),):
        assert not any(s in html for s in SECRETS_A + SECRETS_B + (MEDICAL_DOCUMENT_TITLE,))
    assert csp_violations == []


def test_english_switch_reaches_the_dashboard(page, portal, real_world):
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["manager-a"])
    page.wait_for_url(f"{portal.url}/dashboard")
    with page.expect_navigation():
        page.click("#switch-en")
    assert page.locator("h1").inner_text() == "Overview"
    assert "absent now" in page.inner_text("#absence-overview")
