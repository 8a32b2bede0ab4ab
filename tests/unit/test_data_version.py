"""The dashboard's cached aggregates follow every write (issue 14): Employer.data_version rises with any
ORM write to the employer's employees or cases, and the next dashboard shows the new figures."""

from datetime import date, timedelta

from app.extensions import db
from app.models import AbsenceCase, CaseStatus, Employee, Employer
from tests.portal_fixtures import sign_in


def version(app, employer_id):
    with app.app_context():
        return db.session.get(Employer, employer_id).data_version


def absent_now(client) -> str:
    html = client.get("/dashboard").get_data(as_text=True)
    return html.split('id="stat-absent">', 1)[1].split("<", 1)[0]


def test_writes_raise_the_version_of_that_employer_only(app, world):
    before_b = version(app, world.employer_b)
    seen = [version(app, world.employer_a)]

    def change_case():
        db.session.get(AbsenceCase, world.case_a1).work_possible = "Anders"

    def new_employee_with_case():
        employee = Employee(employer_id=world.employer_a, name="Nieuw", email="nieuw@example.nl")
        db.session.add(employee)
        db.session.flush()
        db.session.add(AbsenceCase(employee_id=employee.id, first_sick_day=date.today(), status=CaseStatus.OPEN))

    def delete_case():
        db.session.delete(db.session.get(AbsenceCase, world.case_a2))

    def rename_employee():
        db.session.get(Employee, world.a1).name = "Anna Anders"

    for write in (change_case, new_employee_with_case, delete_case, rename_employee):
        with app.app_context():
            write()
            db.session.commit()
        seen.append(version(app, world.employer_a))
        assert seen[-1] > seen[-2], write.__name__
    assert version(app, world.employer_b) == before_b


def test_dashboard_figures_follow_a_write_after_being_cached(app, client, world):
    sign_in(client, app, "manager-a")
    first = absent_now(client)
    assert absent_now(client) == first  # served from the cache
    with app.app_context():
        employee = Employee(employer_id=world.employer_a, name="Zieke Nieuw", email="zn@example.nl")
        db.session.add(employee)
        db.session.flush()
        db.session.add(AbsenceCase(employee_id=employee.id, first_sick_day=date.today() - timedelta(days=1),
                                   status=CaseStatus.OPEN))
        db.session.commit()
    assert int(absent_now(client)) == int(first) + 1
