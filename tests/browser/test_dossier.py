"""The employee's dossier in a real browser: personal data, cases and documents; a document opens on a
desktop and not on a phone; the new-document e-mail leads through sign-in straight to the document."""

import re

import pytest

from tests.portal_fixtures import SECRETS_A, finish_keycloak_login, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.integration]

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


def test_employee_reads_dossier_and_downloads_a_document(page, portal, real_world):
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["employee-a1"])
    page.wait_for_url(f"{portal.url}/dossier")  # an employee lands on their own dossier (issue 12)
    assert page.inner_text("#employee-name") == "Anna A1"
    assert page.inner_text("#employee-birth-date") == "14 maart 1985"
    assert "Halve dagen administratief werk" in page.inner_text("#dossier-cases")
    assert not any(secret in page.content() for secret in SECRETS_A)
    with page.expect_navigation():
        page.click("text=Uitnodiging A1")
    with page.expect_download() as download:
        page.click("#open-document")
    assert download.value.suggested_filename == "a1_employee.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"

    page.goto(f"{portal.url}/dossier/access-log")
    assert "document geopend" in page.inner_text("#access-log")


def test_phone_cannot_open_documents(browser, portal, real_world):
    world, accounts = real_world
    context = browser.new_context(user_agent=IPHONE, viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in_browser(page, portal.url, accounts["employee-a1"])
        page.wait_for_url(f"{portal.url}/dossier")
        page.goto(f"{portal.url}/documents/{world.a1_employee}")
        assert page.locator("#mobile-blocked").is_visible()
        assert "computer of laptop" in page.inner_text("#mobile-blocked")
        assert page.locator("#open-document").count() == 0
        # the file route refuses too: a copied link does not get around the page
        response = page.request.get(f"{portal.url}/documents/{world.a1_employee}/file")
        assert response.status == 403 and not response.body().startswith(b"%PDF-")
        page.screenshot(path="test-artifacts/test_phone_cannot_open_documents.png", full_page=True)
    finally:
        context.close()


def test_new_document_email_links_through_sign_in_to_the_document(browser, page, portal, real_world, mail_sink, tmp_path):
    world, accounts = real_world
    employee = accounts["employee-a1"]
    sign_in_browser(page, portal.url, employee)  # the employee has signed in before (2FA set up)
    page.wait_for_url(f"{portal.url}/dossier")

    pdf = tmp_path / "uitnodiging.pdf"
    from scripts.demo_data import tiny_pdf
    pdf.write_bytes(tiny_pdf("Uitnodiging spreekuur"))
    result = portal.app.test_cli_runner().invoke(args=[
        "add-document", "--employee-email", employee.email, "--kind", "invitation",
        "--title", "Uitnodiging spreekuur bedrijfsarts", "--file", str(pdf)])
    assert result.exit_code == 0, result.output
    document_id = re.search(r"document (\S+) added", result.output).group(1)

    message = mail_sink.wait_for(employee.email, "nieuw document")
    link = f"{portal.url}/documents/{document_id}"
    assert link in message["text"]
    assert "Uitnodiging spreekuur" not in message["text"] + message["subject"]  # nothing sensitive

    context = browser.new_context(locale="nl-NL")  # another browser: not signed in
    fresh = context.new_page()
    fresh.set_default_timeout(15000)
    try:
        fresh.goto(link)
        finish_keycloak_login(fresh, employee, portal.url)
        fresh.wait_for_url(link)
        assert fresh.inner_text("#document-title") == "Uitnodiging spreekuur bedrijfsarts"
        assert fresh.locator("#open-document").is_visible()
    finally:
        context.close()
