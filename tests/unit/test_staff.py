"""The staff page and the add-document flows (page and CLI), with the e-mail to the employee."""

import io
from unittest import mock

import pytest

from scripts.demo_data import tiny_pdf
from app.extensions import db
from app.models import Document
from tests.portal_fixtures import sign_in


@pytest.fixture(autouse=True)
def active_accounts():
    """The employees here have active accounts (a password in Keycloak; see app.pending_mail)."""
    with mock.patch("app.keycloak.accounts.has_password", return_value=True):
        yield


def test_staff_page_lists_only_served_employers(app, client, world):
    sign_in(client, app, "physician-a")
    html = client.get("/staff").get_data(as_text=True)
    assert "Werkgever A" in html and "Anna A1" in html and "Werkgever B" not in html


def test_staff_page_is_for_professionals_only(app, client, world):
    for sub in ("employee-a1", "manager-a", "superuser-a", "realm-manager"):
        sign_in(client, app, sub)
        assert client.get("/staff").status_code == 404  # the same as a page that does not exist
        assert client.get(f"/staff/employees/{world.a1}/documents/new").status_code == 404


def test_upload_stores_and_emails_the_employee(app, client, world):
    sign_in(client, app, "physician-a")
    with mock.patch("app.notifications.send_new_document") as send:
        response = client.post(f"/staff/employees/{world.a1}/documents/new", data={
            "kind": "coaching", "title": "Coachingsplan juni", "audience": "employee",
            "file": (io.BytesIO(tiny_pdf("plan")), "plan.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.title == "Coachingsplan juni"))
        assert document.employee_id == world.a1 and document.content_type == "application/pdf"
    assert send.call_args.args[1].id == document.id


def test_physician_only_document_sends_no_email(app, client, world):
    sign_in(client, app, "physician-a")
    with mock.patch("app.notifications.send_new_document") as send:
        client.post(f"/staff/employees/{world.a1}/documents/new", data={
            "kind": "absence", "title": "Verslag", "audience": "physician",
            "file": (io.BytesIO(tiny_pdf("v")), "v.pdf")}, content_type="multipart/form-data")
    send.assert_not_called()


def test_wrong_type_gets_a_clear_error(app, client, world):
    sign_in(client, app, "physician-a")
    response = client.post(f"/staff/employees/{world.a1}/documents/new", data={
        "kind": "absence", "title": "x", "audience": "employee",
        "file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "niet toegestaan" in response.get_data(as_text=True)


def test_too_large_upload_is_refused(tmp_path):
    from tests.portal_fixtures import make_app, seed_world

    app = make_app(tmp_path, max_upload_mb=1)
    world = seed_world(app)
    client = app.test_client()
    sign_in(client, app, "physician-a")
    response = client.post(f"/staff/employees/{world.a1}/documents/new", data={
        "kind": "absence", "title": "x", "audience": "employee",
        "file": (io.BytesIO(b"%PDF-" + b"0" * (2 * 1024 * 1024)), "groot.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)


def test_cannot_upload_for_an_employee_of_another_employer(app, client, world):
    sign_in(client, app, "physician-a")
    assert client.get(f"/staff/employees/{world.b1}/documents/new").status_code == 404


def test_cli_adds_a_document_and_mails(app, world, tmp_path):
    path = tmp_path / "uitnodiging.pdf"
    path.write_bytes(tiny_pdf("uitnodiging"))
    with mock.patch("app.notifications.send_new_document") as send:
        result = app.test_cli_runner().invoke(args=[
            "add-document", "--employee-email", "A1@example.nl", "--kind", "invitation",
            "--title", "Uitnodiging spreekuur", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "added for a1@example.nl" in result.output
    send.assert_called_once()
    unknown = app.test_cli_runner().invoke(args=[
        "add-document", "--employee-email", "x@example.nl", "--kind", "invitation", "--title", "t", "--file", str(path)])
    assert unknown.exit_code != 0 and "no employee" in unknown.output


def test_bind_employer_binds_an_alias_only_employer_by_organization_id(app):
    from app.models import Employer

    with app.app_context():
        db.session.add(Employer(id="e-old", name="Oud BV", keycloak_org_id=None, keycloak_org_alias="oud-bv"))
        db.session.add(Employer(id="e-taken", name="Bezet BV", keycloak_org_id="aaaaaaaa-0000-4000-8000-00000000000a"))
        db.session.commit()
    runner = app.test_cli_runner()
    for bad in ("oud-bv", "..", "aaaaaaaa-0000-4000-8000-00000000000a"):  # an alias, not an id, already bound
        result = runner.invoke(args=["bind-employer", "--employer", "Oud BV", "--organization-id", bad])
        assert result.exit_code == 2, bad
    result = runner.invoke(args=["bind-employer", "--employer", "Oud BV", "--organization-id",
                                 "BBBBBBBB-0000-4000-8000-00000000000B"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Employer, "e-old").keycloak_org_id == "bbbbbbbb-0000-4000-8000-00000000000b"


def test_employer_pages_are_for_staff_only(app, client, world):
    from tests.portal_fixtures import ORG

    for sub in ("physician-a", "employee-a1", "manager-a", "superuser-a", "nobody"):
        sign_in(client, app, sub)
        for path in ("/staff/employers/new", f"/staff/employers/{ORG['b']}/rename", f"/staff/employers/{ORG['b']}/archive"):
            assert client.get(path).status_code == 404, (sub, path)
    sign_in(client, app, "staff-b")
    assert client.get("/staff/employers/new").status_code == 200
    assert client.get(f"/staff/employers/{ORG['a']}/archive").status_code == 404  # not an employer staff-b serves
    assert client.get("/staff/employers/not-an-id/archive").status_code == 404


def test_archive_confirmation_counts_what_is_kept(app, client, world):
    from tests.portal_fixtures import ORG

    sign_in(client, app, "staff-b")
    html = client.get(f"/staff/employers/{ORG['b']}/archive").get_data(as_text=True)
    assert "1 dossier, 1 verzuimmelding en 1 document worden gearchiveerd en 20 jaar bewaard" in html


def test_an_archived_employer_is_gone_from_every_overview_and_its_pages_answer_404(app, client, world):
    """After `employer delete` or the staff page: the record stays (archived), nobody sees it any more."""
    from app.models import Employer, utcnow
    from tests.portal_fixtures import ORG

    with app.app_context():
        db.session.get(Employer, world.employer_a).archived_at = utcnow()
        db.session.commit()
    sign_in(client, app, "physician-a")
    assert "Werkgever A" not in client.get("/staff").get_data(as_text=True)
    sign_in(client, app, "manager-a", acting_for=ORG["a"])
    assert "Anna A1" not in client.get("/dashboard").get_data(as_text=True)
    for sub in ("physician-a", "manager-a", "employee-a1"):
        sign_in(client, app, sub)
        for path in (f"/dossier/{world.a1}", f"/cases/{world.case_a1}", f"/documents/{world.a1_employer}"):
            assert client.get(path).status_code == 404, (sub, path)
    sign_in(client, app, "employee-a1")
    own = client.get("/dossier").get_data(as_text=True)
    assert "Uitnodiging A1" not in own and "Halve dagen administratief werk" not in own
    sign_in(client, app, "staff-b")  # another employer is untouched
    assert client.get(f"/dossier/{world.b1}").status_code == 200
