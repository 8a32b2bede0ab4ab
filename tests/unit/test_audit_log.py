"""The access log (NEN 7513): exactly one row per view of personal or health data, append-only,
hash-chained, verifiable and purgeable from the command line."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import audit_chain
from app.extensions import db
from app.models import AccessLog
from tests.portal_fixtures import sign_in

DESKTOP = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}


def log_rows(app) -> list[AccessLog]:
    with app.app_context():
        return db.session.scalars(db.select(AccessLog).order_by(AccessLog.id)).all()


def routes(world):
    """(signed-in user, path, action, whose employee id or None, employer key) for every route that
    shows personal or health data."""
    return [
        ("manager-a", "/dashboard", "dashboard", None, "employer_a"),
        ("manager-a", "/dashboard/export.csv", "dashboard-export", None, "employer_a"),
        ("physician-a", f"/cases/{world.case_a1}", "case", world.a1, "employer_a"),
        ("employee-a1", "/dossier", "dossier", world.a1, "employer_a"),
        ("physician-a", f"/dossier/{world.a1}", "dossier", world.a1, "employer_a"),
        ("employee-a1", f"/documents/{world.a1_employee}", "document", world.a1, "employer_a"),
        ("employee-a1", f"/documents/{world.a1_employee}/file", "document-file", world.a1, "employer_a"),
    ]


def test_every_route_with_personal_data_writes_exactly_one_row(app, world):
    for user, path, action, employee_id, employer in routes(world):
        client = app.test_client()
        sign_in(client, app, user)
        before = len(log_rows(app))
        response = client.get(path, headers=DESKTOP, environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert response.status_code == 200, path
        seal(app)
        new = log_rows(app)[before:]
        assert len(new) == 1, f"{path} wrote {len(new)} rows"
        row = new[0]
        assert (row.action, row.employee_id, row.employer_id) == (action, employee_id, getattr(world, employer)), path
        assert row.actor_sub == user and row.ip == "192.0.2.7" and row.at is not None and len(row.row_hash) == 64


def test_a_refused_view_writes_no_row(app, client, world):
    sign_in(client, app, "manager-b")
    assert client.get(f"/cases/{world.case_a1}").status_code == 404
    assert log_rows(app) == []


def test_the_employee_sees_who_viewed_the_overview_that_lists_them(app, world):
    manager = app.test_client()
    sign_in(manager, app, "manager-a")
    manager.get("/dashboard")
    employee = app.test_client()
    sign_in(employee, app, "employee-a1")
    html = employee.get("/dossier/access-log").get_data(as_text=True)
    assert "Manager A" in html and "verzuimoverzicht van uw werkgever bekeken" in html


def seal(app) -> int:
    with app.app_context():
        return audit_chain.seal()


def view_some(app, world, n=3):
    client = app.test_client()
    sign_in(client, app, "physician-a")
    for _ in range(n):
        assert client.get(f"/cases/{world.case_a1}").status_code == 200


def test_the_database_refuses_update_and_delete(app, world):
    view_some(app, world, 1)
    with app.app_context():
        for statement in ("UPDATE access_log SET actor_name = 'x'", "DELETE FROM access_log"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
    assert len(log_rows(app)) == 1


def tamper(app, statement: str) -> None:
    """What someone with the table owner's rights could do: lift the triggers and edit (sealed rows)."""
    seal(app)
    with app.app_context():
        db.session.execute(sa.text("DROP TRIGGER access_log_no_update"))
        db.session.execute(sa.text("DROP TRIGGER access_log_no_delete"))
        db.session.execute(sa.text(statement))
        db.session.commit()


def test_verify_passes_on_an_intact_chain(app, world):
    view_some(app, world)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "3 row(s) verified" in result.output


@pytest.mark.parametrize("statement, broken", [
    ("UPDATE access_log SET actor_name = 'Iemand anders' WHERE id = 2", 2),
    ("UPDATE access_log SET at = '2020-01-01 00:00:00.000000' WHERE id = 1", 1),
    ("DELETE FROM access_log WHERE id = 2", 3),
    ("DELETE FROM access_log WHERE id = 3", 3),
])
def test_a_tampered_row_is_reported(app, world, statement, broken):
    view_some(app, world)
    tamper(app, statement)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at row {broken}" in result.output


def test_purge_deletes_old_rows_and_the_rest_still_verifies(app, world, monkeypatch):
    now = audit_chain.utcnow()
    for days_ago in (2000, 1900, 10):  # two rows past five years, one recent
        monkeypatch.setattr(audit_chain, "utcnow", lambda d=days_ago: now - timedelta(days=d))
        view_some(app, world, 1)
    monkeypatch.undo()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "purge"])  # default: AUDIT_RETENTION_DAYS = 1826
    assert result.exit_code == 0 and "Purged 2 row(s)" in result.output
    assert [row.id for row in log_rows(app)] == [3]
    view_some(app, world, 1)  # the chain goes on after the checkpoint
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():  # the delete trigger is back after the purge
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM access_log"))


def test_purge_of_everything_keeps_the_chain_verifiable(app, world):
    view_some(app, world, 2)
    with app.app_context():
        assert audit_chain.purge(1, now=audit_chain.utcnow() + timedelta(days=2)) == 2
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    view_some(app, world, 1)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_purge_refuses_a_broken_chain_and_bad_input(app, world):
    view_some(app, world)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "purge", "--older-than-days", "0"]).exit_code == 2
    tamper(app, "UPDATE access_log SET actor_name = 'x' WHERE id = 1")
    result = runner.invoke(args=["audit", "purge", "--older-than-days", "1"])
    assert result.exit_code == 1 and "Not purged" in result.output


