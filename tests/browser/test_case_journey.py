"""Acceptance (issue 12.2): staff opens a case -> the manager sees it without medical fields -> the
physician adds a diagnosis -> the manager still does not see it -> staff closes it."""

from pathlib import Path

import pytest

from app.extensions import db
from app.models import ProfessionalAssignment
from tests.portal_fixtures import provision_real_world
from tests.support import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.integration]

DIAGNOSIS = "JOURNEY-DIAGNOSE-1234"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_case_journey(portal, signed_in):
    ARTIFACTS.mkdir(exist_ok=True)
    world, accounts = provision_real_world(portal, only=("staff-b", "manager-a", "physician-a", "employee-a2"))
    with portal.app.app_context():  # the casemanager serves employer A as well
        db.session.add(ProfessionalAssignment(keycloak_user_id=accounts["staff-b"].user_id, employer_id=world.employer_a))
        db.session.commit()

    staff = signed_in(accounts["staff-b"])
    staff.goto(f"{portal.url}/dossier/{world.a2}")
    with staff.expect_navigation():
        staff.click("#add-case")
    assert serious_accessibility_violations(staff) == [], "ziekmelding form"
    staff.fill("#expected-weeks", "2")
    staff.fill("#work-possible", "Licht werk, geen tillen")
    with staff.expect_navigation():
        staff.click("#sick-submit")
    case_url = staff.url
    assert "/cases/" in case_url and "Licht werk, geen tillen" in staff.inner_text("#case-details")

    manager = signed_in(accounts["manager-a"])
    manager.goto(f"{portal.url}/dashboard?status=absent")
    assert "Bram A2" in manager.inner_text("#cases")
    manager.goto(case_url)
    assert "Licht werk, geen tillen" in manager.inner_text("#case-details")
    assert "Diagnose" not in manager.content() and manager.locator("#case-history").count() == 0

    physician = signed_in(accounts["physician-a"])
    physician.goto(case_url)
    with physician.expect_navigation():
        physician.click("#link-case-medical")
    assert serious_accessibility_violations(physician) == [], "medical form"
    physician.fill("#diagnosis", DIAGNOSIS)
    with physician.expect_navigation():
        physician.click("#medical-submit")
    assert DIAGNOSIS in physician.inner_text("#case-details")
    assert DIAGNOSIS in physician.inner_text("#case-history")
    assert serious_accessibility_violations(physician) == [], "case page with history"

    manager.reload()
    assert DIAGNOSIS not in manager.content()
    manager.goto(f"{portal.url}/report/sick")
    assert "Bram A2" not in manager.inner_text("#employee")  # already reported sick
    assert serious_accessibility_violations(manager) == [], "manager's ziekmelding form"

    staff.goto(case_url)
    staff.screenshot(path=str(ARTIFACTS / "case-journey-staff-case-page.png"), full_page=True)
    assert "medische gegevens bijgewerkt" in staff.inner_text("#case-history")
    assert DIAGNOSIS not in staff.inner_text("#case-history")
    with staff.expect_navigation():
        staff.click("#link-case-recovery")
    with staff.expect_navigation():
        staff.click("#recovery-submit")
    assert "Hersteld" in staff.inner_text("#case-details")
    assert "Hersteldmelding" in staff.inner_text("#case-history")
    manager.goto(f"{portal.url}/dashboard?status=absent")
    assert "Bram A2" not in manager.inner_text("#cases")
    manager.goto(case_url)
    assert DIAGNOSIS not in manager.content()
    manager.screenshot(path=str(ARTIFACTS / "case-journey-manager-case-page.png"), full_page=True)
