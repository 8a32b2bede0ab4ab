"""A staff 2FA reset removes passkeys too: a passkey is a whole sign-in by itself (the quick path), so
a reset that left it would leave the lost or stolen device able to sign in."""

from unittest import mock

from app.keycloak import account_help

USER = "0f6d3b3c-1c1e-4a57-9d1e-1a2b3c4d5e6f"
CREDENTIALS = [
    {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "type": "password"},
    {"id": "2b4e28ba-2fa1-11d2-883f-0016d3cca427", "type": "webauthn-passwordless", "userLabel": "Laptop"},
    {"id": "3b4e28ba-2fa1-11d2-883f-0016d3cca427", "type": "arbo-sms"},
]


def _admin():
    admin = mock.Mock()
    admin.get_user.return_value = {"id": USER, "email": "pien@example.nl", "enabled": True, "requiredActions": []}
    admin.get_credentials.return_value = CREDENTIALS
    return admin


def test_status_names_the_passkey():
    assert account_help.status(_admin(), USER)["second_factors"] == ["Passkey", "Code per sms"]


def test_reset_removes_passkeys_with_the_other_second_factors_but_not_the_password():
    admin = _admin()
    assert account_help.reset_second_factor(admin, USER) == ["Passkey", "Code per sms"]
    removed = [call.args[1] for call in admin.delete_credential.call_args_list]
    assert removed == [CREDENTIALS[1]["id"], CREDENTIALS[2]["id"]]
    admin.update_user.assert_called_once_with(USER, {"requiredActions": ["arbo-choose-2fa"]})
    admin.user_logout.assert_called_once_with(USER)
