"""The mobile number an employee proved at SMS setup goes into their dossier.

The SMS setup (keycloak/extensions/arbo-auth, ChooseSecondFactorAction) sends the number an
employee types a code and, once the code is right, stores it as the user's `mobile` attribute -
only when the dossier had no number (a dossier number cannot be swapped at sign-in). At the next
sign-in the portal copies that number into the employee's dossier when the dossier has none: one
admin call, made only for an employee whose dossier lacks a number. Staff correct a wrong number
under Hulp bij inloggen (app/account_help.py), which updates both.

A failure here never stops a sign-in: the number is copied at a later one.
"""

from __future__ import annotations

from flask import current_app

from app import security_log
from app.keycloak import account_help as kc_account_help
from app.keycloak import client as kc_client
from app.extensions import db
from app.models import Employee


def fill_from_keycloak(user_id: str) -> bool:
    """Copy the verified number into the dossier when it has none; True when something was copied."""
    from app.account_help import normalize_mobile

    employee = db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == user_id))
    if employee is None or employee.mobile:
        return False
    try:
        account = kc_account_help.user(kc_client.portal_admin(), user_id)
    except Exception:  # noqa: BLE001 - Keycloak away or refusing: try again at the next sign-in
        current_app.logger.warning("could not read the verified mobile number of %s", user_id, exc_info=True)
        return False
    mobile = normalize_mobile(((account.get("attributes") or {}).get("mobile") or [""])[0])
    if not mobile:
        return False
    employee.mobile = mobile
    db.session.commit()
    security_log.event("dossier.mobile-from-sms-setup", actor=user_id, target=user_id, employee=employee.id)
    return True
