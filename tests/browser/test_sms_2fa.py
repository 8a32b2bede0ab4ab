"""Issue 6, the SMS code as second factor (arbo-auth extension) against the real Keycloak, the
development SMS sink and a real browser: first-login choice, sign-in, wrong and expired codes,
the resend limit, and switching SMS -> authenticator app -> SMS from the portal."""

import re
import time

import pyotp
import pytest

from tests.sms_support import (configure_sms_step, enrol_sms, enter_sms_code, feedback, new_employee,
                               second_factor_types, sign_out, wait_for_sms, wrong_code)
from tests.support import enter_password, set_up_totp, submit

pytestmark = pytest.mark.browser


def test_first_login_choose_sms_code_from_the_dossier_number(page, portal, mail_sink):
    employee = new_employee(portal)
    enter_password(page, portal.url, employee)
    page.check("#method-sms")
    submit(page, "#kc-arbo-choose-submit")

    shown = page.inner_text("#arbo-sms-phone")
    assert "****" in shown and employee.mobile not in shown.replace(" ", "")
    assert re.sub(r"\D", "", shown) == "316" + employee.mobile[-4:], f"only the last 4 digits are shown: {shown!r}"
    assert mail_sink.sms_to(employee.mobile) == [], "nothing is sent before 'Stuur SMS'"

    submit(page, "#kc-arbo-sms-send")
    texts = mail_sink.sms_to(employee.mobile)
    assert len(texts) == 1
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, 1))

    page.wait_for_url(f"{portal.url}/dossier")
    assert page.inner_text(".who") == "Eva de Vries"  # signed in as the new employee
    assert second_factor_types(portal, employee) == ["arbo-sms"]


def test_next_sign_in_refuses_a_wrong_sms_code_and_accepts_the_right_one(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)

    enter_password(page, portal.url, employee)
    assert page.locator("#kc-arbo-sms-login-form").count() and not page.locator("#otp").count()
    submit(page, "#kc-arbo-sms-send")
    code = wait_for_sms(mail_sink, employee.mobile, 2)

    enter_sms_code(page, wrong_code(code))
    assert "De code is niet juist. U kunt het nog 2 keer proberen." in feedback(page)
    assert not page.url.startswith(portal.url)

    enter_sms_code(page, code)
    page.wait_for_url(f"{portal.url}/dossier")


def test_three_wrong_sms_codes_void_the_code(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)

    enter_password(page, portal.url, employee)
    submit(page, "#kc-arbo-sms-send")
    code = wait_for_sms(mail_sink, employee.mobile, 2)
    for _ in range(3):
        enter_sms_code(page, wrong_code(code))
    assert "te vaak fout ingevoerd" in feedback(page)
    enter_sms_code(page, code)  # the right code, but too late
    assert not page.url.startswith(portal.url) and "Stuur SMS" in feedback(page)

    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, 3))
    page.wait_for_url(f"{portal.url}/dossier")


def test_an_expired_sms_code_is_refused(page, portal, mail_sink):
    configure_sms_step(portal, "arbo browser", {"code-ttl-seconds": "2"})
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)  # setup uses the gateway default TTL (5 minutes)
    sign_out(page, portal)

    enter_password(page, portal.url, employee)
    submit(page, "#kc-arbo-sms-send")
    code = wait_for_sms(mail_sink, employee.mobile, 2)
    time.sleep(3)
    enter_sms_code(page, code)

    assert "De code is verlopen" in feedback(page)
    assert page.locator("#kc-arbo-sms-login-form").count() and not page.url.startswith(portal.url)


def test_a_malformed_sms_limit_in_the_realm_falls_back_to_the_defaults(page, portal, mail_sink):
    configure_sms_step(portal, "arbo browser", {"code-ttl-seconds": "vijf minuten"})  # Keycloak stores it unchecked
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)

    enter_password(page, portal.url, employee)
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, 2))
    page.wait_for_url(f"{portal.url}/dossier")


def test_resend_limit_disables_the_button_and_sends_nothing_more(page, portal, mail_sink):
    configure_sms_step(portal, "arbo browser", {"max-resends": "2"})
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)
    sign_out(page, portal)
    enrolment_texts = len(mail_sink.sms_to(employee.mobile))

    enter_password(page, portal.url, employee)
    for sent in range(1, 4):  # the first SMS and two resends
        assert page.is_enabled("#kc-arbo-sms-send")
        submit(page, "#kc-arbo-sms-send")
        wait_for_sms(mail_sink, employee.mobile, enrolment_texts + sent)
    assert page.is_disabled("#kc-arbo-sms-send"), "after the allowed resends the button is disabled"

    # a request forced past the disabled button is refused by the server, not just by the page
    page.eval_on_selector("#kc-arbo-sms-send", "b => b.disabled = false")
    submit(page, "#kc-arbo-sms-send")
    assert "maximale aantal SMS-berichten" in feedback(page)
    time.sleep(1)
    assert len(mail_sink.sms_to(employee.mobile)) == enrolment_texts + 3

    # the last code still signs in
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, enrolment_texts + 3))
    page.wait_for_url(f"{portal.url}/dossier")


