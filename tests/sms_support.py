"""Helpers for the SMS / choose-2FA / birth-date reset tests (issue 6): employees with a dossier
number and birth date, the SMS codes from the development sink, and the arbo-auth pages."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass


from app import keycloak as kc
from tests.support import Account, enter_password, submit

BIRTH_DATE = "1980-03-07"
BIRTH_DATE_TYPED = "07-03-1980"  # as a person types it on the reset form (dd-mm-jjjj)


@dataclass
class Employee(Account):
    mobile: str = ""


def new_password() -> str:
    """Meets the realm's policy (16+ characters, upper case, digit, special character)."""
    return "Test-" + secrets.token_urlsafe(12) + "1!"


def unique_mobile() -> str:
    """A Dutch mobile number no other test uses, so the sink's SMS list for it is this test's alone."""
    return "+316" + "".join(secrets.choice("0123456789") for _ in range(8))


def new_employee(portal, birth_date: str | None = BIRTH_DATE, mobile: str | None = None) -> Employee:
    """An employee in the portal's realm with the dossier attributes set at provisioning."""
    email = f"werknemer-{uuid.uuid4().hex[:8]}@example.nl"
    password = new_password()
    mobile = mobile or unique_mobile()
    attributes = {"mobile": mobile} | ({"birthDate": birth_date} if birth_date else {})
    user_id = kc.users.ensure_user(portal.admin, email=email, first_name="Eva", last_name="de Vries",
                                   roles=["employee"], attributes=attributes, password=password)
    return Employee(email=email, password=password, user_id=user_id, mobile=mobile)


def credential_types(portal, account: Account) -> list[str]:
    """The user's credential types as the admin API reports them, sorted (password included)."""
    return sorted(c["type"] for c in portal.admin.get_credentials(account.user_id))


def second_factor_types(portal, account: Account) -> list[str]:
    return [t for t in credential_types(portal, account) if t != "password"]


def wait_for_sms(mail_sink, number: str, count: int, timeout: float = 15) -> str:
    """The 6-digit code of the newest SMS once `count` texts have reached `number`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = mail_sink.sms_to(number)
        if len(texts) >= count:
            return sms_code(texts[0]["text"])
        time.sleep(0.3)
    raise AssertionError(f"expected {count} SMS to {number} within {timeout} s, got {len(mail_sink.sms_to(number))}")


def sms_code(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, f"no 6-digit code in the SMS {text!r}"
    return match.group(1)


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def enter_sms_code(page, code: str) -> None:
    page.fill("#code", code)
    submit(page, "#kc-arbo-sms-validate")


def feedback(page) -> str:
    """The text of Keycloak's message box (error, info) on the current page."""
    return page.inner_text(".kc-feedback-text") if page.locator(".kc-feedback-text").count() else ""


def enrol_sms(page, portal, employee: Employee, mail_sink) -> None:
    """First login: choose SMS, confirm the dossier number with the code; ends on their dossier (employees land there)."""
    enter_password(page, portal.url, employee)
    page.check("#method-sms")
    submit(page, "#kc-arbo-choose-submit")
    before = len(mail_sink.sms_to(employee.mobile))
    submit(page, "#kc-arbo-sms-send")
    enter_sms_code(page, wait_for_sms(mail_sink, employee.mobile, before + 1))
    page.wait_for_url(f"{portal.url}/dossier")


def sign_out(page, portal) -> None:
    page.click("#logout")
    page.wait_for_url(f"{portal.url}/")


def configure_step(portal, flow: str, provider_id: str, config: dict[str, str]) -> None:
    """Set authenticator config keys on the `provider_id` execution of `flow` in the portal's realm,
    through the admin API (as the master admin: the realm's provisioning account does not manage
    flows). An existing config (e.g. the reset step's from realm-export.json) is updated, keeping its
    other keys; otherwise one is created."""
    admin = kc.client.master_admin(portal.settings, realm=portal.realm)
    execution = next(e for e in admin.get_authentication_flow_executions(flow) if e.get("providerId") == provider_id)
    if execution.get("authenticationConfig"):
        path = f"admin/realms/{portal.realm}/authentication/config/{execution['authenticationConfig']}"
        current = admin.connection.raw_get(path).json()
        current["config"] = current.get("config", {}) | config
        response = admin.connection.raw_put(path, data=json.dumps(current))
        assert response.status_code == 204, response.text
        return
    response = admin.connection.raw_post(
        f"admin/realms/{portal.realm}/authentication/executions/{execution['id']}/config",
        data=json.dumps({"alias": f"{provider_id}-{uuid.uuid4().hex[:6]}", "config": config}))
    assert response.status_code == 201, response.text


def configure_sms_step(portal, flow: str, config: dict[str, str]) -> None:
    """The `arbo-sms-authenticator` step of `flow` (keys: code-ttl-seconds, max-attempts, max-resends,
    max-codes-per-hour)."""
    configure_step(portal, flow, "arbo-sms-authenticator", config)


def brute_force_status(portal, account: Account) -> dict:
    """Keycloak's brute-force detector's view of the account (numFailures, disabled)."""
    return portal.admin.connection.raw_get(
        f"admin/realms/{portal.realm}/attack-detection/brute-force/users/{account.user_id}").json()
