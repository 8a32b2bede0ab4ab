"""docker/postgres-init.sh against a real PostgreSQL server (a throw-away cluster on a Unix socket):
the portal's role gets the password from the environment, and no password is in the script.

Runs where PostgreSQL's server programs are installed (initdb, pg_ctl); as root through the
`postgres` system user, because initdb refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.config import ROOT

pytestmark = pytest.mark.integration

SCRIPT = ROOT / "docker" / "postgres-init.sh"


def _program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root without a 'postgres' user to run initdb as")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture
def cluster():
    """A PostgreSQL cluster listening on a Unix socket only; yields (environment for clients, run)."""
    initdb, pg_ctl = _program("initdb"), _program("pg_ctl")
    if not (initdb and pg_ctl and shutil.which("psql")):
        pytest.skip("PostgreSQL's initdb, pg_ctl and psql are not installed")
    prefix = _as_server_user()
    # not under pytest's tmp_path: that is private to the test's user, and the server user writes here
    base = Path(tempfile.mkdtemp(prefix="arbo-pg-"))
    os.chmod(base, 0o777)
    superuser_password = secrets.token_urlsafe(16)
    (base / "pw").write_text(superuser_password)
    os.chmod(base / "pw", 0o644)

    def run(command: list[str], env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(prefix + command, cwd=base, env=env, capture_output=True, text=True, timeout=120,
                              check=check)

    run([initdb, "-D", str(base / "data"), "-U", "keycloak", "--auth=scram-sha-256", f"--pwfile={base / 'pw'}"])
    run([pg_ctl, "-D", str(base / "data"), "-w", "-l", str(base / "log"),
         "-o", f"-c listen_addresses='' -k {base} -p 5432", "start"])
    client = {"PATH": os.environ["PATH"], "PGHOST": str(base), "PGPORT": "5432"}
    # the checkout may sit in a directory the server user cannot enter (mktemp -d is 0700): it runs a copy
    script = base / SCRIPT.name
    shutil.copy(SCRIPT, script)
    os.chmod(script, 0o644)
    try:
        yield client | {"PGPASSWORD": superuser_password}, run, script
    finally:
        run([pg_ctl, "-D", str(base / "data"), "-w", "stop", "-m", "fast"], check=False)
        shutil.rmtree(base, ignore_errors=True)


def _init_environment(client: dict, **extra) -> dict:
    # what the postgres image gives its init scripts: POSTGRES_USER / POSTGRES_DB, plus compose's variable
    return client | {"POSTGRES_USER": "keycloak", "POSTGRES_DB": "postgres"} | extra


def test_the_portal_role_gets_the_password_from_the_environment(cluster):
    client, run, script = cluster
    password = secrets.token_urlsafe(32)
    run(["bash", str(script)], env=_init_environment(client, PORTAL_DB_PASSWORD=password))

    as_portal = client | {"PGPASSWORD": password}
    result = run(["psql", "-U", "portal", "-d", "portal", "-tAc", "select current_user || '@' || current_database()"],
                 env=as_portal)
    assert result.stdout.strip() == "portal@portal"
    refused = run(["psql", "-U", "portal", "-d", "portal", "-c", "select 1"],
                  env=client | {"PGPASSWORD": "dev-only-portal-db-password"}, check=False)
    assert refused.returncode != 0 and "password authentication failed" in refused.stderr
    assert password not in SCRIPT.read_text()


def test_without_the_variable_nothing_is_created(cluster):
    client, run, script = cluster
    result = run(["bash", str(script)], env=_init_environment(client), check=False)
    assert result.returncode != 0 and "PORTAL_DB_PASSWORD is not set" in result.stderr
    roles = run(["psql", "-U", "keycloak", "-d", "postgres", "-tAc", "select count(*) from pg_roles where rolname='portal'"],
                env=client)
    assert roles.stdout.strip() == "0"