def test_the_hash_covers_every_recorded_field():
    assert set(audit_chain.HASHED_FIELDS) == {c.name for c in AccessLog.__table__.columns} - {"id", "row_hash"}


def test_canonical_form_is_stable_across_naive_and_aware_times():
    from datetime import datetime, timezone
    from types import SimpleNamespace

    fields = dict(actor_sub="s", actor_name="n", actor_role="r", employee_id=None, employer_id="e", action="a",
                  object_id="", ip="")
    aware = SimpleNamespace(at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc), **fields)
    naive = SimpleNamespace(at=datetime(2026, 1, 2, 3, 4, 5, 6), **fields)
    assert audit_chain.canonical(aware) == audit_chain.canonical(naive)
    assert json.loads(audit_chain.canonical(aware))["at"] == "2026-01-02T03:04:05.000006Z"


def test_migration_chains_the_rows_written_before_it(tmp_path):
    """A database with access-log rows from before migration 0003 verifies after the upgrade."""
    from alembic import command

    from app.migrate import alembic_config
    from tests.portal_fixtures import make_app

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'portal.sqlite'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(sa.text("INSERT INTO employer (id, name) VALUES ('e1', 'Werkgever')"))
        connection.execute(sa.text("INSERT INTO employee (id, employer_id, name, email) VALUES ('p1', 'e1', 'A', 'a@x')"))
        for n in range(3):
            connection.execute(sa.text(
                "INSERT INTO access_log (at, actor_sub, actor_name, actor_role, employee_id, action, object_id) "
                f"VALUES ('2026-01-0{n + 1} 10:00:00.000000', 's', 'Dokter', 'physician', 'p1', 'dossier', 'p1')"))
    app = make_app(tmp_path)  # upgrades to head
    assert [row.employer_id for row in log_rows(app)] == ["e1"] * 3
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "3 row(s) verified" in result.output


def test_a_view_is_committed_unsealed_and_the_sealer_links_it(app, world):
    view_some(app, world, 2)
    assert [row.row_hash for row in log_rows(app)] == ["", ""]  # durable before the page is sent
    assert seal(app) == 2 and seal(app) == 0
    rows = log_rows(app)
    assert rows[1].row_hash == audit_chain.chain_hash(rows[0].row_hash, rows[1])
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_the_database_lets_only_an_unsealed_row_get_its_hash(app, world):
    view_some(app, world, 1)
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):  # content, even while unsealed
            db.session.execute(sa.text("UPDATE access_log SET actor_name = 'x', row_hash = 'h'"))
        db.session.rollback()
    seal(app)
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):  # a sealed row's hash
            db.session.execute(sa.text("UPDATE access_log SET row_hash = 'h'"))
        db.session.rollback()


def append_concurrently(app, writers: int = 4, rows_each: int = 25) -> None:
    """Writers in threads append while a sealer thread seals, as gunicorn's threads and sealer do."""
    import threading

    def write(n):
        with app.app_context():
            for k in range(rows_each):
                audit_chain.append(actor_sub=f"w{n}", actor_name="Schrijver", actor_role="staff", employee_id=None,
                                   employer_id=None, action="dashboard", object_id=str(k), ip="")

    def keep_sealing(done):
        with app.app_context():
            while not done.is_set():
                audit_chain.seal()

    done = threading.Event()
    sealer = threading.Thread(target=keep_sealing, args=(done,))
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    sealer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sealer.join()


def assert_all_sealed_in_one_chain(app, expected: int) -> None:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"{expected} row(s) verified" in result.output, result.output
    rows = log_rows(app)
    assert len(rows) == expected and all(len(row.row_hash) == 64 for row in rows)
    assert [row.id for row in rows] == sorted(row.id for row in rows)


def test_rows_written_concurrently_all_get_sealed_in_a_valid_chain(app):
    append_concurrently(app)
    assert_all_sealed_in_one_chain(app, 100)


def test_ids_go_on_after_a_purge_of_every_row(app, world):
    view_some(app, world, 2)
    with app.app_context():
        assert audit_chain.purge(1, now=audit_chain.utcnow() + timedelta(days=2)) == 2
    view_some(app, world, 1)
    assert [row.id for row in log_rows(app)] == [3]


def test_the_sealer_thread_seals_what_its_worker_appended(app):
    import time

    from app.access_log import Sealer

    app.extensions["access_log_sealer"] = Sealer(app, 0.01)  # tests have none unless asked (TESTING)
    with app.app_context():
        audit_chain.append(actor_sub="s", actor_name="n", actor_role="staff", employee_id=None, employer_id=None,
                           action="dashboard", object_id="", ip="")
        app.extensions["access_log_sealer"].wake()
    deadline = time.monotonic() + 20  # a bound for a loaded machine, not a speed check
    while log_rows(app)[0].row_hash == "" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(log_rows(app)[0].row_hash) == 64


def test_a_list_page_appends_its_rows_in_one_transaction(app):
    """A list logs one row per person shown in one commit: all of them, or (one bad row) none."""
    row = dict(actor_sub="s", actor_name="n", actor_role="staff", employee_id=None, employer_id=None,
               action="employee-list", object_id="", ip="")
    with app.app_context():
        audit_chain.append_all([row, row, row])
        assert len(log_rows(app)) == 3
        with pytest.raises(Exception):
            audit_chain.append_all([row, dict(row, actor_sub=None)])
    assert len(log_rows(app)) == 3
    assert seal(app) == 3
