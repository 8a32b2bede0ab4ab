"""The dashboard's SQL (aggregates, paged list, streamed export) on PostgreSQL, the production database:
a throw-away server of Debian's PostgreSQL (scripts/cluster_pg.py) on a free loopback port."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from tests.portal_fixtures import seed_world, sign_in
from tests.unit.test_query_counts import add_employees, statements_for


@pytest.fixture
def app(postgres_app):  # the portal on PostgreSQL (tests/integration/conftest.py)
    return postgres_app


def test_aggregates_list_and_export_on_postgresql(app, postgres_url):
    from app import access
    from app.dashboard import _aggregates, absence_by_month
    from app.models import CaseStatus, Employer

    world = seed_world(app)
    add_employees(app, world.employer_a, 60)
    today = date.today()
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        employer = db.session.get(Employer, world.employer_a)
        cases = [access.case_view(c, access.MANAGER, today) for c in access.employer_cases([employer.id])]
        totals = _aggregates(employer, today)
        assert totals["months"] == absence_by_month(cases, totals["headcount"], today)
        assert totals["absent_now"] == len({c["employee_id"] for c in cases if c["status"] in CaseStatus.ABSENT})
        assert totals["long_cases"] == sum(1 for c in cases if c["is_long"])
    client = app.test_client()
    sign_in(client, app, "manager-a")
    for path in ("/dashboard", "/dashboard?status=all&sort=name&page=2&q=extra", "/dashboard/export.csv?status=all"):
        count, text = statements_for(app, client, path)
        assert "GEHEIM" not in text, path


def test_dashboard_queries_use_the_indexes_on_postgresql(app):
    """EXPLAIN (after ANALYZE) of every dashboard statement, with a big employer (20,000 employees) beside
    the manager's small one: no sequential scan of the cases or employees (the helpers of
    tests/unit/test_query_plans.py). PostgreSQL's planner is cost-based: with only a few thousand rows
    in the tables a sequential scan is cheaper than the index and rightly chosen, so the other
    employer is as big as the biggest the portal serves."""
    from tests.unit.test_query_plans import add_other_employer, full_scans

    world = seed_world(app)
    add_employees(app, world.employer_a, 60)
    add_other_employer(app, 20000)
    client = app.test_client()
    sign_in(client, app, "manager-a")
    assert full_scans(app, client) == []
