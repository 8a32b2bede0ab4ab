"""The access log's sealing on PostgreSQL, the production database (ids from a sequence, committed in
any order): rows appended concurrently all end up sealed in one valid chain, and a changed or removed
sealed row is still found by `flask audit verify`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import audit_chain
from app.extensions import db
from tests.unit.test_audit_log import append_concurrently, assert_all_sealed_in_one_chain


@pytest.fixture
def app(postgres_app):  # the portal on PostgreSQL (tests/integration/conftest.py)
    return postgres_app


def test_rows_written_concurrently_on_postgresql_all_get_sealed_in_a_valid_chain(app):
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
    append_concurrently(app, writers=6, rows_each=30)
    assert_all_sealed_in_one_chain(app, 180)


def tamper_and_verify(app, statement: str):
    append_concurrently(app, writers=1, rows_each=3)
    with app.app_context():
        audit_chain.seal()
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):  # sealed: the trigger refuses
            db.session.execute(sa.text("UPDATE access_log SET row_hash = '' WHERE id = 1"))
        db.session.rollback()
        # what the table owner could do: lift the triggers and edit
        db.session.execute(sa.text("ALTER TABLE access_log DISABLE TRIGGER USER"))
        db.session.execute(sa.text(statement))
        db.session.execute(sa.text("ALTER TABLE access_log ENABLE TRIGGER USER"))
        db.session.commit()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


# one test each (the fixture names a test's database after the test)
def test_a_changed_sealed_row_is_reported_on_postgresql(app):
    result = tamper_and_verify(app, "UPDATE access_log SET actor_name = 'Iemand anders' WHERE id = 2")
    assert result.exit_code == 1 and "broken at row 2" in result.output, result.output


def test_a_removed_sealed_row_is_reported_on_postgresql(app):
    result = tamper_and_verify(app, "DELETE FROM access_log WHERE id = 2")
    assert result.exit_code == 1 and "broken at row 3" in result.output, result.output


def test_the_removed_last_sealed_row_is_reported_on_postgresql(app):
    result = tamper_and_verify(app, "DELETE FROM access_log WHERE id = 3")
    assert result.exit_code == 1 and "broken at row 3" in result.output, result.output
