"""Case pages, history and the case import on PostgreSQL, the production database (migration 0005,
the import's one transaction and its dry-run rollback)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import AbsenceCase, CaseChange, CaseStatus
from tests.portal_fixtures import ORG, seed_world, sign_in

pytestmark = pytest.mark.integration


@pytest.fixture
def app(postgres_app):  # the portal on PostgreSQL (tests/integration/conftest.py)
    return postgres_app


def test_case_pages_history_and_import_on_postgresql(app):
    from app.case_records import Actor
    from scripts import case_import

    world = seed_world(app, org_aliases={"a": "werkgever-a-pg"})
    today = date.today()
    client = app.test_client()
    sign_in(client, app, "physician-a")
    opened = client.post(f"/employees/{world.a2}/cases/new", data={"first_sick_day": today.isoformat(),
                                                                     "expected_weeks": "2"})
    assert opened.status_code == 302
    assert client.post(f"/cases/{world.case_a1}/medical", data={"diagnosis": "PG-DIAGNOSE", "cause": "",
                                                                "medical_notes": ""}).status_code == 302
    page = client.get(f"/cases/{world.case_a1}").get_data(as_text=True)
    assert "→ PG-DIAGNOSE" in page
    sign_in(client, app, "manager-a")
    assert client.post("/report/recovery", data={"case_id": world.case_a1,
                                                 "recovered_on": today.isoformat()}).status_code == 302

    csv = (f"employee,employer,type,date\nb1@example.nl,{ORG['b']},hersteldmelding,{today}\n"
           f"a1@example.nl,werkgever-a-pg,ziekmelding,{today - timedelta(days=1)}\n").encode()
    actor = Actor("import", "import pg.csv", "import")
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(CaseChange.id)))
        dry = case_import.parse_and_apply(csv, actor=actor, dry_run=True)
        assert [r.outcome for r in dry.done] == ["closed", "opened"]
        assert db.session.scalar(db.select(db.func.count(CaseChange.id))) == before
        real = case_import.parse_and_apply(csv, actor=actor)
        assert [r.outcome for r in real.done] == ["closed", "opened"] and not real.rejected
        assert db.session.get(AbsenceCase, world.case_b1).status == CaseStatus.RECOVERED
        again = case_import.parse_and_apply(csv, actor=actor)
        assert [r.outcome.split(" ")[0] for r in again.done] == ["unchanged", "unchanged"]
        assert db.session.scalar(db.select(db.func.count(CaseChange.id))) == before + 2
