"""Case pages (issue 12.2): the arbodienst opens, updates and closes cases, the physician alone records
medical fields, managers report sick and recovered; every change is history; refusals are 404."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import AbsenceCase, AccessLog, CaseChange, CaseStatus, ProfessionalAssignment
from tests.portal_fixtures import SECRETS_A, SECRETS_B, sign_in

TODAY = date.today()


def case_of(app, case_id) -> AbsenceCase:
    with app.app_context():
        case = db.session.get(AbsenceCase, case_id)
        db.session.expunge(case)
        return case


def history(app, case_id) -> list[CaseChange]:
    with app.app_context():
        return list(db.session.scalars(db.select(CaseChange).where(CaseChange.case_id == case_id)
                                       .order_by(CaseChange.id)))


def test_physician_opens_a_case_and_it_is_history(app, client, world):
    sign_in(client, app, "physician-a")
    first = TODAY - timedelta(days=2)
    response = client.post(f"/employees/{world.a2}/cases/new",
                           data={"first_sick_day": first.isoformat(), "expected_weeks": "3", "work_possible": "Thuis"})
    assert response.status_code == 302
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    case = case_of(app, case_id)
    assert (case.first_sick_day, case.expected_recovery, case.status) == (first, first + timedelta(weeks=3), "open")
    [opened] = history(app, case_id)
    assert (opened.action, opened.actor_sub, opened.actor_role) == ("opened", "physician-a", "physician")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="case-history"' in page and "Ziekmelding" in page and "Thuis" in page


def test_a_second_open_case_is_refused_with_one_sentence(app, client, world):
    sign_in(client, app, "physician-a")
    response = client.post(f"/employees/{world.a1}/cases/new", data={"first_sick_day": TODAY.isoformat()})
    assert response.status_code == 400
    assert "al ziek gemeld" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AbsenceCase.id)).where(AbsenceCase.employee_id == world.a1)) == 1


@pytest.mark.parametrize("data,message", [
    ({"first_sick_day": (TODAY + timedelta(days=1)).isoformat()}, "in de toekomst"),
    ({"first_sick_day": "gisteren"}, "geldige datum"),
    ({"first_sick_day": TODAY.isoformat(), "expected_weeks": "0"}, "weken van 1 tot en met 104"),
])
def test_bad_sick_reports_say_why_and_change_nothing(app, client, world, data, message):
    sign_in(client, app, "physician-a")
    response = client.post(f"/employees/{world.a2}/cases/new", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert history(app, world.case_a2) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CaseChange.id))) == 0


def test_staff_updates_progress_and_a_medical_field_in_the_post_is_ignored(app, client, world):
    sign_in(client, app, "staff-b")
    recovery = TODAY + timedelta(days=10)
    response = client.post(f"/cases/{world.case_b1}/edit", data={
        "status": "partial", "expected_recovery": recovery.isoformat(), "work_possible": "Halve dagen",
        "diagnosis": "STAF-DIAGNOSE", "cause": "STAF-OORZAAK", "medical_notes": "STAF-NOTITIE"})
    assert response.status_code == 302
    case = case_of(app, world.case_b1)
    assert (case.status, case.expected_recovery, case.work_possible) == ("partial", recovery, "Halve dagen")
    assert (case.diagnosis, case.cause, case.medical_notes) == SECRETS_B
    [change] = history(app, world.case_b1)
    assert change.action == "updated" and "STAF" not in change.changes and "diagnosis" not in change.changes


def test_staff_may_not_record_medical_fields(app, client, world):
    sign_in(client, app, "staff-b")
    assert client.get(f"/cases/{world.case_b1}/medical").status_code == 404
    response = client.post(f"/cases/{world.case_b1}/medical", data={"diagnosis": "STAF-DIAGNOSE"})
    assert response.status_code == 404
    assert case_of(app, world.case_b1).diagnosis == SECRETS_B[0]
    assert history(app, world.case_b1) == []


def test_physician_records_medical_fields_history_shows_values_to_the_physician_only(app, client, world):
    sign_in(client, app, "physician-a")
    page = client.get(f"/cases/{world.case_a1}/medical")
    assert page.status_code == 200 and SECRETS_A[0] in page.get_data(as_text=True)
    response = client.post(f"/cases/{world.case_a1}/medical", data={
        "diagnosis": "NIEUWE-DIAGNOSE", "cause": SECRETS_A[1], "medical_notes": SECRETS_A[2]})
    assert response.status_code == 302
    assert case_of(app, world.case_a1).diagnosis == "NIEUWE-DIAGNOSE"
    [change] = history(app, world.case_a1)
    assert change.action == "medical" and change.actor_role == "physician"
    physician_page = client.get(f"/cases/{world.case_a1}").get_data(as_text=True)
    history_html = physician_page[physician_page.index('id="case-history"'):]
    assert f"{SECRETS_A[0]} → NIEUWE-DIAGNOSE" in history_html

    # staff serving the same employer: the entry, never its values
    with app.app_context():
        db.session.add(ProfessionalAssignment(keycloak_user_id="staff-b", employer_id=world.employer_a))
        db.session.commit()
    staff = app.test_client()
    sign_in(staff, app, "staff-b")
    staff_page = staff.get(f"/cases/{world.case_a1}").get_data(as_text=True)
    staff_history = staff_page[staff_page.index('id="case-history"'):]
    assert "medische gegevens bijgewerkt" in staff_history
    assert "NIEUWE-DIAGNOSE" not in staff_history and SECRETS_A[0] not in staff_history
    assert 'id="link-case-medical"' not in staff_page


def test_closing_a_case_is_a_hersteldmelding(app, client, world):
    sign_in(client, app, "staff-b")
    response = client.post(f"/cases/{world.case_b1}/recovery", data={"recovered_on": TODAY.isoformat()})
    assert response.status_code == 302
    case = case_of(app, world.case_b1)
    assert (case.status, case.recovered_on) == (CaseStatus.RECOVERED, TODAY)
    assert [c.action for c in history(app, world.case_b1)] == ["closed"]
    # a closed case is neither edited nor closed again
    assert client.get(f"/cases/{world.case_b1}/edit").status_code == 404
    assert client.get(f"/cases/{world.case_b1}/recovery").status_code == 404


def test_recovery_before_the_first_sick_day_is_refused(app, client, world):
    sign_in(client, app, "staff-b")
    response = client.post(f"/cases/{world.case_b1}/recovery",
                           data={"recovered_on": (TODAY - timedelta(days=30)).isoformat()})
    assert response.status_code == 400 and "voor de eerste ziektedag" in response.get_data(as_text=True)
    assert case_of(app, world.case_b1).status == CaseStatus.OPEN


# --- managers ------------------------------------------------------------------------------------------

def test_manager_reports_sick_without_medical_fields(app, client, world):
    sign_in(client, app, "manager-a")
    form = client.get("/report/sick").get_data(as_text=True)
    assert "Bram A2" in form and "Anna A1" not in form  # Anna is already absent
    assert "Carla B1" not in form  # another employer's employee
    assert "diagnosis" not in form and "Diagnose" not in form
    response = client.post("/report/sick", data={"employee_id": world.a2, "first_sick_day": TODAY.isoformat(),
                                                 "work_possible": "Licht werk", "diagnosis": "MANAGER-DIAGNOSE"})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(db.select(AbsenceCase).where(AbsenceCase.employee_id == world.a2,
                                                              AbsenceCase.status == "open"))
        assert case.diagnosis == "" and case.work_possible == "Licht werk" and case.expected_recovery is None
        assert [c.actor_role for c in case.changes] == ["manager"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "MANAGER-DIAGNOSE" not in page and 'id="case-history"' not in page


def test_manager_cannot_report_an_employee_of_another_employer(app, client, world):
    sign_in(client, app, "manager-a")
    response = client.post("/report/sick", data={"employee_id": world.b1, "first_sick_day": TODAY.isoformat()})
    assert response.status_code == 400  # not a choice
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AbsenceCase.id)).where(AbsenceCase.employee_id == world.b1)) == 1


def test_manager_reports_recovery(app, client, world):
    sign_in(client, app, "manager-a")
    form = client.get("/report/recovery").get_data(as_text=True)
    assert "Anna A1" in form and SECRETS_A[0] not in form
    response = client.post("/report/recovery", data={"case_id": world.case_a1, "recovered_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert case_of(app, world.case_a1).status == CaseStatus.RECOVERED
    assert [(c.action, c.actor_role) for c in history(app, world.case_a1)] == [("closed", "manager")]
    # the manager's case page offers the hersteldmelding, never the arbodienst's forms
    sign_in(client, app, "manager-b")
    assert client.post("/report/recovery", data={"case_id": world.case_a1,
                                                 "recovered_on": TODAY.isoformat()}).status_code == 400


def test_manager_case_page_offers_recovery_only(app, client, world):
    sign_in(client, app, "manager-a")
    page = client.get(f"/cases/{world.case_a1}").get_data(as_text=True)
    assert 'id="link-case-recovery"' in page
    assert 'id="link-case-edit"' not in page and 'id="link-case-medical"' not in page
    assert not any(secret in page for secret in SECRETS_A)
    assert client.get(f"/cases/{world.case_a1}/edit").status_code == 404
    assert client.get(f"/cases/{world.case_a1}/medical").status_code == 404


def test_dashboard_links_to_the_reports(app, client, world):
    sign_in(client, app, "manager-a")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="link-report-sick"' in page and 'id="link-report-recovery"' in page


# --- role x employer x object: refusals look like nonexistent ids ------------------------------------

MISSING = "00000000-0000-4000-8000-000000000000"


def comparable(response, *ids: str) -> str:
    """The page without what differs by design: the id in its own path, and the CSRF token."""
    html = response.get_data(as_text=True)
    for object_id in ids:
        html = html.replace(object_id, "ID")
    return re.sub(r'(name="(?:csrf_token|next)"[^>]*?value=")[^"]*"', r'\1"', html)


@pytest.mark.parametrize("sub", ["employee-a1", "employee-b1", "manager-b", "staff-b", "nobody", "manager-b-member-a",
                                 "manager-d-new", "realm-manager"])
@pytest.mark.parametrize("template", ["/employees/{employee}/cases/new", "/cases/{case}/edit", "/cases/{case}/medical",
                                      "/cases/{case}/recovery"])
def test_foreign_ids_are_the_same_404_as_missing_ones(app, client, world, sub, template):
    sign_in(client, app, sub)
    foreign = client.get(template.format(employee=world.a1, case=world.case_a1))
    missing = client.get(template.format(employee=MISSING, case=MISSING))
    posted = client.post(template.format(employee=world.a1, case=world.case_a1),
                         data={"first_sick_day": TODAY.isoformat(), "recovered_on": TODAY.isoformat(),
                               "diagnosis": "X", "status": "partial"})
    assert foreign.status_code == missing.status_code == posted.status_code == 404
    assert comparable(foreign, world.a1, world.case_a1) == comparable(missing, MISSING)
    assert case_of(app, world.case_a1).status == CaseStatus.OPEN and history(app, world.case_a1) == []


@pytest.mark.parametrize("guess", ["1", "../etc/passwd", "%27%20OR%201=1--", MISSING])
@pytest.mark.parametrize("template", ["/employees/{}/cases/new", "/cases/{}/edit", "/cases/{}/medical",
                                      "/cases/{}/recovery"])
def test_guessed_ids_are_404(app, client, world, guess, template):
    sign_in(client, app, "physician-a")
    assert client.get(template.format(guess)).status_code == 404


@pytest.mark.parametrize("sub", ["employee-a1", "physician-a", "staff-b", "nobody", "realm-manager"])
@pytest.mark.parametrize("path", ["/report/sick", "/report/recovery"])
def test_only_managers_report(app, client, world, sub, path):
    sign_in(client, app, sub)
    assert client.get(path).status_code == 404


def test_every_page_with_personal_data_is_logged(app, client, world):
    sign_in(client, app, "physician-a")
    for path in (f"/employees/{world.a2}/cases/new", f"/cases/{world.case_a1}/edit", f"/cases/{world.case_a1}/medical",
                 f"/cases/{world.case_a1}/recovery"):
        assert client.get(path).status_code == 200
    sign_in(client, app, "manager-a")
    client.get("/report/sick")
    client.get("/report/recovery")
    with app.app_context():
        rows = list(db.session.scalars(db.select(AccessLog).order_by(AccessLog.id)))
    actions = [(r.actor_sub, r.actor_role, r.action, r.employee_id, r.employer_id) for r in rows]
    assert actions == [
        ("physician-a", "physician", "case-form", world.a2, world.employer_a),
        ("physician-a", "physician", "case-form", world.a1, world.employer_a),
        ("physician-a", "physician", "case-form", world.a1, world.employer_a),
        ("physician-a", "physician", "case-form", world.a1, world.employer_a),
        ("manager-a", "manager", "case-report-form", None, world.employer_a),
        ("manager-a", "manager", "case-report-form", None, world.employer_a),
    ]


def test_demo_cases_are_made_through_the_case_records(app):
    """No separate inserts: every demo case has the history the case pages would have written."""
    from scripts.demo_data import DEMO_CASES, DEMO_EMPLOYEES, load_demo

    with app.app_context():
        load_demo("e0e0e0e0-0000-4000-8000-000000000088", "ek88", {p["email"]: f"kc-{i}" for i, p in enumerate(DEMO_EMPLOYEES)})
        cases = list(db.session.scalars(db.select(AbsenceCase)))
        assert len(cases) == len(DEMO_CASES)
        for case in cases:
            actions = [change.action for change in reversed(case.changes)]
            assert actions[:2] == ["opened", "medical"]
            assert ("closed" in actions) == (case.status == CaseStatus.RECOVERED)


def test_one_day_is_singular(app, client, world):
    sign_in(client, app, "physician-a")
    response = client.post(f"/employees/{world.a2}/cases/new", data={"first_sick_day": TODAY.isoformat()})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "(1 dag)" in page and "1 dagen" not in page
