"""Activation end to end (issue 12): an employee read in by the HR import gets the welcome mail; its
link sets a password, the employee chooses SMS (the code from the sink) and sees their own dossier
with the imported data. A physician invited with `invite --role physician` gets the same mail but
must set up the authenticator app (no choice), like a manager, and sees the dossiers of the
employer they serve."""

from __future__ import annotations

import uuid

import pytest

from scripts import provision
from tests.sms_support import enter_sms_code, new_password, unique_mobile, wait_for_sms
from tests.support import Account, set_up_totp, submit

pytestmark = pytest.mark.browser

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile,personnel_number,department,start_date,end_date\n"


def activate(page, portal, mail_sink, account: Account, mobile: str | None, screenshot) -> list[str]:
    """From the welcome mail's link through Keycloak's pages, in whatever order it shows them, until
    signed in to the portal; returns the steps taken. SMS when offered a choice (and a mobile)."""
    email, password = account.email, account.password
    welcome = mail_sink.wait_for(email, "Welkom")
    page.goto(next(link for link in welcome["links"] if "/login-actions/action-token" in link))
    screenshot("welcome-link")
    page.click("text=Klik hier om verder te gaan")  # Keycloak: "Voer de volgende stappen uit: Wachtwoord bijwerken"
    steps = []
    for _ in range(12):  # Keycloak's pages in whatever order it shows them, until signed in to the portal
        page.wait_for_load_state()
        if page.url.startswith(portal.url):
            if page.locator("#logout").count():
                break
            steps.append("portal")
            page.goto(f"{portal.url}/auth/login")
            continue
        if page.locator("#kc-arbo-choose-2fa-form").count():
            steps.append("choose")
            page.check("#method-sms")  # an employee chooses: SMS or an app
            submit(page, "#kc-arbo-choose-submit")
        elif page.locator("#kc-arbo-sms-send").count():
            steps.append("sms")
            before = len(mail_sink.sms_to(mobile))
            submit(page, "#kc-arbo-sms-send")
            enter_sms_code(page, wait_for_sms(mail_sink, mobile, before + 1))
        elif page.locator("#totpSecret").count() and page.locator("#saveTOTPBtn").count():
            steps.append("totp-setup")
            screenshot("totp-setup")
            set_up_totp(page, account, device="Telefoon")
        elif page.locator("#otp").count():
            steps.append("totp")
            page.fill("#otp", account.fresh_code())
            submit(page, "#kc-login")
        elif page.locator("#password-new").count():
            steps.append("password")
            screenshot("choose-password")
            page.fill("#password-new", password)
            page.fill("#password-confirm", password)
            submit(page, "input[type=submit], button[type=submit]")
        elif page.locator("#username").count():  # back at the sign-in page: sign in with the new password
            steps.append("sign-in")
            page.fill("#username", email)
            page.fill("#password", password)
            submit(page, "#kc-login")
        elif page.get_by_text("Terugkeren naar applicatie").count():  # "Account bijgewerkt"
            steps.append("back")
            page.get_by_text("Terugkeren naar applicatie").click()
        else:
            screenshot("unexpected")
            raise AssertionError(f"unexpected page {page.url} after {steps}")
    assert page.locator("#logout").count(), (page.url, steps)
    return steps


def test_imported_employee_activates_and_sees_their_dossier(page, portal, mail_sink, tmp_path, monkeypatch,
                                                           screenshot):
    monkeypatch.setenv("DATABASE_URL", portal.settings.database_url)  # the CLI fills the portal under test
    email, mobile = f"anna-{uuid.uuid4().hex[:6]}@deboer.nl", unique_mobile()
    assert provision.main(["--realm", portal.realm, "employer", "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0
    hr = tmp_path / "personeel.csv"
    hr.write_text(HEADER + f"{email},Anna,de Vries,Bakkerij De Boer,employee,1985-03-14,{mobile},P-001,Bakkerij,"
                           "2020-01-01,\n", encoding="utf-8")
    assert provision.main(["--realm", portal.realm, "import", str(hr)]) == 0

    steps = activate(page, portal, mail_sink, Account(email=email, password=new_password(), user_id=""), mobile,
                     screenshot)
    assert {"choose", "sms", "password"} <= set(steps), steps
    page.goto(f"{portal.url}/dossier")
    screenshot("own-dossier")
    assert page.locator("#no-dossier").count() == 0
    assert page.inner_text("#employee-name") == "Anna de Vries"
    assert "14 maart 1985" in page.inner_text("#employee-birth-date")


def test_invited_physician_sets_up_the_app_without_a_choice_and_serves_the_employer(page, portal, mail_sink,
                                                                                   monkeypatch, screenshot):
    """`invite --role physician`: the invitation works like a manager's: password, then the authenticator
    app is mandatory (no SMS choice); signed in, the physician sees the dossiers of the employer served."""
    from app import keycloak as kc
    from app.extensions import db
    from app.models import Employee, Employer

    monkeypatch.setenv("DATABASE_URL", portal.settings.database_url)
    assert provision.main(["--realm", portal.realm, "employer", "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0
    org_id = kc.organizations.find_organization(portal.admin, "Bakkerij De Boer")["id"]
    with portal.app.app_context():  # one dossier at the employer served
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org_id))
        db.session.add(Employee(employer_id=employer.id, name="Anna de Vries", email="anna@deboer.nl"))
        db.session.commit()
        anna_id = db.session.scalar(db.select(Employee.id).where(Employee.email == "anna@deboer.nl"))
    email = f"arts-{uuid.uuid4().hex[:6]}@arbodienst.example"
    assert provision.main(["--realm", portal.realm, "invite", "--email", email, "--first-name", "Fenna", "--last-name",
                           "Arts", "--role", "physician", "--employer", "Bakkerij De Boer"]) == 0
    steps = activate(page, portal, mail_sink, Account(email=email, password=new_password(), user_id=""), None,
                     screenshot)
    assert "totp-setup" in steps and "choose" not in steps and "sms" not in steps, steps
    page.goto(f"{portal.url}/dossier/{anna_id}")
    screenshot("served-dossier")
    assert page.inner_text("#employee-name") == "Anna de Vries"
