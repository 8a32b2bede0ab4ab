"""The support contact on the SMS step of sign-in (theme arbo-support.ftl), in a real browser."""

import re

import pytest

from tests.sms_support import enrol_sms, new_employee, sign_out
from tests.support import enter_password

pytestmark = pytest.mark.browser


def test_sms_page_shows_the_support_contact_but_not_the_first_sign_in_line(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)
    enter_password(page, portal.url, employee)
    assert page.locator("#kc-arbo-sms-send").is_visible()
    assert page.locator("#arbo-support-email").inner_text() == "support@arbodienst.example"
    assert page.locator("#arbo-support-phone").inner_text() == "088 123 45 67"
    assert page.locator("#arbo-first-login").count() == 0


def test_sms_pages_say_how_long_the_code_is_valid_and_how_many_resends_are_left(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)
    enter_password(page, portal.url, employee)
    page.click("#kc-arbo-sms-send")  # the first code; a new one after it is a resend
    first = page.locator("#kc-info").inner_text()
    assert "minuten geldig" in first
    page.click("#kc-arbo-sms-send")
    second = page.locator("#kc-info").inner_text()
    assert resends_left(second) == resends_left(first) - 1, (first, second)


def resends_left(info: str) -> int:
    return int(re.search(r"nog (\d+) keer", info).group(1))
