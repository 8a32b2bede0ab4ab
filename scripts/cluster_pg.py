"""The cluster's PostgreSQL: one server of Debian's PostgreSQL in its own data directory, on 127.0.0.1
only (no Unix socket, so it never meets the system's server), with a database and a role each for
Keycloak and the portal. Used by scripts/cluster.py and the failover test.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql


class ClusterError(Exception):
    """Something the user can fix; the message says what."""


def program(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None)
    if not found:
        raise ClusterError(f"PostgreSQL's {name} is not installed: apt-get install postgresql")
    return str(found)


def _server_user() -> dict:
    """initdb and postgres refuse to run as root: then they run as Debian's `postgres` user."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError("running as root needs the 'postgres' system user (apt-get install postgresql)") from exc
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


class Postgres:
    def __init__(self, directory: Path, port: int, superuser_password: str) -> None:
        self.directory, self.port, self.password = directory, port, superuser_password
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.process: subprocess.Popen | None = None

    def _own(self, path: Path) -> None:
        as_user = _server_user()
        if as_user:
            os.chown(path, as_user["user"], as_user["group"])

    def init(self) -> None:
        """initdb once, with a password for the superuser and scram-sha-256 for every connection."""
        if (self.data / "PG_VERSION").exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._own(self.directory)
        pwfile = self.directory / "superuser.pw"
        pwfile.write_text(self.password)
        self._own(pwfile)
        os.chmod(pwfile, 0o600)
        try:
            result = subprocess.run([program("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=scram-sha-256",
                                     f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C"],
                                    capture_output=True, text=True, check=False, **_server_user())
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise ClusterError(f"initdb failed: {result.stderr.strip()[-300:]}")

    def start(self, timeout: float = 60) -> subprocess.Popen:
        """The server in the foreground (supervised like every other process of the cluster)."""
        self.log.touch()
        self._own(self.log)
        out = open(self.log, "ab")
        self.process = subprocess.Popen(
            [program("postgres"), "-D", str(self.data), "-c", "listen_addresses=127.0.0.1", "-c", f"port={self.port}",
             "-c", "unix_socket_directories=", "-c", "max_connections=200"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, **_server_user())
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClusterError(f"PostgreSQL stopped while starting; see {self.log}")
            try:
                with self.connect():
                    return self.process
            except psycopg.OperationalError:
                time.sleep(0.3)
        raise ClusterError(f"PostgreSQL did not answer on port {self.port} within {timeout:.0f} s; see {self.log}")

    def stop(self, timeout: float = 30) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT: PostgreSQL's "fast" shutdown
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> subprocess.Popen:
        self.stop()
        return self.start()

    def connect(self, dbname: str = "postgres"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=self.password,
                               dbname=dbname, connect_timeout=3, autocommit=True)

    def ensure_database(self, name: str, password: str) -> None:
        """A role and a database of the same name, owned by it; the password follows .env."""
        with self.connect() as conn:
            role = sql.Identifier(name)
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password)))
            else:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password)))
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(role, role))
            # only its owner may connect: Keycloak cannot read the portal's data and vice versa
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(role))
