"""Dutch by default with an English switch; the schema comes from the Alembic migrations."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.migrate import alembic_config

from app.extensions import db
from tests.portal_fixtures import make_app, sign_in


def test_dutch_by_default_english_on_request(app, client, world):
    sign_in(client, app, "employee-a1")
    assert "Mijn dossier" in client.get("/dossier").get_data(as_text=True)
    response = client.post("/language", data={"locale": "en", "next": "/dossier"})
    assert response.status_code == 302 and response.location.endswith("/dossier")
    html = client.get("/dossier").get_data(as_text=True)
    assert "My file" in html and '<html lang="en">' in html
    with client.session_transaction() as session:
        assert session["locale"] == "en"  # app/auth.py passes it to Keycloak as ui_locales


def test_language_switch_refuses_other_sites(client):
    assert client.post("/language", data={"locale": "en", "next": "//evil.example/"}).location == "/"
    assert client.post("/language", data={"locale": "xx"}).status_code == 302


def test_database_is_at_the_newest_migration(app):
    with app.app_context():
        inspector = sa.inspect(db.engine)
        assert {"alembic_version", "server_session", "employer", "employee", "absence_case", "document",
                "access_log", "access_log_chain", "professional_assignment"} <= set(inspector.get_table_names())
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head


def test_upgrade_adopts_a_database_made_by_create_all(tmp_path):
    """The skeleton made sign_in_session with db.create_all(); the first migration adopts it (and 0003
    replaces it by server-side sessions)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'portal.sqlite'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE sign_in_session (sid VARCHAR(64) PRIMARY KEY, subject VARCHAR(64), "
                                   "started_at DATETIME, ended_at DATETIME)"))
        connection.execute(sa.text("INSERT INTO sign_in_session VALUES ('s1', 'u1', '2026-01-01', NULL)"))
    app = make_app(tmp_path)  # runs the upgrade on the existing file
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        assert "server_session" in tables and "sign_in_session" not in tables
        assert db.session.execute(sa.text("SELECT count(*) FROM employer")).scalar() == 0


def test_0002_keeps_alias_only_employers_unbound_and_canonicalises_ids(tmp_path):
    """Employers matched by alias before 0002 are kept but match nobody until bound; ids become canonical."""
    from alembic import command

    from app.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    config = alembic_config()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(sa.text(
            "INSERT INTO employer (id, name, keycloak_org_id, keycloak_org_alias) VALUES "
            "('e1', 'Bound', 'AAAAAAAA-0000-4000-8000-00000000000A', 'bound'), "
            "('e2', 'Alias only', NULL, 'alias-only'), ('e3', 'Not an id', 'org-x', 'x')"))
        command.upgrade(config, "head")
        rows = dict(connection.execute(sa.text("SELECT id, keycloak_org_id FROM employer")).all())
    assert rows == {"e1": "aaaaaaaa-0000-4000-8000-00000000000a", "e2": None, "e3": None}
    with engine.begin() as connection, __import__("pytest").raises(sa.exc.IntegrityError):
        connection.execute(sa.text("INSERT INTO employer (id, name, keycloak_org_id) VALUES "
                                   "('e4', 'Same org', 'aaaaaaaa-0000-4000-8000-00000000000a')"))


def test_head_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from app.migrate import head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_database_at_head_starts_without_loading_alembic(tmp_path):
    """Workers of a migrated database do not carry Alembic (issue 14: worker memory)."""
    import os
    import subprocess
    import sys

    env = os.environ | {"LOCAL_DEVELOPMENT": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
                        "DOCUMENTS_DIR": str(tmp_path / "documents")}
    probe = "import sys; from app import create_app; create_app(); print('alembic' in sys.modules)"
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    second = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert first.stdout.strip().splitlines()[-1] == "True", first.stderr[-2000:]  # a new database: migrated
    assert second.stdout.strip().splitlines()[-1] == "False", second.stderr[-2000:]
