"""The employee list (issue 12: the overview lists the employer's employees): who may see which
employer's list, what it shows (non-medical data only), search, sort, leavers, pages, the access log."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import AccessLog, Employee
from tests.portal_fixtures import ORG, SECRETS_A, SECRETS_B, sign_in

A_LIST, B_LIST = f"/employers/{ORG['a']}/employees", f"/employers/{ORG['b']}/employees"


def html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def set_employee(app, employee_id: str, **values) -> None:
    with app.app_context():
        employee = db.session.get(Employee, employee_id)
        for name, value in values.items():
            setattr(employee, name, value)
        db.session.commit()


def test_a_manager_sees_the_names_of_their_employers_employees_and_nothing_medical(app, client, world):
    set_employee(app, world.a1, personnel_number="P-001", department="Bakkerij", start_date=date(2020, 1, 1))
    sign_in(client, app, "manager-a")
    page = html(client, A_LIST)
    assert "Anna A1" in page and "Bram A2" in page and "Carla B1" not in page
    assert "P-001" in page and "Bakkerij" in page and "1 januari 2020" in page
    first_sick_day = date.today() - timedelta(days=60)  # A1 is absent, A2 recovered
    assert f"ja, sinds {first_sick_day.day} " in page and "nee" in page
    assert not any(secret in page for secret in SECRETS_A + SECRETS_B)
    assert f'href="/dossier/{world.a1}"' not in page  # a manager has no dossier page to go to


def test_the_overview_links_to_the_list(app, client, world):
    sign_in(client, app, "manager-a")
    assert f'href="{A_LIST}"' in html(client, "/dashboard")
    response = client.get("/employees")
    assert response.status_code == 302 and response.location == A_LIST


@pytest.mark.parametrize("sub, path", [("physician-a", A_LIST), ("staff-b", B_LIST)])
def test_the_arbodienst_sees_the_lists_of_the_employers_it_serves_with_dossier_links(app, client, world, sub, path):
    sign_in(client, app, sub)
    assert f'href="{path}"' in html(client, "/dashboard")
    page = html(client, path)
    employee_id = world.a1 if path == A_LIST else world.b1
    assert f'href="/dossier/{employee_id}"' in page


@pytest.mark.parametrize("sub, path", [
    ("manager-a", B_LIST), ("manager-b", A_LIST), ("manager-b-member-a", A_LIST), ("physician-a", B_LIST),
    ("staff-b", A_LIST), ("employee-a1", A_LIST), ("realm-manager", A_LIST), ("nobody", A_LIST),
    ("manager-d-new", f"/employers/{ORG['d_old']}/employees"), ("manager-a", f"/employers/{uuid.uuid4()}/employees"),
    ("manager-a", "/employers/werkgever-a/employees"), ("employee-a1", "/employees"), ("physician-a", "/employees"),
])
def test_any_other_employer_is_404(app, client, world, sub, path):
    sign_in(client, app, sub)
    assert client.get(path).status_code == 404


def test_a_manager_of_two_employers_sees_the_one_acted_for(app, client, world):
    sign_in(client, app, "manager-a-superuser-c", acting_for=ORG["c"])
    assert "Cees C1" in html(client, f"/employers/{ORG['c']}/employees")
    assert client.get(A_LIST).status_code == 404  # switch first


def test_leavers_only_when_asked(app, client, world):
    set_employee(app, world.a2, left_on=date.today() - timedelta(days=1))
    sign_in(client, app, "manager-a")
    assert "Bram A2" not in html(client, A_LIST)
    page = html(client, A_LIST + "?leavers=1")
    assert "Bram A2" in page and "uit dienst" in page


def test_search_by_name_or_personnel_number(app, client, world):
    set_employee(app, world.a2, personnel_number="X-77")
    sign_in(client, app, "manager-a")
    page = html(client, A_LIST + "?q=anna")
    assert "Anna A1" in page and "Bram A2" not in page
    page = html(client, A_LIST + "?q=x-7")
    assert "Bram A2" in page and "Anna A1" not in page
    assert "Geen werknemers" in html(client, A_LIST + "?q=%25")  # % is a literal, not a wildcard


def test_sort_by_department_and_start_date(app, client, world):
    set_employee(app, world.a1, department="Winkel", start_date=date(2019, 5, 1))
    set_employee(app, world.a2, department="Bakkerij", start_date=date(2021, 2, 1))
    sign_in(client, app, "manager-a")
    order = lambda page: page.index("Anna A1") < page.index("Bram A2")  # noqa: E731
    assert order(html(client, A_LIST + "?sort=name"))
    assert not order(html(client, A_LIST + "?sort=department"))
    assert order(html(client, A_LIST + "?sort=start_date"))
    assert order(html(client, A_LIST + "?sort=nonsense&page=abc"))  # unknown values: the defaults


def test_pages(app, client, world):
    from app.employees import PAGE_SIZE

    with app.app_context():
        db.session.add_all([Employee(employer_id=world.employer_a, name=f"Extra {i:03d}", email=f"x{i}@example.nl")
                            for i in range(PAGE_SIZE + 5)])
        db.session.commit()
    sign_in(client, app, "manager-a")
    first = html(client, A_LIST)
    assert first.count("data-employee-id=") == PAGE_SIZE and 'rel="next"' in first
    assert f"{PAGE_SIZE + 7} werknemers" in first
    last = html(client, A_LIST + "?page=999")  # past the end: the last page
    assert last.count("data-employee-id=") == 7 and 'rel="prev"' in last


def test_every_employee_shown_is_logged_and_sees_it(app, client, world):
    sign_in(client, app, "manager-a")
    html(client, A_LIST)
    with app.app_context():
        rows = db.session.scalars(db.select(AccessLog).where(AccessLog.action == "employee-list")).all()
        assert sorted((r.employee_id, r.employer_id, r.object_id, r.actor_sub, r.actor_role) for r in rows) == sorted(
            (e, world.employer_a, world.employer_a, "manager-a", "manager") for e in (world.a1, world.a2))
    employee = app.test_client()
    sign_in(employee, app, "employee-a1")
    assert "werknemerslijst van uw werkgever bekeken" in html(employee, "/dossier/access-log")


def test_a_refused_list_writes_no_row(app, client, world):
    sign_in(client, app, "manager-b")
    assert client.get(A_LIST).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AccessLog)) == 0
