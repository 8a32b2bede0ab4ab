"""Issue 6: the SMS and reset limits an administrator can set per execution, as the running Keycloak
describes them, and the limits the realm as code ships with."""

import pytest

from app import keycloak as kc

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def admin(keycloak):
    return kc.client.master_admin(keycloak)


def config_keys(admin, provider_id: str) -> set[str]:
    response = admin.connection.raw_get(
        f"admin/realms/{admin.connection.realm_name}/authentication/config-description/{provider_id}")
    assert response.status_code == 200, response.text
    return {p["name"] for p in response.json()["properties"]}


def test_sms_step_offers_the_documented_per_execution_limits(admin):
    assert config_keys(admin, "arbo-sms-authenticator") == {"code-ttl-seconds", "max-attempts", "max-resends",
                                                            "max-codes-per-hour"}


def test_reset_step_offers_a_per_session_and_a_per_account_failure_limit(admin):
    assert config_keys(admin, "arbo-reset-birthdate") == {"max-failures", "max-failures-per-user", "failure-window-hours"}


def test_served_reset_flow_limits_failures_per_session_and_per_account(admin):
    reset_step = next(e for e in admin.get_authentication_flow_executions("arbo reset credentials")
                      if e.get("providerId") == "arbo-reset-birthdate")
    assert reset_step["requirement"] == "REQUIRED" and reset_step["index"] == 0, "the birth date is asked first"
    config = admin.connection.raw_get(
        f"admin/realms/{admin.connection.realm_name}/authentication/config/{reset_step['authenticationConfig']}").json()
    assert config["config"]["max-failures"] == "5"
    # wrong birth dates: 5 per account per 24 hours, counted by the step itself (not as failed sign-ins)
    assert config["config"]["max-failures-per-user"] == "5" and config["config"]["failure-window-hours"] == "24"
    realm = admin.get_realm(admin.connection.realm_name)
    assert realm["bruteForceProtected"] and realm["failureFactor"] == 5
