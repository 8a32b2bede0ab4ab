"""`./dev cluster`: the production topology on one machine, without Docker (issue 15).

    PostgreSQL :5433 (databases keycloak and portal, a role each)
    Keycloak node 1 :8181 (management :9181) \\  one Infinispan cluster (JDBC_PING through PostgreSQL)
    Keycloak node 2 :8182 (management :9182) /
    HAProxy :8180 -> the Keycloak nodes, checking /health/ready on their management ports
    HAProxy :5100 -> portal instances :5101 and :5102 (gunicorn, production mode), checking /healthz
    mail/SMS sink :1026 (SMTP) / :8026 (inbox)

Secrets are made at the first start into <dir>/.env (mode 600); the realm is created or updated by
the provisioning command. Ctrl-C (or SIGTERM) stops everything; when one process dies, the message
says which and the exit code is 1.

    python -m scripts.cluster up [--dir .data/cluster]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from app.config import ROOT, load_settings
from scripts import make_secrets
from scripts.cluster_kc import build, cluster_size, kc_runner, node_home, start_command, start_environment
from scripts.cluster_pg import ClusterError, Postgres

# variables the cluster adds to make_secrets' set (not secrets compose needs)
EXTRA_SECRETS = {"POSTGRES_SUPERUSER_PASSWORD": "PostgreSQL's superuser (postgres) of the cluster's own server"}
# the portal instances get only their own secrets (as in docker-compose.yml): never these
NOT_FOR_THE_APP = ("KEYCLOAK_ADMIN_USER", "KEYCLOAK_ADMIN_PASSWORD", "PROVISIONER_CLIENT_SECRET", "KC_DB_PASSWORD",
                   "SMS_GATEWAY_TOKEN")


@dataclass
class Ports:
    postgres: int = 5433
    keycloak_lb: int = 8180
    keycloak: tuple[int, int] = (8181, 8182)
    management: tuple[int, int] = (9181, 9182)
    jgroups: tuple[int, int] = (7811, 7812)
    portal_lb: int = 5100
    portal: tuple[int, int] = (5101, 5102)
    smtp: int = 1026
    sink_http: int = 8026


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def ensure_secrets(path: Path) -> dict[str, str]:
    """Fresh secrets at the first start (never defaults), the same ones ever after."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = make_secrets.render(make_secrets.generate())
        text += "# the Keycloak master realm's bootstrap admin (the provisioning command signs in with it)\n"
        text += "KEYCLOAK_ADMIN_USER=admin\n"
        for name, purpose in EXTRA_SECRETS.items():
            text += f"# {purpose}\n{name}={secrets.token_urlsafe(32)}\n"
        make_secrets.write_new(str(path), text)
    os.chmod(path, 0o600)
    return read_env(path)


