"""The dashboard, dossier and case pages cost the same number of SQL statements for 10 or 200 employees,
and the dashboard shows one page of the list, not the whole employer (issue 14)."""

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from app.dashboard import PAGE_SIZE
from app.extensions import db
from app.models import AbsenceCase, CaseStatus, Employee
from tests.portal_fixtures import sign_in


def add_employees(app, employer_id: str, count: int) -> None:
    today = date.today()
    with app.app_context():
        for i in range(count):
            employee = Employee(employer_id=employer_id, name=f"Extra {i:04d}", email=f"extra{i}@example.nl")
            db.session.add(employee)
            db.session.flush()
            db.session.add(AbsenceCase(employee_id=employee.id, first_sick_day=today - timedelta(days=i % 300),
                                       status=CaseStatus.OPEN if i % 2 else CaseStatus.RECOVERED,
                                       recovered_on=None if i % 2 else today - timedelta(days=(i % 300) // 2),
                                       work_possible="", diagnosis="GEHEIM", cause="", medical_notes=""))
        db.session.commit()


@contextmanager
def counting(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_for(app, client, path: str) -> tuple[int, str]:
    client.get(path)  # warm: the first request of a session does one-off session bookkeeping
    with counting(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements), response.get_data(as_text=True)


def test_statement_count_does_not_grow_with_the_employer(app, client, world):
    sign_in(client, app, "manager-a")
    paths = ("/dashboard", "/dashboard?status=all&sort=name&page=2", "/dashboard/export.csv?status=all")
    add_employees(app, world.employer_a, 10)
    small = {path: statements_for(app, client, path)[0] for path in paths}
    add_employees(app, world.employer_a, 190)
    large = {path: statements_for(app, client, path)[0] for path in paths}
    assert large == small


def test_dossier_and_case_pages_do_not_grow_with_the_employer(app, client, world):
    sign_in(client, app, "physician-a")
    paths = (f"/dossier/{world.a1}", f"/cases/{world.case_a1}")
    add_employees(app, world.employer_a, 10)
    small = {path: statements_for(app, client, path)[0] for path in paths}
    add_employees(app, world.employer_a, 190)
    large = {path: statements_for(app, client, path)[0] for path in paths}
    assert large == small
    assert all(count <= 12 for count in large.values()), large


def test_dashboard_shows_one_page_and_pages_on(app, client, world):
    sign_in(client, app, "manager-a")
    add_employees(app, world.employer_a, 200)
    _, html = statements_for(app, client, "/dashboard?status=all&sort=name")
    assert html.count('href="/cases/') <= PAGE_SIZE
    assert "Anna A1" in html and "Extra 0047" in html and "Extra 0048" not in html  # by name: A, B, then E
    assert 'id="cases-pages"' in html and 'rel="next"' in html
    _, last = statements_for(app, client, "/dashboard?status=all&sort=name&page=999")
    assert "Extra 0199" in last and 'rel="next"' not in last


def test_bad_list_parameters_fall_back_to_defaults(app, client, world):
    sign_in(client, app, "manager-a")
    for query in ("page=abc", "page=-4", "sort=diagnosis", "sort=id;drop", "status=medical", "q=" + "x" * 5000,
                  "q=%25", "q=_"):
        response = client.get(f"/dashboard?{query}")
        assert response.status_code == 200, query
    assert "Anna A1" not in client.get("/dashboard?q=%25").get_data(as_text=True)  # % is a literal, not a wildcard


def test_streamed_export_keeps_medical_fields_out(app, client, world):
    sign_in(client, app, "manager-a")
    add_employees(app, world.employer_a, 120)
    response = client.get("/dashboard/export.csv?status=all")
    text = response.get_data(as_text=True)
    assert len(text.splitlines()) == 1 + 2 + 120
    assert "GEHEIM" not in text


def test_sql_aggregates_match_the_per_case_reference(app, world):
    """The one-statement SQL series gives the same month figures as the per-case Python reference."""
    from app import access
    from app.dashboard import _aggregates, absence_by_month
    from app.models import Employer

    add_employees(app, world.employer_a, 60)
    today = date.today()
    with app.app_context():
        employer = db.session.get(Employer, world.employer_a)
        cases = [access.case_view(c, access.MANAGER, today) for c in access.employer_cases([employer.id])]
        totals = _aggregates(employer, today)
        assert totals["months"] == absence_by_month(cases, totals["headcount"], today)
        assert totals["headcount"] == 62
        assert totals["absent_now"] == len({c["employee_id"] for c in cases if c["status"] in CaseStatus.ABSENT})
        assert totals["long_cases"] == sum(1 for c in cases if c["is_long"])


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() in ("wal", "memory")
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


PAGE_TABLES = ("employee", "employer", "absence_case", "document", "professional_assignment")


def page_reads(statements: list[str]) -> list[str]:
    """The statements that read the page's own data (not the session row, not the access log's append)."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")
            and any(f"FROM {table}" in s for table in PAGE_TABLES)]


def test_dossier_and_case_page_read_their_data_in_one_or_two_statements(app, client, world):
    """The own dossier: the employee with employer and cases, then the documents; the case page: the
    case with its employee. Nothing is read again after the access log's commit."""
    sign_in(client, app, "employee-a1")
    for path, most in (("/dossier", 2), (f"/cases/{world.case_a1}", 1)):
        client.get(path)
        with counting(app) as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        assert len(page_reads(statements)) <= most, (path, page_reads(statements))
    sign_in(client, app, "physician-a")  # a professional: one more read, the employer assignment
    client.get(f"/dossier/{world.a1}")
    with counting(app) as statements:
        assert client.get(f"/dossier/{world.a1}").status_code == 200
    assert len(page_reads(statements)) <= 3, page_reads(statements)


def test_employee_list_is_one_count_and_one_page_whatever_the_employer_size(app, client, world):
    from app.employees import PAGE_SIZE
    from tests.portal_fixtures import ORG

    sign_in(client, app, "manager-a")
    path = f"/employers/{ORG['a']}/employees?sort=department&page=2"
    add_employees(app, world.employer_a, 2 * PAGE_SIZE)  # the page is full: as many rows logged either way
    small, _ = statements_for(app, client, path)
    add_employees(app, world.employer_a, 200)
    with counting(app) as statements:
        assert client.get(path).status_code == 200
    assert len(statements) == small
    employee_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM employee" in s]
    assert len(employee_reads) == 2, employee_reads
    assert "count(" in employee_reads[0].lower() and "LIMIT" in employee_reads[1]
