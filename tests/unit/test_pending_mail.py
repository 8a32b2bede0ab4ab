"""New-document mail only for employees with an account; otherwise pending until the first sign-in."""

import io
from unittest import mock

from app import pending_mail
from scripts.demo_data import tiny_pdf
from app.extensions import db
from app.models import Document, Employee
from tests.portal_fixtures import claims_of, sign_in


def _no_account_employee(app, world) -> str:
    with app.app_context():
        employee = Employee(employer_id=world.employer_a, keycloak_user_id=None, name="Nog Geen Account",
                            email="geen-account@example.nl")
        db.session.add(employee)
        db.session.commit()
        return employee.id


def _upload(client, employee_id):
    return client.post(f"/staff/employees/{employee_id}/documents/new", data={
        "kind": "coaching", "title": "Plan zonder account", "audience": "employee",
        "file": (io.BytesIO(tiny_pdf("plan")), "plan.pdf")}, content_type="multipart/form-data",
        follow_redirects=True)


def test_no_mail_without_an_account_the_document_is_marked_pending(app, client, world):
    employee_id = _no_account_employee(app, world)
    sign_in(client, app, "physician-a")
    with mock.patch("app.notifications.send_new_document") as send:
        response = _upload(client, employee_id)
    send.assert_not_called()
    assert "nog geen account" in response.get_data(as_text=True)
    with app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.title == "Plan zonder account"))
        assert document.mail_pending is True


def test_pending_mails_go_at_the_first_sign_in(app, client, world):
    employee_id = _no_account_employee(app, world)
    sign_in(client, app, "physician-a")
    with mock.patch("app.notifications.send_new_document"):
        _upload(client, employee_id)
    with app.app_context():  # the account is made (HR import) and linked to the dossier
        db.session.get(Employee, employee_id).keycloak_user_id = "employee-new"
        db.session.commit()
    claims = claims_of("employee-a1") | {"sub": "employee-new", "sid": "sid-new"}
    fresh = app.test_client()
    sent = []
    with mock.patch("app.notifications.send_new_document", side_effect=lambda _s, d: sent.append(d.title)), \
            mock.patch("app.auth.oauth.keycloak.authorize_access_token", return_value={"userinfo": claims}):
        assert fresh.get("/auth/callback?code=x&state=y").status_code == 302
    assert sent == ["Plan zonder account"]
    with app.app_context():
        assert pending_mail.send_pending("employee-new") == 0  # sent once only
        document = db.session.scalar(db.select(Document).where(Document.title == "Plan zonder account"))
        assert document.mail_pending is False


def test_a_refused_mail_stays_pending(app, world):
    employee_id = _no_account_employee(app, world)
    with app.app_context():
        employee = db.session.get(Employee, employee_id)
        employee.keycloak_user_id = "employee-new"
        db.session.add(Document(employee_id=employee_id, kind="coaching", title="T", audience="employee",
                                filename="t.pdf", stored_name="x" * 32, content_type="application/pdf", size=1,
                                mail_pending=True))
        db.session.commit()
        with mock.patch("app.notifications.send_new_document", side_effect=OSError("smtp down")):
            assert pending_mail.send_pending("employee-new") == 0
        assert db.session.scalar(db.select(Document).where(Document.title == "T")).mail_pending is True


def test_an_account_without_a_password_is_not_active_yet(app, client, world):
    """Imported with an account, welcome mail not followed: the mail waits (and also when Keycloak is down)."""
    sign_in(client, app, "physician-a")
    for answer in (False, None):
        with mock.patch("app.keycloak.accounts.has_password", return_value=answer) as asked, \
                mock.patch("app.notifications.send_new_document") as send:
            assert "nog geen account" in _upload(client, world.a2).get_data(as_text=True)
        send.assert_not_called()
        assert asked.call_args.args[1] == "employee-a2"


def test_has_password_asks_keycloak_for_a_checked_id_only():
    from app.keycloak import accounts as kc_accounts

    admin = mock.Mock()
    admin.get_credentials.return_value = [{"type": "otp"}, {"type": "password"}]
    user_id = "0f6d3b3c-1c1e-4a57-9d1e-1a2b3c4d5e6f"
    assert kc_accounts.has_password(admin, user_id) is True
    admin.get_credentials.return_value = [{"type": "otp"}]
    assert kc_accounts.has_password(admin, user_id) is False
    admin.get_credentials.reset_mock()
    assert kc_accounts.has_password(admin, "../users") is False and kc_accounts.has_password(admin, None) is False
    admin.get_credentials.assert_not_called()
    from keycloak.exceptions import KeycloakConnectionError

    admin.get_credentials.side_effect = KeycloakConnectionError("down")
    assert kc_accounts.has_password(admin, user_id) is None
