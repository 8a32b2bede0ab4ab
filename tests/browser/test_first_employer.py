"""README "Eerste werkgever aansluiten", step by step, without demo data (issue 12): employer create
-> HR import -> invite the manager -> the manager's first sign-in (registration, authenticator app)
-> the absence overview of that employer counts and lists the imported employees by name."""

from __future__ import annotations

import uuid

import pytest

from scripts import provision
from tests.support import Account, set_up_totp, submit

pytestmark = pytest.mark.browser

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile,personnel_number,department,start_date,end_date\n"


def test_new_employer_import_and_the_new_managers_first_sign_in(page, portal, mail_sink, tmp_path, monkeypatch,
                                                                 screenshot):
    # the CLI writes to the same database the portal under test reads
    monkeypatch.setenv("DATABASE_URL", portal.settings.database_url)
    tag = uuid.uuid4().hex[:6]
    cli = ["--realm", portal.realm]
    assert provision.main([*cli, "employer", "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0

    hr = tmp_path / "personeel.csv"
    hr.write_text(HEADER
                  + f"anna-{tag}@deboer.nl,Anna,de Vries,Bakkerij De Boer,employee,1985-03-14,+31612345001,P-001,Bakkerij,2020-01-01,\n"
                  + f"bram-{tag}@deboer.nl,Bram,Jansen,Bakkerij De Boer,employee,1979-11-02,+31612345002,P-002,Winkel,2019-05-01,\n",
                  encoding="utf-8")
    assert provision.main([*cli, "import", str(hr), "--dry-run"]) == 0
    assert provision.main([*cli, "import", str(hr)]) == 0

    email = f"marieke-{tag}@deboer.nl"
    assert provision.main([*cli, "invite", "--email", email, "--first-name", "Marieke", "--last-name", "de Boer",
                           "--employer", "Bakkerij De Boer", "--role", "superuser", "--portal-url", portal.url]) == 0
    message = mail_sink.wait_for(email, "Belangrijk: maak nu uw account aan")
    page.goto(next(link for link in message["links"] if "/registrations?" in link))
    account = Account(email=email, password="Bakkerij-De-Boer-" + uuid.uuid4().hex[:8] + "1!", user_id="")
    page.fill("#firstName", "Marieke")
    page.fill("#lastName", "de Boer")
    page.fill("#password", account.password)
    page.fill("#password-confirm", account.password)
    submit(page, "#kc-register-form [type=submit]")
    assert "Mobiele authenticator instellen" in page.inner_text("h1")  # no choice: the app, as every manager
    set_up_totp(page, account, device="Telefoon van Marieke")
    page.wait_for_url(f"{portal.url}/dashboard")
    screenshot("overview")
    text = page.inner_text("body")
    assert "Bakkerij De Boer" in text
    assert page.inner_text("#stat-absent").strip() == "0"
    assert "nu afwezig (van 2)" in text  # the two imported employees

    with page.expect_navigation():
        page.click("#link-employees")  # the overview's list of the employer's people
    screenshot("employees")
    rows = page.inner_text("#employees")
    assert "Anna de Vries" in rows and "Bram Jansen" in rows
    assert "P-001" in rows and "Winkel" in rows and "1 januari 2020" in rows
    assert page.inner_text("#employee-count").strip() == "2 werknemers"
    page.fill("#employee-q", "P-002")
    with page.expect_navigation():
        page.click("#employee-filter-submit")
    rows = page.inner_text("#employees")
    assert "Bram Jansen" in rows and "Anna de Vries" not in rows
