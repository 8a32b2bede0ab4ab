"""A mobile number an employee types at SMS setup is proven by a code, then saved: Keycloak keeps it
as the user's `mobile` and the portal copies it into the employee's dossier (issue 12.3)."""

import pytest

from app.keycloak import users as kc_users
from app.extensions import db
from app.models import Employee, Employer
from tests.sms_support import enter_sms_code, new_password, unique_mobile, wait_for_sms
from tests.support import Account, enter_password, submit

pytestmark = pytest.mark.browser


def test_typed_number_is_verified_then_saved_to_the_dossier(page, portal, mail_sink):
    email, password = f"zonder-nummer-{unique_mobile()[-6:]}@example.nl", new_password()
    user_id = kc_users.ensure_user(portal.admin, email=email, first_name="Eva", last_name="de Vries",
                                         roles=["employee"], password=password)
    with portal.app.app_context():
        employer = Employer(name="Werkgever Zonder Nummer")
        db.session.add(employer)
        db.session.flush()
        db.session.add(Employee(employer_id=employer.id, keycloak_user_id=user_id, name="Eva de Vries", email=email))
        db.session.commit()
    employee = Account(email=email, password=password, user_id=user_id)
    typed = unique_mobile()

    enter_password(page, portal.url, employee)
    page.check("#method-sms")
    submit(page, "#kc-arbo-choose-submit")
    assert page.locator("#mobile").count(), "no number in the dossier: the employee types one"
    page.fill("#mobile", "06 " + typed[4:])
    submit(page, "#kc-arbo-sms-phone")
    assert "mobile" not in (portal.admin.get_user(user_id).get("attributes") or {}), "not saved before the code"
    enter_sms_code(page, wait_for_sms(mail_sink, typed, 1))
    page.wait_for_url(f"{portal.url}/**")

    assert portal.admin.get_user(user_id)["attributes"]["mobile"] == [typed]
    with portal.app.app_context():
        saved = db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == user_id))
        assert saved.mobile == typed
