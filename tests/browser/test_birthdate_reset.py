"""Issue 6, "Wachtwoord vergeten?" with e-mail address + birth date (arbo-reset-birthdate) against
the real Keycloak, the development mail/SMS sink and a real browser."""

import re
import time
import uuid

import pytest

from tests.sms_support import (BIRTH_DATE_TYPED, brute_force_status, configure_step, enrol_sms, enter_sms_code,
                               new_employee, new_password, sign_out, wait_for_sms)
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
    page.wait_for_url(f"{portal.url}/dossier")
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


def test_wrong_birth_dates_beyond_the_reset_limit_refuse_the_reset_but_never_lock_the_password_sign_in(
        browser, page, portal, mail_sink):
    """Issue 10 item 5: someone who only knows an employee's e-mail address types wrong birth dates
    (each in a fresh browser, so the per-session limit does not stop them). That is counted by the
    reset step itself, 5 per account per 24 hours (realm-export.json), not as failed sign-ins: the
    realm locks an account after 5 failed sign-ins, and it must not lock this one."""
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)

    def answer(birth_date: str) -> str:
        context = browser.new_context(locale="nl-NL")
        try:
            return normalised(request_reset(context.new_page(), portal, employee.email, birth_date), employee.email)
        finally:
            context.close()

    wrong = answer("01-01-1990")
    assert EMAIL_SENT in wrong
    for day in range(2, 7):  # 6 wrong dates in all: beyond both the reset limit (5) and the realm's failureFactor (5)
        assert answer(f"{day:02d}-01-1990") == wrong
    status = brute_force_status(portal, employee)
    assert status["numFailures"] == 0 and status["disabled"] is False, status

    assert answer(BIRTH_DATE_TYPED) == wrong, "beyond the limit even the right date gets the same neutral answer"
    time.sleep(1)
    assert mails_to(mail_sink, employee.email) == [], "and no link is sent"

    # the password sign-in with the second factor still works
    sms_before = len(mail_sink.sms_to(employee.mobile))
    enter_password(page, portal.url, employee)
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, sms_before + 1))
    page.wait_for_url(f"{portal.url}/dossier")


def test_the_reset_limit_is_per_account(browser, portal, mail_sink):
    configure_step(portal, "arbo reset credentials", "arbo-reset-birthdate", {"max-failures-per-user": "1"})
    target, colleague = new_employee(portal), new_employee(portal)

    def answer(email: str, birth_date: str) -> str:
        context = browser.new_context(locale="nl-NL")
        try:
            return normalised(request_reset(context.new_page(), portal, email, birth_date), email)
        finally:
            context.close()

    answer(target.email, "01-01-1990")
    assert EMAIL_SENT in answer(target.email, BIRTH_DATE_TYPED)
    assert EMAIL_SENT in answer(colleague.email, BIRTH_DATE_TYPED)
    mail_sink.wait_for(colleague.email, SUBJECT)  # the colleague's reset is not affected
    time.sleep(1)
    assert mails_to(mail_sink, target.email) == []


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
