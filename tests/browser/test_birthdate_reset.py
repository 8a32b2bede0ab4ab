"""Issue 6, "Wachtwoord vergeten?" with e-mail address + birth date (arbo-reset-birthdate) against
the real Keycloak, the development mail/SMS sink and a real browser."""

import re
import time
import uuid

import pytest

from tests.sms_support import (BIRTH_DATE_TYPED, enrol_sms, enter_sms_code, new_employee, new_password,
                               sign_out, wait_for_sms)
from tests.support import enter_password, submit

pytestmark = pytest.mark.browser

SUBJECT = "Wachtwoord wijzigen"
EMAIL_SENT = "U ontvangt binnen enkele minuten een e-mail"


def request_reset(page, portal, email: str, birth_date: str) -> str:
    """From Keycloak's sign-in page: "Wachtwoord vergeten?", the form, submit; the visible answer."""
    page.goto(f"{portal.url}/auth/login")
    submit(page, "text=Wachtwoord vergeten?")
    page.wait_for_selector("#kc-arbo-reset-form")
    page.fill("#email", email)
    page.fill("#birthDate", birth_date)
    submit(page, "#kc-arbo-reset-submit")
    return page.inner_text("body")


def normalised(text: str, email: str) -> str:
    return re.sub(r"\s+", " ", text.replace(email, "<e-mail>")).strip()


def reset_link(message: dict) -> str:
    return next(link for link in message["links"] if "/login-actions/action-token" in link)


def mails_to(mail_sink, email: str) -> list[dict]:
    return [m for m in mail_sink.messages_to(email) if SUBJECT in m["subject"]]


def test_right_birth_date_sends_one_link_that_asks_the_second_factor_then_a_new_password(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)

    assert EMAIL_SENT in request_reset(page, portal, employee.email, BIRTH_DATE_TYPED)
    message = mail_sink.wait_for(employee.email, SUBJECT)
    assert "15 minuten" in message["text"]
    link = reset_link(message)
    time.sleep(1)
    assert len(mails_to(mail_sink, employee.email)) == 1

    page.goto(link)
    page.wait_for_selector("#kc-arbo-sms-login-form")  # the second factor before the new password
    assert not page.locator("#password-new").count()
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, 2))
    employee.password = new_password()
    page.fill("#password-new", employee.password)
    page.fill("#password-confirm", employee.password)
    submit(page, "input[type=submit], button[type=submit]")
    page.wait_for_url(f"{portal.url}/dashboard")
    sign_out(page, portal)

    enter_password(page, portal.url, employee)  # the new password works, and 2FA is still asked
    assert page.locator("#kc-arbo-sms-login-form").count() == 1 and not page.url.startswith(portal.url)


def test_wrong_date_empty_date_and_unknown_email_get_the_same_answer_and_no_mail(browser, portal, mail_sink):
    employee = new_employee(portal)
    unknown = f"onbekend-{uuid.uuid4().hex[:8]}@example.nl"

    def answer(email: str, birth_date: str) -> str:
        context = browser.new_context(locale="nl-NL")  # a fresh visitor each time
        try:
            page = context.new_page()
            return normalised(request_reset(page, portal, email, birth_date), email)
        finally:
            context.close()

    right = answer(employee.email, BIRTH_DATE_TYPED)
    assert EMAIL_SENT in right
    mail_sink.wait_for(employee.email, SUBJECT)
    assert answer(employee.email, "08-03-1980") == right
    assert answer(employee.email, "") == right, "an employee's birth date cannot be left out"
    assert answer(unknown, BIRTH_DATE_TYPED) == right
    time.sleep(1)
    assert len(mails_to(mail_sink, employee.email)) == 1 and mails_to(mail_sink, unknown) == []


def test_manager_without_birth_date_resets_with_the_email_alone(page, portal, manager, mail_sink):
    request_reset(page, portal, manager.email, "")
    assert "/login-actions/action-token" in reset_link(mail_sink.wait_for(manager.email, SUBJECT))


@pytest.fixture
def strict_portal(portal_factory):
    """A realm locking an account after 2 failures (instead of 5), without the quick-login rule, so
    only the failure count decides."""
    return portal_factory(failureFactor=2, quickLoginCheckMilliSeconds=1)


def test_wrong_dates_up_to_the_realm_failure_limit_lock_the_reset(browser, strict_portal, mail_sink):
    portal = strict_portal
    employee = new_employee(portal)

    def answer(birth_date: str) -> str:
        context = browser.new_context(locale="nl-NL")
        try:
            return normalised(request_reset(context.new_page(), portal, employee.email, birth_date), employee.email)
        finally:
            context.close()

    wrong = answer("01-01-1990")
    assert EMAIL_SENT in wrong
    assert answer("02-01-1990") == wrong
    status = portal.admin.connection.raw_get(
        f"admin/realms/{portal.realm}/attack-detection/brute-force/users/{employee.user_id}").json()
    assert status["numFailures"] == 2 and status["disabled"] is True, status

    assert answer(BIRTH_DATE_TYPED) == wrong, "a locked account gets the same answer"
    time.sleep(1)
    assert mails_to(mail_sink, employee.email) == [], "no link while the account is locked, even with the right date"


def test_too_many_attempts_in_one_session_are_refused(page, portal, mail_sink):
    employee = new_employee(portal)
    request_reset(page, portal, f"onbekend-{uuid.uuid4().hex[:8]}@example.nl", BIRTH_DATE_TYPED)
    for _ in range(4):  # 5 failures in this session (unknown addresses: no account is locked)
        again(page, f"onbekend-{uuid.uuid4().hex[:8]}@example.nl", BIRTH_DATE_TYPED)
        assert "Te veel pogingen" not in page.inner_text("body")

    again(page, employee.email, BIRTH_DATE_TYPED)
    assert "Te veel pogingen" in page.inner_text("body")
    time.sleep(1)
    assert mails_to(mail_sink, employee.email) == [], "no link after the session's limit, even with the right date"


def again(page, email: str, birth_date: str) -> None:
    """Another try in the same browser session: the answer page links back to "Wachtwoord vergeten?"."""
    submit(page, "text=Wachtwoord vergeten?")
    page.fill("#email", email)
    page.fill("#birthDate", birth_date)
    submit(page, "#kc-arbo-reset-submit")