def haproxy_config(ports: Ports) -> str:
    kc = "\n".join(f"    server kc{i + 1} 127.0.0.1:{p} check port {m}"
                   for i, (p, m) in enumerate(zip(ports.keycloak, ports.management)))
    apps = "\n".join(f"    server app{i + 1} 127.0.0.1:{p} check" for i, p in enumerate(ports.portal))
    return f"""# made by scripts/cluster.py at every start
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # a refused connection (a node just died) is retried on the other server
    retries 3
    option redispatch
    retry-on conn-failure
    option forwardfor
    # a dead node is out after 2 failed checks one second apart
    default-server inter 1s fall 2 rise 2

frontend keycloak
    bind 127.0.0.1:{ports.keycloak_lb}
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    http-request set-header X-Forwarded-Port %[dst_port]
    # Only when no node is ready, the nodes that are alive. Keycloak 26.7's cluster health check keeps
    # the survivor of a kill -9 of the coordinator "not ready" (the dead node's row in JGROUPS_PING
    # still says coordinator): without this, one dead node would take the whole sign-in down.
    use_backend keycloak_alive if {{ nbsrv(keycloak_nodes) eq 0 }}
    default_backend keycloak_nodes

backend keycloak_nodes
    # no stickiness needed: authentication sessions have 2 owners in Infinispan, user sessions are persistent
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
{kc}

backend keycloak_alive
    balance roundrobin
    option httpchk GET /health/live
    http-check expect status 200
{kc}

frontend portal
    bind 127.0.0.1:{ports.portal_lb}
    http-request set-header X-Forwarded-Proto http
    default_backend portal_instances

backend portal_instances
    # sessions live in PostgreSQL (app/server_sessions.py): any instance serves any user
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{apps}
"""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Cluster:
    directory: Path
    ports: Ports = field(default_factory=Ports)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. the failover test's shorter intervals
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.directory = self.directory.resolve()
        self.secrets = ensure_secrets(self.directory / ".env")
        self.postgres = Postgres(self.directory / "postgres", self.ports.postgres,
                                 self.secrets["POSTGRES_SUPERUSER_PASSWORD"])

    # ------------------------------------------------------------------ addresses and environments

    @property
    def keycloak_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.keycloak_lb}"

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.portal_lb}"

    @property
    def sink_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sink_http}"

    def environment(self) -> dict[str, str]:
        """What the portal, the provisioning command and Keycloak read (app/config.py), in production mode."""
        s = self.secrets
        return dict(os.environ) | {k: v for k, v in s.items() if k not in EXTRA_SECRETS} | {
            "LOCAL_DEVELOPMENT": "0",
            "KEYCLOAK_HOST": "127.0.0.1", "KEYCLOAK_PORT": str(self.ports.keycloak_lb),
            "PORTAL_URL": self.portal_url, "PORTAL_BACKCHANNEL_URL": self.portal_url,
            "DATABASE_URL": f"postgresql+psycopg://portal:{s['PORTAL_DB_PASSWORD']}@127.0.0.1:{self.ports.postgres}/portal",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.ports.smtp),
            "MAIL_SINK_HTTP_PORT": str(self.ports.sink_http),
            "TRUSTED_PROXY_COUNT": "1",  # HAProxy sets X-Forwarded-For
            "DOCUMENTS_DIR": str(self.directory / "documents"),
        } | self.extra_env

    def settings(self):
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(self.environment())
            return load_settings()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def log(self, name: str) -> Path:
        return self.directory / "logs" / f"{name}.log"

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        self.log(name).parent.mkdir(parents=True, exist_ok=True)
        with open(self.log(name), "ab") as out:
            # own session: Ctrl-C reaches only the supervisor, which stops everything in order
            process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=env or self.environment(), start_new_session=True)
        self.processes[name] = process
        return process

    def _wait(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise ClusterError(f"{name} stopped while starting; see {self.log(name)}")
            if _answers(url):
                return
            time.sleep(0.5)
        raise ClusterError(f"{name} was not ready at {url} within {timeout:.0f} s; see {self.log(name)}")

    # ------------------------------------------------------------------ the parts

    def start_postgres(self) -> None:
        self.postgres.init()
        self.processes["postgresql"] = self.postgres.start()
        self.postgres.ensure_database("keycloak", self.secrets["KC_DB_PASSWORD"])
        self.postgres.ensure_database("portal", self.secrets["PORTAL_DB_PASSWORD"])

    def restart_postgres(self) -> None:
        self.processes["postgresql"] = self.postgres.restart()

    def start_sink(self) -> None:
        self._spawn("sink", [sys.executable, "-m", "scripts.devsink", "--host", "127.0.0.1",
                             "--smtp-port", str(self.ports.smtp), "--http-port", str(self.ports.sink_http)])
        self._wait("sink", f"{self.sink_url}/api/messages", 60)

    def start_haproxy(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise ClusterError("HAProxy is not installed: apt-get install haproxy (./dev cluster installs it)")
        config = self.directory / "haproxy.cfg"
        config.write_text(haproxy_config(self.ports))
        self._spawn("haproxy", [haproxy, "-db", "-f", str(config)])

    def start_keycloak_node(self, index: int) -> subprocess.Popen:
        settings = self.settings()
        home = node_home(self.built, self.directory / f"keycloak{index + 1}")
        command = start_command(home, port=self.ports.keycloak[index], management_port=self.ports.management[index],
                                public_url=self.keycloak_url, db_port=self.ports.postgres)
        env = start_environment(settings, self.java_home, self.secrets, self.ports.jgroups[index])
        name = f"keycloak{index + 1}"
        self.log(name).unlink(missing_ok=True)  # cluster_size() reads this start's views only
        return self._spawn(name, command, env)

    def wait_keycloak_node(self, index: int, timeout: float = 300) -> None:
        self._wait(f"keycloak{index + 1}", f"http://127.0.0.1:{self.ports.management[index]}/health/ready", timeout)

    def cluster_members(self) -> int:
        """Members in the newest cluster view a running node logged (Infinispan's ISPN000094)."""
        running = [name for name in (f"keycloak{i + 1}" for i in range(len(self.ports.keycloak)))
                   if name in self.processes and self.processes[name].poll() is None]
        return max((cluster_size(self.log(name)) for name in running), default=0)

    def provision_realm(self) -> None:
        """The realm from realm-export.json, created or updated by the provisioning command."""
        result = subprocess.run([sys.executable, "-m", "scripts.provision", "realm"], cwd=ROOT, env=self.environment(),
                                capture_output=True, text=True, timeout=300, check=False)
        self.log("provision").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise ClusterError(f"provision realm failed: {(result.stdout + result.stderr).strip()[-400:]}")

    def portal_environment(self, index: int) -> dict[str, str]:
        env = {k: v for k, v in self.environment().items() if k not in NOT_FOR_THE_APP}
        return env | {"APP_PORT": str(self.ports.portal[index])}

    def start_portal(self, index: int) -> None:
        port = self.ports.portal[index]
        env = self.portal_environment(index)
        self._spawn(f"portal{index + 1}", [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4",
                                           "--bind", f"127.0.0.1:{port}", "app.wsgi:app"], env)

    def wait_portal(self, index: int, timeout: float = 90) -> None:
        self._wait(f"portal{index + 1}", f"http://127.0.0.1:{self.ports.portal[index]}/healthz", timeout)

    # ------------------------------------------------------------------ everything

    def up(self, say=print) -> None:
        self.java_home = kc_runner.find_java_home(self.settings())
        self.built = build(self.settings())
        say("PostgreSQL ...")
        self.start_postgres()
        self.start_sink()
        self.start_haproxy()
        say("Keycloak node 1 ...")
        self.start_keycloak_node(0)
        self.wait_keycloak_node(0)
        say("Keycloak node 2, the realm, the portal instances ...")
        self.start_keycloak_node(1)  # after node 1: it joins node 1's cluster instead of racing it
        self.provision_realm()
        # migrations run once before the instances start (app/migrate.py also locks, per machine)
        self.start_portal(0)
        self.wait_portal(0)
        self.start_portal(1)
        self.wait_portal(1)
        self.wait_keycloak_node(1)
        self.wait_for_members(2)

    def wait_for_members(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.cluster_members() != count:
            if time.monotonic() > deadline:
                raise ClusterError(f"the Keycloak nodes show {self.cluster_members()} cluster members, not {count}; "
                                   f"see {self.log('keycloak1')}")
            time.sleep(0.5)

    def dead(self) -> str | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return f"{name} stopped (exit {process.returncode}); see {self.log(name)}"
        return None

    def down(self) -> None:
        """Everything else first (Keycloak leaves its cluster cleanly), the database last."""
        others = {name: p for name, p in self.processes.items() if name != "postgresql"}
        for process in others.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in others.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.postgres.stop()


def up(directory: Path) -> int:
    cluster = Cluster(directory)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        cluster.up(say=lambda text: print(f"Starting {text}", flush=True))
    except (ClusterError, kc_runner.RunnerError, KeyboardInterrupt) as exc:
        print(f"error: {exc or 'interrupted'}", file=sys.stderr)
        cluster.down()
        return 1
    print(f"""
The cluster is running ({cluster.cluster_members()} Keycloak nodes in one Infinispan cluster).
  Portal (load balancer)    {cluster.portal_url}/   instances :{cluster.ports.portal[0]} and :{cluster.ports.portal[1]}
  Keycloak (load balancer)  {cluster.keycloak_url}/admin/   nodes :{cluster.ports.keycloak[0]} and :{cluster.ports.keycloak[1]}
  Mail and SMS              {cluster.sink_url}/
  Secrets                   {cluster.directory / '.env'} (KEYCLOAK_ADMIN_USER / KEYCLOAK_ADMIN_PASSWORD)
  Logs                      {cluster.directory / 'logs'}/
Press Ctrl-C to stop everything.""", flush=True)
    problem = None
    try:
        while not stop["now"] and not (problem := cluster.dead()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    cluster.down()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the production topology locally (two Keycloak nodes, PostgreSQL, HAProxy, two portal instances).")
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--dir", type=Path, default=ROOT / ".data" / "cluster", help="state directory (default .data/cluster)")
    args = parser.parse_args(argv)
    return up(args.dir)


if __name__ == "__main__":
    sys.exit(main())
