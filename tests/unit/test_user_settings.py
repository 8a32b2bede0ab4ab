"""Mijn instellingen: the sign-in methods from Keycloak, degrading when Keycloak does not answer."""

from unittest import mock

import requests
from flask import url_for

from app import sign_in_sessions
from app.user_settings import sign_in_methods
from tests.portal_fixtures import sign_in

CREDENTIALS = [
    {"id": "1", "type": "password", "createdDate": 1},
    {"id": "2", "type": "otp", "userLabel": "Telefoon", "createdDate": 2},
    {"id": "3", "type": "arbo-sms", "userLabel": "+31612345001", "createdDate": 3},
]


def test_sign_in_methods_lists_second_factors_only():
    assert [m["kind"] for m in sign_in_methods(CREDENTIALS)] == ["Authenticator-app", "Code per sms"]


def test_page_lists_methods_and_offers_keycloak_actions(app, client, world):
    sign_in(client, app, "employee-a1")
    admin = mock.Mock()
    admin.get_credentials.return_value = CREDENTIALS
    with mock.patch("app.keycloak.client.portal_admin", return_value=admin):
        page = client.get("/settings")
    html = page.get_data(as_text=True)
    admin.get_credentials.assert_called_once_with(user_id="employee-a1")
    assert "Authenticator-app (Telefoon)" in html and "Code per sms" in html
    assert "kc_action=CONFIGURE_TOTP" in html and "kc_action=UPDATE_PASSWORD" in html
    assert "kc_action=arbo-choose-2fa" in html  # the manual's "reset": choose SMS or app again
    assert page.headers["Cache-Control"] == "no-store"


def test_page_degrades_when_keycloak_is_down(app, client, world):
    sign_in(client, app, "employee-a1")
    admin = mock.Mock()
    admin.get_credentials.side_effect = requests.ConnectionError("down")
    with mock.patch("app.keycloak.client.portal_admin", return_value=admin):
        page = client.get("/settings")
    assert page.status_code == 200 and 'id="methods-unavailable"' in page.get_data(as_text=True)


def test_other_pages_make_no_keycloak_call(app, client, world):
    sign_in(client, app, "physician-a")
    with mock.patch("app.keycloak.client.portal_admin", side_effect=AssertionError("no Keycloak call")), \
            mock.patch("requests.sessions.Session.request", side_effect=AssertionError("no HTTP call")):
        for path in ("/dashboard", f"/dossier/{world.a1}", f"/cases/{world.case_a1}", "/staff",
                     f"/documents/{world.a1_employee}"):
            assert client.get(path).status_code == 200, path


def test_sign_out_other_devices_ends_the_other_sessions_only(app, client, world):
    sign_in(client, app, "employee-a1")
    with app.app_context():
        sign_in_sessions.record_start("sid-other-device", "employee-a1")
    admin = mock.Mock()
    admin.get_sessions.return_value = [{"id": "sid-employee-a1"}, {"id": "sid-other-device"}]
    with mock.patch("app.keycloak.client.portal_admin", return_value=admin):
        response = client.post("/settings/sign-out-others")
    assert response.status_code == 302
    deleted = [c.args[0] for c in admin.connection.raw_delete.call_args_list]
    assert deleted == [f"admin/realms/{app.config['SETTINGS'].realm}/sessions/sid-other-device"]
    with app.app_context():
        assert not sign_in_sessions.is_active("sid-other-device")
        assert sign_in_sessions.is_active("sid-employee-a1")


def test_forms_need_a_csrf_token(tmp_path):
    from tests.portal_fixtures import make_app

    app = make_app(tmp_path)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, app, "employee-a1")
    assert client.post("/settings/sign-out-others").status_code == 400
    assert client.post("/language", data={"locale": "en"}).status_code == 400


def test_passkeys_are_listed_and_can_be_added(app, client, world):
    sign_in(client, app, "employee-a1")
    admin = mock.Mock()
    admin.get_credentials.return_value = CREDENTIALS + [
        {"id": "4", "type": "webauthn-passwordless", "userLabel": "Laptop", "createdDate": 4}]
    with mock.patch("app.keycloak.client.portal_admin", return_value=admin):
        html = client.get("/settings").get_data(as_text=True)
    assert "Passkey (Laptop)" in html
    # Keycloak's own passkey registration, which asks for a whole sign-in first (max_auth_age 0)
    assert "kc_action=webauthn-register-passwordless" in html