def test_the_hourly_sms_cap_per_user_holds_across_sign_in_attempts(browser, portal, mail_sink):
    """Issue 10 item 5: the per-session resend limit alone lets anyone with the password start new
    sign-ins and have texts sent without end. A cap per user per rolling hour holds across fresh
    browsers; it counts per user, so a colleague still gets a code."""
    configure_sms_step(portal, "arbo browser", {"max-codes-per-hour": "3"})
    employee, colleague = new_employee(portal), new_employee(portal)

    def fresh_page():
        return browser.new_context(locale="nl-NL").new_page()

    for person in (employee, colleague):  # the set-up SMS counts towards the same cap
        page = fresh_page()
        enrol_sms(page, portal, person, mail_sink)
        page.context.close()

    for sent in (2, 3):  # two new sign-in attempts, one SMS each: 3 this hour
        page = fresh_page()
        enter_password(page, portal.url, employee)
        assert page.is_enabled("#kc-arbo-sms-send")
        submit(page, "#kc-arbo-sms-send")
        wait_for_sms(mail_sink, employee.mobile, sent)
        page.context.close()

    page = fresh_page()  # the fourth sign-in attempt: nothing more is sent
    enter_password(page, portal.url, employee)
    assert "maximale aantal SMS-codes" in feedback(page)
    assert page.is_disabled("#kc-arbo-sms-send")
    page.eval_on_selector("#kc-arbo-sms-send", "b => b.disabled = false")
    submit(page, "#kc-arbo-sms-send")
    assert "maximale aantal SMS-codes" in feedback(page), "a request forced past the button is refused by the server"
    time.sleep(1)
    assert len(mail_sink.sms_to(employee.mobile)) == 3
    page.context.close()

    page = fresh_page()  # the colleague has used 1 of 3: still gets a code and signs in
    enter_password(page, portal.url, colleague)
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, colleague.mobile, 2))
    page.wait_for_url(f"{portal.url}/dossier")
    page.context.close()


def start_method_switch(page, portal, account) -> None:
    """Mijn instellingen -> change the second factor: the app forwards kc_action; Keycloak asks the
    password again (max_auth_age 0), the current second factor comes next."""
    time.sleep(1.2)  # max_auth_age 0 counts whole seconds: a sign-in in this very second would still count
    page.goto(f"{portal.url}/auth/login?kc_action=arbo-choose-2fa")
    if page.locator("#username").count():
        page.fill("#username", account.email)
    page.fill("#password", account.password)
    submit(page, "#kc-login")


def test_switch_from_sms_to_app_and_back(page, portal, mail_sink):
    employee = new_employee(portal)
    enrol_sms(page, portal, employee, mail_sink)

    # SMS -> app: re-authentication with password and SMS code, then the choice, then Keycloak's TOTP page
    start_method_switch(page, portal, employee)
    page.wait_for_selector("#kc-arbo-sms-login-form")
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, 2))
    assert "SMS" in page.inner_text("#arbo-current-method")
    page.check("#method-app")
    submit(page, "#kc-arbo-choose-submit")
    assert page.locator("#kc-totp-settings-form").count(), "choosing the app opens Keycloak's TOTP setup"
    set_up_totp(page, employee)
    page.wait_for_url(f"{portal.url}/**")
    assert "/auth/" not in page.url and page.locator("#logout").count(), page.url
    assert second_factor_types(portal, employee) == ["otp"], "the SMS credential is gone"

    # a sign-in elsewhere now asks for the app's code and offers no SMS (checked in a second browser,
    # so this one keeps its session and the next app code is only needed once, for the switch back)
    elsewhere = page.context.browser.new_context(locale="nl-NL").new_page()
    enter_password(elsewhere, portal.url, employee)
    assert elsewhere.locator("#otp").count() == 1
    assert not elsewhere.locator("#kc-arbo-sms-login-form").count() and not elsewhere.locator("#try-another-way").count()
    elsewhere.context.close()
    sms_before = len(mail_sink.sms_to(employee.mobile))

    # app -> SMS: re-authentication with password and app code, then the dossier number is confirmed
    start_method_switch(page, portal, employee)
    page.fill("#otp", employee.fresh_code())
    submit(page, "#kc-login")
    page.check("#method-sms")
    submit(page, "#kc-arbo-choose-submit")
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, sms_before + 1))
    page.wait_for_url(f"{portal.url}/**")
    assert "/auth/" not in page.url and page.locator("#logout").count(), page.url
    assert second_factor_types(portal, employee) == ["arbo-sms"], "the app credential is gone"

    sign_out(page, portal)
    enter_password(page, portal.url, employee)
    assert not page.locator("#otp").count() and page.locator("#kc-arbo-sms-login-form").count()
    submit(page, "#kc-arbo-sms-send")
    code = wait_for_sms(mail_sink, employee.mobile, sms_before + 2)
    app_code = pyotp.TOTP(employee.totp_secret).now()
    enter_sms_code(page, app_code if app_code != code else wrong_code(code))  # the old app's code
    assert "De code is niet juist" in feedback(page)
    enter_sms_code(page, code)
    page.wait_for_url(f"{portal.url}/dossier")
