"""Issue 12.1 in Chromium: a casemanager adds an employer, then removes one after reading what is
kept; the employer's manager, signed in beside them, no longer sees its overview or cases."""

import uuid

import pytest

from tests.portal_fixtures import provision_real_world
from tests.support import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_staff_add_and_remove_an_employer(portal, signed_in):
    world, accounts = provision_real_world(portal, only=("staff-b", "manager-b", "employee-b1"))
    staff = signed_in(accounts["staff-b"])
    manager = signed_in(accounts["manager-b"])
    manager.goto(f"{portal.url}/cases/{world.case_b1}")
    assert "Niets" in manager.inner_text("main")

    staff.goto(f"{portal.url}/staff")
    with staff.expect_navigation():
        staff.click("#new-employer")
    assert serious_accessibility_violations(staff) == [], "new employer form"
    name = f"Bakkerij {uuid.uuid4().hex[:6]}"
    staff.fill("#name", name)
    staff.fill("#domain", "bakkerij-test.nl")
    with staff.expect_navigation():
        staff.click("#employer-submit")
    assert f"Werkgever {name} is aangemaakt." in staff.inner_text("main") and name in staff.inner_text("main")

    staff.goto(f"{portal.url}/staff/employers/{world.org_ids['b']}/archive")
    assert serious_accessibility_violations(staff) == [], "archive confirmation"
    kept = staff.inner_text("#archive-kept")
    assert "1 dossier, 1 verzuimmelding en 1 document" in kept and "20 jaar" in kept and "WGBO" in kept
    with staff.expect_navigation():
        staff.click("#archive-submit")
    assert "is verwijderd; de dossiers zijn gearchiveerd" in staff.inner_text("main")
    assert "Carla" not in staff.inner_text("main")

    manager.goto(f"{portal.url}/cases/{world.case_b1}")
    assert "Niets" not in manager.inner_text("main")  # the same page as for an id that does not exist
