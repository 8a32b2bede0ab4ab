"""Each role signs in through the real Keycloak (real tokens, real organization claim with ids and
organization groups) and gets exactly its own view of the three employers' data; a user in two
employers holds a role only where it was granted, and acts for one employer at a time."""

import pytest

from tests.portal_fixtures import SECRETS_A, SECRETS_B, sign_in_browser

pytestmark = [pytest.mark.integration, pytest.mark.browser]

MEDICAL = SECRETS_A + SECRETS_B


def status(page, portal, path):
    response = page.request.get(portal.url + path, max_redirects=0)
    return response.status, response.text()


# role -> {path template: expected status}
EXPECTED = {
    "employee-a1": {"/dossier": 200, "/dossier/{a1}": 200, "/dossier/{a2}": 404, "/cases/{case_a1}": 200,
                    "/cases/{case_b1}": 404, "/documents/{a1_employee}": 200, "/documents/{a1_physician}": 404,
                    "/documents/{b1_employee}": 404, "/staff": 404},
    "manager-a": {"/cases/{case_a1}": 200, "/cases/{case_b1}": 404, "/dossier/{a1}": 404,
                  "/documents/{a1_employer}": 200, "/documents/{a1_physician}": 404, "/documents/{a1_employee}": 404,
                  "/dashboard/export.csv?status=all": 200, "/staff": 404},
    # manager of B, plain member of A: B's overview only, nothing of A
    "manager-b-member-a": {"/cases/{case_b1}": 200, "/cases/{case_a1}": 404, "/documents/{a1_employer}": 404,
                           "/dashboard/export.csv?status=all": 200, "/invitations/": 404},
    "physician-a": {"/dossier/{a1}": 200, "/dossier/{b1}": 404, "/cases/{case_a1}": 200, "/cases/{case_b1}": 404,
                    "/documents/{a1_physician}": 200, "/staff": 200},
    "staff-b": {"/dossier/{b1}": 200, "/dossier/{a1}": 404, "/cases/{case_b1}": 200, "/cases/{case_a1}": 404},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_sees_exactly_its_own_objects(page, portal, real_world, role):
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts[role])
    page.wait_for_url(f"{portal.url}/dossier" if role.startswith("employee") else f"{portal.url}/dashboard")
    for template, expected in EXPECTED[role].items():
        got, body = status(page, portal, template.format(**vars(world)))
        assert got == expected, f"{role} {template}: {got}"
        if role.startswith("manager"):
            assert not any(secret in body for secret in MEDICAL), f"medical data in {template}"
        if template.startswith("/dashboard/export.csv") and role == "manager-b-member-a":
            assert "Carla B1" in body and "Anna A1" not in body


def test_manager_dashboard_from_real_organization_claim(page, portal, real_world):
    """The employer comes from Keycloak's organization claim in the ID token."""
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["manager-a"])
    page.wait_for_url(f"{portal.url}/dashboard")
    html = page.content()
    assert "Anna A1" in html and "Carla B1" not in html
    assert not any(secret in html for secret in MEDICAL)


def test_user_of_two_employers_switches_between_them(page, portal, real_world):
    """Manager of A and superuser of C: acts for A first, switches to C, and every page says which."""
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["manager-a-superuser-c"])
    page.wait_for_url(f"{portal.url}/dashboard")
    first, second = sorted("ac", key=lambda key: world.org_ids[key])  # the first by organization id
    names = {"a": ("Werkgever A", "Anna A1", "{case_a1}"), "c": ("Werkgever C", "Cees C1", "{case_c1}")}
    for key, other in ((first, second), (second, first)):
        if key == second:
            page.select_option("#employer-select", world.org_ids[key])
            page.click("#employer-switch-submit")
            page.wait_for_url(f"{portal.url}/dashboard")
        assert names[key][0] in page.inner_text("#acting-employer")
        html = page.content()
        assert names[key][1] in html and names[other][1] not in html
        may_invite = key == "c" and "invitations.index" in portal.app.view_functions
        assert page.locator("#link-invite").count() == may_invite  # superuser at C, only manager at A
        assert status(page, portal, "/cases/" + names[other][2].format(**vars(world)))[0] == 404
        assert status(page, portal, "/cases/" + names[key][2].format(**vars(world)))[0] == 200


def test_superuser_gets_the_invite_link_when_the_page_exists(page, portal, real_world):
    world, accounts = real_world
    sign_in_browser(page, portal.url, accounts["superuser-a"])
    page.wait_for_url(f"{portal.url}/dashboard")
    has_link = page.locator("#link-invite").count() == 1
    assert has_link == ("invitations.index" in portal.app.view_functions)
    assert page.locator("#absence-overview").count() == 1
