"""Recovery codes (issue 12.3, lost phone): the realm offers Keycloak's recovery authentication codes
as a second factor - the code form is an alternative in the 2FA sub-flow and CONFIGURE_RECOVERY_AUTHN_CODES
is an enabled required action - both in a realm made from realm-export.json and, through
`provision realm` (sync_realm), in a realm imported before they were added."""

import pytest

from app import keycloak as kc

pytestmark = pytest.mark.integration

FLOW = "arbo browser 2FA"
FORM = "auth-recovery-authn-code-form"
ACTION = "CONFIGURE_RECOVERY_AUTHN_CODES"


def _steps(admin, flow=FLOW):
    return {e["providerId"]: e["requirement"] for e in admin.get_authentication_flow_executions(flow)
            if e.get("level", 0) == 0 and e.get("providerId")}


def test_a_new_realm_offers_recovery_codes(keycloak, realm_factory):
    desired = realm_factory()
    admin = kc.client.master_admin(keycloak, realm=desired["realm"])
    assert _steps(admin)[FORM] == "ALTERNATIVE"
    action = admin.get_required_action_by_alias(ACTION)
    assert action["enabled"] is True
    assert action["priority"] > admin.get_required_action_by_alias("CONFIGURE_TOTP")["priority"]  # codes after the app


def test_sync_adds_recovery_codes_to_an_older_realm(keycloak, realm_factory, master):
    desired = realm_factory()
    admin = kc.client.master_admin(keycloak, realm=desired["realm"])
    # as in a realm imported before recovery codes: no code form in the 2FA sub-flow, the action off
    form = next(e for e in admin.get_authentication_flow_executions(FLOW) if e.get("providerId") == FORM)
    admin.delete_authentication_flow_execution(form["id"])
    admin.update_required_action(ACTION, admin.get_required_action_by_alias(ACTION) | {"enabled": False})
    assert FORM not in _steps(admin)

    outcome, changes = kc.realm.sync_realm(master, desired, dry_run=True)
    assert outcome == "would update"
    keys = [key for key, _, _ in changes]
    assert f"flowStep.{FLOW}.{FORM}" in keys and f"requiredActionSetup.{ACTION}" in keys
    assert FORM not in _steps(admin)  # a dry run changes nothing

    assert kc.realm.sync_realm(master, desired)[0] == "updated"
    assert _steps(admin)[FORM] == "ALTERNATIVE"
    assert admin.get_required_action_by_alias(ACTION)["enabled"] is True
    assert kc.realm.sync_realm(master, desired) == ("unchanged", [])


RESET_FLOW = "arbo reset 2FA"


def test_the_forgot_password_flow_offers_recovery_codes_and_sync_adds_them_to_an_older_realm(keycloak, realm_factory, master):
    """A user who lost the phone must be able to finish "Wachtwoord vergeten?": the second factor asked
    before the new password accepts a recovery code too - in a new realm, and after `provision realm`
    in a realm imported before the form was added to the reset flow."""
    desired = realm_factory()
    admin = kc.client.master_admin(keycloak, realm=desired["realm"])
    assert _steps(admin, RESET_FLOW)[FORM] == "ALTERNATIVE"
    form = next(e for e in admin.get_authentication_flow_executions(RESET_FLOW) if e.get("providerId") == FORM)
    admin.delete_authentication_flow_execution(form["id"])
    assert FORM not in _steps(admin, RESET_FLOW)

    outcome, changes = kc.realm.sync_realm(master, desired, dry_run=True)
    assert outcome == "would update"
    assert [key for key, _, _ in changes] == [f"flowStep.{RESET_FLOW}.{FORM}"]
    assert FORM not in _steps(admin, RESET_FLOW)

    assert kc.realm.sync_realm(master, desired)[0] == "updated"
    steps = _steps(admin, RESET_FLOW)
    assert steps[FORM] == "ALTERNATIVE" and list(steps)[-1] == FORM  # added last, after app, SMS and enrolment
    assert _steps(admin)[FORM] == "ALTERNATIVE"  # the sign-in flow's own form untouched
    assert kc.realm.sync_realm(master, desired) == ("unchanged", [])
