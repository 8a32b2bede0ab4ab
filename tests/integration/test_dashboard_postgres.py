"""The dashboard's SQL (aggregates, paged list, streamed export) on PostgreSQL, the production database:
a throw-away server of Debian's PostgreSQL (scripts/cluster_pg.py) on a free loopback port."""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

from app import create_app
from app.config import load_settings
from app.extensions import db
from tests.portal_fixtures import seed_world, sign_in
from tests.support import free_port
from tests.unit.test_query_counts import add_employees, statements_for

cluster_pg = pytest.importorskip("scripts.cluster_pg")


@pytest.fixture(scope="module")
def postgres_server():
    try:
        cluster_pg.program("initdb")
    except cluster_pg.ClusterError as exc:
        pytest.skip(str(exc))
    directory = Path(tempfile.mkdtemp(prefix="arbo-dashboard-pg-"))
    os.chmod(directory, 0o755)  # the server runs as Debian's postgres user when the tests run as root
    server = cluster_pg.Postgres(directory / "pg", free_port(), secrets.token_urlsafe(24))
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database (and role) per test on the module's server."""
    name = "portal_" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40]
    password = secrets.token_urlsafe(24)
    postgres_server.ensure_database(name, password)
    return f"postgresql+psycopg://{name}:{password}@127.0.0.1:{postgres_server.port}/{name}"


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=postgres_url, documents_dir=str(tmp_path / "documents"))
    app = create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
