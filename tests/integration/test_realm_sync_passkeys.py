"""Passkeys (issue 12.3): the realm's passkey policy (user verification required, resident key, the
RP name from the realm's display name, RP id = the request's host), Keycloak's passkey registration as
a required action that asks for a fresh sign-in, the passkey as an alternative second factor, and the
2FA sub-flow skipped after a passkey sign-in on the first page - in a realm made from
realm-export.json and, through `provision realm` (sync_realm), in a realm imported before them."""

import pytest

from app import keycloak as kc

pytestmark = pytest.mark.integration

FORMS = "arbo browser forms"
FLOW = "arbo browser 2FA"
RESET_FLOW = "arbo reset 2FA"  # forgot password: a passkey-only user proves it with the passkey
PASSKEY_STEP = "webauthn-authenticator-passwordless"
CONDITION = "conditional-credential"
ACTION = "webauthn-register-passwordless"


def _steps(admin, flow=FLOW):
    return {e["providerId"]: e for e in admin.get_authentication_flow_executions(flow)
            if e.get("level", 0) == 0 and e.get("providerId")}


def _subflow(admin):
    return next(e for e in admin.get_authentication_flow_executions(FORMS)
                if e.get("level", 0) == 0 and e.get("displayName") == FLOW)


def _check_passkeys(admin, realm_name):
    realm = admin.get_realm(realm_name)
    assert realm["webAuthnPolicyPasswordlessPasskeysEnabled"] is True
    assert realm["webAuthnPolicyPasswordlessUserVerificationRequirement"] == "required"
    assert realm["webAuthnPolicyPasswordlessRpEntityName"] == realm["displayName"]
    assert not realm.get("webAuthnPolicyPasswordlessRpId")  # the host the browser used
    steps = _steps(admin)
    assert steps[PASSKEY_STEP]["requirement"] == "ALTERNATIVE"
    assert _steps(admin, RESET_FLOW)[PASSKEY_STEP]["requirement"] == "ALTERNATIVE"
    assert steps[CONDITION]["requirement"] == "REQUIRED"
    config = admin.get_authenticator_config(steps[CONDITION]["authenticationConfig"])["config"]
    assert config == {"credentials": "webauthn-passwordless", "included": "false"}
    assert _subflow(admin)["requirement"] == "CONDITIONAL"
    action = admin.get_required_action_by_alias(ACTION)
    assert action["enabled"] is True and action["config"]["max_auth_age"] == "0"


def test_a_new_realm_offers_passkeys(keycloak, realm_factory):
    desired = realm_factory()
    _check_passkeys(kc.client.master_admin(keycloak, realm=desired["realm"]), desired["realm"])


def test_sync_adds_passkeys_to_an_older_realm(keycloak, realm_factory, master):
    desired = realm_factory()
    admin = kc.client.master_admin(keycloak, realm=desired["realm"])
    # as in a realm imported before passkeys: no passkey step, no condition, the 2FA sub-flow
    # REQUIRED, passkeys off and the registration action disabled
    for step in (PASSKEY_STEP, CONDITION):
        admin.delete_authentication_flow_execution(_steps(admin)[step]["id"])
    admin.delete_authentication_flow_execution(_steps(admin, RESET_FLOW)[PASSKEY_STEP]["id"])
    admin.update_authentication_flow_executions(_subflow(admin) | {"requirement": "REQUIRED"}, FORMS)
    policy = {key: value for key, value in desired.items() if key.startswith("webAuthnPolicyPasswordless")}
    admin.update_realm(desired["realm"], policy | {"webAuthnPolicyPasswordlessPasskeysEnabled": False})
    assert admin.get_realm(desired["realm"])["webAuthnPolicyPasswordlessPasskeysEnabled"] is False
    admin.update_required_action(ACTION, admin.get_required_action_by_alias(ACTION) | {"enabled": False})

    outcome, changes = kc.realm.sync_realm(master, desired, dry_run=True)
    assert outcome == "would update"
    keys = {key for key, _, _ in changes}
    assert {f"flowStep.{FLOW}.{PASSKEY_STEP}", f"flowStep.{FLOW}.{CONDITION}",
            f"flowStep.{RESET_FLOW}.{PASSKEY_STEP}",
            f"flowRequirement.{FORMS}.{FLOW}", f"requiredActionSetup.{ACTION}",
            "webAuthnPolicyPasswordlessPasskeysEnabled"} <= keys
    assert PASSKEY_STEP not in _steps(admin)  # a dry run changes nothing

    assert kc.realm.sync_realm(master, desired)[0] == "updated"
    _check_passkeys(admin, desired["realm"])
    assert kc.realm.sync_realm(master, desired) == ("unchanged", [])
