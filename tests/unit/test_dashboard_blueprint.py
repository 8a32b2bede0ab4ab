"""The manager dashboard: overview numbers, chart, filters, CSV export; other roles' landing page."""

from datetime import date, timedelta

import pytest

from app.dashboard import absence_by_month, chart
from tests.portal_fixtures import SECRETS_A, SECRETS_B, sign_in


def test_manager_sees_the_overview_of_their_own_employer(app, client, world):
    sign_in(client, app, "manager-a")
    page = client.get("/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="signed-in-as"' in html and 'id="roles"' in html
    assert "Werkgever A" in html and "Anna A1" in html
    assert "Carla B1" not in html  # employer B's employee
    assert 'id="stat-absent">1<' in html  # A1 absent now, A2 recovered
    assert 'id="stat-long">1<' in html  # A1 absent for 60 days
    assert "<svg" in html and 'class="bar"' in html
    assert page.headers["Cache-Control"] == "no-store"


def test_the_headcount_leaves_out_who_has_left(app, client, world):
    from app.extensions import db
    from app.models import Employee

    sign_in(client, app, "manager-a")
    assert "nu afwezig (van 2)" in client.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        db.session.get(Employee, world.a2).left_on = date.today() - timedelta(days=1)  # marked by the HR import
        db.session.commit()
    assert "nu afwezig (van 1)" in client.get("/dashboard").get_data(as_text=True)


def test_filters(app, client, world):
    sign_in(client, app, "manager-a")
    assert "Bram A2" not in client.get("/dashboard").get_data(as_text=True)  # default: absent now
    assert "Bram A2" in client.get("/dashboard?status=recovered").get_data(as_text=True)
    html = client.get("/dashboard?status=all&q=bram").get_data(as_text=True)
    assert "Bram A2" in html and "Anna A1" not in html
    assert "Bram A2" not in client.get("/dashboard?status=all&long=1").get_data(as_text=True)


def test_csv_export_has_the_manager_fields_only(app, client, world):
    sign_in(client, app, "manager-a")
    export = client.get("/dashboard/export.csv?status=all")
    text = export.get_data(as_text=True)
    assert export.mimetype == "text/csv"
    assert text.splitlines()[0] == "employee_name;first_sick_day;expected_recovery;recovered_on;status;days_absent;work_possible"
    assert "Anna A1" in text and "Bram A2" in text and "Carla B1" not in text
    assert not any(secret in text for secret in SECRETS_A + SECRETS_B)


def test_a_manager_cannot_pick_another_employer(app, client, world):
    sign_in(client, app, "manager-a")
    html = client.get(f"/dashboard?employer={world.employer_b}&status=all").get_data(as_text=True)
    assert "Carla B1" not in html and "Werkgever A" in html


@pytest.mark.parametrize("path", ["/", "/dashboard", "/dashboard?status=all"])
def test_an_employee_lands_on_their_dossier(app, client, world, path):
    sign_in(client, app, "employee-a1")
    response = client.get(path)
    assert response.status_code == 302 and response.location == "/dossier"
    assert "Anna A1" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("sub", ["manager-a", "superuser-a", "manager-b-member-a", "physician-a", "staff-b"])
def test_managers_and_the_arbodienst_land_on_the_overview(app, client, world, sub):
    sign_in(client, app, sub)
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/dashboard"
    assert client.get("/dashboard").status_code == 200


def test_an_employee_who_also_manages_lands_on_the_overview(app, client, world):
    from app.auth import session_user_from_claims
    from tests.portal_fixtures import claims_of

    sign_in(client, app, "manager-a")
    with client.session_transaction() as session:  # the same person, also an employee (realm role)
        session["user"] = session_user_from_claims(claims_of("manager-a") | {"roles": ["employee"]})
    assert client.get("/").location == "/dashboard"
    assert 'id="absence-overview"' in client.get("/dashboard").get_data(as_text=True)


def test_invite_link_only_for_superusers_and_only_when_the_page_exists(app, client, world):
    sign_in(client, app, "superuser-a")
    html = client.get("/dashboard").get_data(as_text=True)
    assert ('id="link-invite"' in html) == ("invitations.index" in app.view_functions)
    sign_in(client, app, "manager-a")
    assert 'id="link-invite"' not in client.get("/dashboard").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_absence_by_month_counts_calendar_days():
    today = date(2026, 3, 10)
    cases = [{"first_sick_day": date(2026, 3, 1), "recovered_on": None},
             {"first_sick_day": date(2026, 1, 30), "recovered_on": date(2026, 2, 2)}]
    months = absence_by_month(cases, headcount=2, today=today, months=3)
    assert [m["label"] for m in months] == ["jan 26", "feb 26", "mrt 26"]
    assert [m["absent_days"] for m in months] == [2, 2, 10]
    assert months[2]["capacity"] == 20 and months[2]["percentage"] == 50.0
    geometry = chart(months)
    assert len(geometry["bars"]) == 3 and geometry["bars"][2]["height"] > geometry["bars"][0]["height"]


def test_chart_without_employees_does_not_divide_by_zero():
    months = absence_by_month([], headcount=0, today=date.today() - timedelta(days=1), months=2)
    assert all(m["percentage"] == 0.0 for m in months)
    assert chart(months)["bars"][0]["height"] == 0
