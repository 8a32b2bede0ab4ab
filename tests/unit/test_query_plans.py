"""The dashboard's queries use the indexes (issue 14): EXPLAIN every statement of the dashboard's
paths with another, larger employer in the same tables, and fail on a full scan of the cases or
employees. SQLite here (EXPLAIN QUERY PLAN); PostgreSQL (EXPLAIN, after ANALYZE) in
tests/integration/test_dashboard_postgres.py with the same helpers."""

from __future__ import annotations

import re

from sqlalchemy import event

from scripts.demo_data import bulk_employer
from app.extensions import db
from app.models import Employer
from tests.portal_fixtures import ORG, sign_in
from tests.unit.test_query_counts import add_employees

# the employee list (app.employees) of employer A, by each sort, searched, with leavers, a later page
EMPLOYEE_LIST_PATHS = tuple(f"/employers/{ORG['a']}/employees?{query}" for query in (
    "", "sort=department", "sort=start_date&leavers=1", "q=extra&sort=name&page=2", "q=P-00&sort=department"))
DASHBOARD_PATHS = ("/dashboard", "/dashboard?status=all&sort=name&q=extra&page=2",
                   "/dashboard?status=recovered&sort=expected_recovery", "/dashboard?long=1&sort=status",
                   "/dashboard/export.csv?status=all")
BIG_TABLES = ("absence_case", "employee")
# a full scan of a table: SQLite's "SCAN t" (also "SCAN t USING [COVERING] INDEX i": every entry), PostgreSQL's Seq Scan
FULL_SCAN = {"sqlite": re.compile(r"^SCAN (absence_case|employee)\b"),
             "postgresql": re.compile(r"Seq Scan on (absence_case|employee)\b")}


def add_other_employer(app, employees: int = 3000) -> None:
    """Another employer's rows in the same tables: a query that scans them instead of using an index
    shows up in the plan."""
    with app.app_context():
        other = Employer(name="Andere BV", keycloak_org_id="eeeeeeee-0000-4000-8000-00000000000e")
        db.session.add(other)
        db.session.flush()
        bulk_employer(other, employees, employees // 7)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()


def plans_for(app, client, paths) -> list[tuple[str, str, list[str]]]:
    """(path, statement, plan lines) for every SELECT on the big tables that the paths run."""
    captured = []
    with app.app_context():
        engine = db.engine
    dialect = engine.dialect.name

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and any(t in statement for t in BIG_TABLES):
            captured.append((current_path, statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for current_path in paths:
            assert client.get(current_path).status_code == 200, current_path
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    result = []
    with engine.connect() as connection:
        for path, statement, parameters in captured:
            if dialect == "sqlite":
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                lines = [row[3] for row in rows]
            else:
                lines = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()]
            result.append((path, statement, lines))
    return result


def full_scans(app, client, paths=DASHBOARD_PATHS) -> list[tuple[str, str, list[str]]]:
    with app.app_context():
        pattern = FULL_SCAN[db.engine.dialect.name]
    found = plans_for(app, client, paths)
    assert found, "no statement captured"
    return [(path, " ".join(statement.split())[:200], lines) for path, statement, lines in found
            if any(pattern.search(line.strip().lstrip("->").strip()) for line in lines)]


def test_dashboard_queries_never_scan_all_cases_or_employees(app, client, world):
    add_employees(app, world.employer_a, 60)
    add_other_employer(app)
    sign_in(client, app, "manager-a")
    assert full_scans(app, client) == []


def test_employee_list_queries_never_scan_all_employees(app, client, world):
    add_employees(app, world.employer_a, 60)
    add_other_employer(app)
    sign_in(client, app, "manager-a")
    assert full_scans(app, client, EMPLOYEE_LIST_PATHS) == []


def test_employee_list_reads_a_sorted_page_from_the_index_without_sorting_the_employer(app, client, world):
    """Unsearched, each sort is served in order by an index of employer_id and the sort column
    (migrations 0004 and 0008): no temporary B-tree over all the employer's rows for the ORDER BY."""
    add_employees(app, world.employer_a, 60)
    sign_in(client, app, "manager-a")
    paths = [f"/employers/{ORG['a']}/employees?sort={sort}" for sort in ("name", "department", "start_date")]
    pages = [(path, lines) for path, statement, lines in plans_for(app, client, paths) if "LIMIT" in statement]
    assert len(pages) == 3
    for path, lines in pages:
        assert any("USING INDEX ix_employee_employer_" in line for line in lines), (path, lines)
