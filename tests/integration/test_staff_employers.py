"""The arbodienst's staff add, rename and remove employers on the staff pages (issue 12.1), against a
real Keycloak: the same code path as `provision employer create|rename|delete` (app.employer_records),
a confirmation that says what is kept, a CSRF-protected POST, the act in the security log, 404 for
anyone not allowed, and after removal the employer gone from every overview and its members' pages."""

import logging
import uuid

import pytest

from app import keycloak as kc
from app.extensions import db
from app.models import Employee, Employer, ProfessionalAssignment
from tests.integration.test_account_help import _client, _csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def world(portal):
    from tests.portal_fixtures import provision_real_world

    return provision_real_world(portal, only=("manager-b", "employee-b1", "staff-b", "physician-a", "superuser-a"))


def _record(portal, organization_id):
    with portal.app.app_context():
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization_id))
        db.session.expunge_all()
        return employer


def test_staff_create_and_rename_an_employer_through_the_cli_code_path(portal, world):
    ids, accounts = world
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    name = f"Bakkerij {uuid.uuid4().hex[:6]}"

    page = staff.get("/staff/employers/new")
    assert page.status_code == 200
    refused = staff.post("/staff/employers/new", data={"name": name, "domain": "bakkerij.nl"})
    assert refused.status_code == 400  # no CSRF token: Flask-WTF refuses, nothing is made
    assert kc.organizations.find_organization(portal.admin, name) is None
    token = _csrf(page.get_data(as_text=True))
    bad = staff.post("/staff/employers/new", data={"name": name, "domain": "geen domein", "csrf_token": token})
    assert "Vul een e-maildomein in zoals ek88.nl." in bad.get_data(as_text=True)
    created = staff.post("/staff/employers/new", data={"name": name, "domain": "Bakkerij.NL", "csrf_token": token})
    assert created.status_code == 302

    organization = kc.organizations.find_organization(portal.admin, name)
    assert organization and [d["name"] for d in organization["domains"]] == ["bakkerij.nl"]
    record = _record(portal, organization["id"])
    assert record.name == name and record.keycloak_org_alias == kc.organizations.alias(name)
    assert name in staff.get("/staff").get_data(as_text=True)  # who adds it, serves it
    again = staff.post("/staff/employers/new", data={"name": name, "domain": "bakkerij.nl", "csrf_token": token})
    assert "Er is al een werkgever met deze naam." in again.get_data(as_text=True)

    url = f"/staff/employers/{organization['id']}/rename"
    token = _csrf(staff.get(url).get_data(as_text=True))
    other = kc.organizations.organization_by_id(portal.admin, ids.org_ids["a"])["name"]
    taken = staff.post(url, data={"name": other, "csrf_token": token})
    assert taken.status_code == 400 and "Er is al een werkgever met deze naam." in taken.get_data(as_text=True)
    new_name = f"{name} Holding"
    assert staff.post(url, data={"name": new_name, "csrf_token": token}).status_code == 302
    assert kc.organizations.organization_by_id(portal.admin, organization["id"])["name"] == new_name
    record_after = _record(portal, organization["id"])
    assert (record_after.id, record_after.name) == (record.id, new_name)  # the same record, still bound


def test_removing_an_employer_says_what_is_kept_archives_and_locks_its_members_out(portal, world, caplog):
    ids, accounts = world
    org_b = ids.org_ids["b"]
    staff = _client(portal, accounts["staff-b"], roles=["staff"])
    manager = _client(portal, accounts["manager-b"], employers={org_b: ["manager"]}, acting_for=org_b)
    employee = _client(portal, accounts["employee-b1"], roles=["employee"], employers={org_b: []})
    url = f"/staff/employers/{org_b}/archive"
    assert manager.get(f"/cases/{ids.case_b1}").status_code == 200 and "Carla" in manager.get("/dashboard").get_data(as_text=True)
    assert employee.get(f"/dossier/{ids.b1}").status_code == 200 and staff.get(f"/dossier/{ids.b1}").status_code == 200

    # nobody else may: another role, the physician (not serving B), a superuser of another employer
    physician = _client(portal, accounts["physician-a"], roles=["physician"])
    superuser_a = _client(portal, accounts["superuser-a"], employers={ids.org_ids["a"]: ["manager", "superuser"]})
    for client in (manager, employee, physician, superuser_a):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code in (400, 404)  # CSRF is checked first, for every POST alike
        assert client.get(f"/staff/employers/{org_b}/rename").status_code == 404
    other_staff = _client(portal, accounts["physician-a"], roles=["staff"])  # staff, but not serving B
    assert other_staff.get(url).status_code == 404
    assert _record(portal, org_b).archived_at is None

    confirmation = staff.get(url)
    text = confirmation.get_data(as_text=True)
    assert confirmation.status_code == 200
    assert "1 dossier," in text and "1 verzuimmelding" in text and "1 document " in text
    assert "20 jaar bewaard" in text and "WGBO" in text and "Er wordt niets verwijderd" in text
    assert "verliezen hun toegang" in text
    assert staff.post(url).status_code == 400  # without the form's CSRF token nothing happens
    assert _record(portal, org_b).archived_at is None

    with caplog.at_level(logging.INFO, logger="arbo.security"):
        assert staff.post(url, data={"csrf_token": _csrf(text)}).status_code == 302
    events = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "employer.archived"]
    assert len(events) == 1 and events[0]["employer"] == org_b and events[0]["actor"] == accounts["staff-b"].user_id

    # Keycloak: the organization and its role groups are gone; the portal: archived, nothing deleted
    with pytest.raises(kc.errors.NotFound):
        kc.organizations.organization_by_id(portal.admin, org_b)
    record = _record(portal, org_b)
    assert record.archived_at is not None
    with portal.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Employee.id)).where(Employee.employer_id == record.id)) == 1
        assert db.session.scalar(db.select(ProfessionalAssignment).where(ProfessionalAssignment.employer_id == record.id))

    # gone from every overview, and the members' pages answer 404 (as for an id that does not exist)
    overview = staff.get("/staff").get_data(as_text=True)
    assert "is verwijderd; de dossiers zijn gearchiveerd en worden 20 jaar bewaard" in overview  # the flash
    assert f"<h2>{record.name}</h2>" not in overview and "Carla" not in overview
    assert staff.get(url).status_code == 404
    assert "Carla" not in manager.get("/dashboard").get_data(as_text=True)
    for client in (manager, employee, staff):
        assert client.get(f"/dossier/{ids.b1}").status_code == 404
        assert client.get(f"/cases/{ids.case_b1}").status_code == 404
        assert client.get(f"/documents/{ids.b1_employee}").status_code == 404
