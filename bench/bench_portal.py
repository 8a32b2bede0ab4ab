"""Benchmark: dashboard, dossier and case-page throughput and p50/p99 latency at 32 concurrent clients,
on the production server (gunicorn, as scripts/stack.py runs it), beside a hello-world route on the
same server in the same run, and beside a signed-in "floor" (session, employer lookup and access-log
commit, no page: bench/routes.py); and the workers' memory (RSS) after the load.

No Keycloak is needed: the benchmark fills a temporary database (SQLite, or a throw-away PostgreSQL
of Debian's package on a free port, started and stopped here), makes the session cookies through the
app's own session interface and records their sign-in sessions, exactly as app/auth.py's callback
would. The employer's employees and cases go in through scripts.demo_data.bulk_employer (15% absent now:
10,000 employees have 1,500 open cases). Loopback only; bounded in time and in request count.

    .venv/bin/python -m bench.bench_portal [--employees 200] [--database sqlite|postgresql]
        [--seconds 8] [--clients 32] [--workers 2] [--threads 4]

Prints a table and, as its last line, one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCH_ORG = "b0b0b0b0-0000-4000-8000-00000000be0c"  # the bench employer's (made-up) organization id
# the ID-token claims of the two bench users; their sessions are built by app.auth.session_user_from_claims
MANAGER = {"sub": "bench-manager", "sid": "bench-sid-manager", "email": "manager@bench.example", "name": "Bench Manager",
           "organization": ["bench-bv"], "groups": [f"/werkgevers/{BENCH_ORG}/manager"]}
EMPLOYEE = {"sub": "bench-employee-0", "sid": "bench-sid-employee", "email": "e0@bench.example", "name": "Werknemer 0",
            "roles": ["employee"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


OPEN_SHARE = 0.15  # absent now: 1,500 of 10,000 (issue 14's big employer)


def prepare(env: dict, employees: int) -> tuple[dict[str, str], str]:
    """Fill the database (an employer with employees, cases, documents), make two session cookies;
    also return the id of one of the employee's own cases (for the case page)."""
    os.environ.update(env)
    from app import create_app, sign_in_sessions
    from app.auth import session_user_from_claims
    from scripts.demo_data import bulk_employer, tiny_pdf
    from app.documents import store_document
    from app.extensions import db
    from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer

    app = create_app()
    today = date.today()
    with app.app_context():
        employer = Employer(name="Bench BV", keycloak_org_id=BENCH_ORG, keycloak_org_alias="bench-bv")
        db.session.add(employer)
        db.session.flush()
        bulk_employer(employer, max(0, employees - 1), round(employees * OPEN_SHARE), today)
        # the signed-in employee: two cases (one recovered, one open) and three documents
        first_employee = Employee(employer_id=employer.id, keycloak_user_id=EMPLOYEE["sub"], name=EMPLOYEE["name"],
                                  email=EMPLOYEE["email"], birth_date=date(1980, 1, 1))
        db.session.add(first_employee)
        db.session.flush()
        for days, current in ((200, False), (20, True)):
            first = today - timedelta(days=days)
            db.session.add(AbsenceCase(
                employee_id=first_employee.id, first_sick_day=first, expected_recovery=first + timedelta(weeks=4),
                recovered_on=None if current else first + timedelta(days=10),
                status=CaseStatus.OPEN if current else CaseStatus.RECOVERED, work_possible="Licht werk",
                diagnosis="bench", cause="bench", medical_notes="bench"))
        db.session.commit()
        case_id = first_employee.cases[0].id
        for k in range(3):
            store_document(first_employee, kind=DocumentKind.INVITATION, title=f"Document {k}",
                           audience=Audience.EMPLOYEE, filename="d.pdf", data=tiny_pdf("bench"), created_by="bench")
        cookies = {}
        # Server-side sessions: create each through the app's own session interface (a test client),
        # then hand its cookie value to the load clients.
        for role, claims in (("manager", MANAGER), ("employee", EMPLOYEE)):
            user = session_user_from_claims(claims)
            sign_in_sessions.record_start(user["sid"], user["sub"])
            client = app.test_client()
            with client.session_transaction() as session:
                session["user"] = user
                session.permanent = True
            cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        db.session.remove()
        db.engine.dispose()  # the bench process keeps no connection open beside the server's
    return cookies, case_id


def start_postgres(workdir: Path):
    """A throw-away PostgreSQL (Debian's package) on a free loopback port; (server, DATABASE_URL)."""
    from scripts import cluster_pg

    os.chmod(workdir, 0o755)  # the server runs as Debian's postgres user when the bench runs as root
    server = cluster_pg.Postgres(workdir / "pg", free_port(), secrets.token_urlsafe(24))
    password = secrets.token_urlsafe(24)
    server.init()
    server.start()
    server.ensure_database("portal", password)
    return server, f"postgresql+psycopg://portal:{password}@127.0.0.1:{server.port}/portal"


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers: the master's children, from /proc."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{master_pid}\n" in status.read_text():
                found.append(int(status.parent.name))
        except (OSError, ValueError):
            continue
    return found


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker, from /proc."""
    sizes = []
    for pid in worker_pids(master_pid):
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        except (OSError, KeyError):
            continue
    return sorted(sizes)


class Result:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()


def hammer(port: int, path: str, cookie: str | None, clients: int, seconds: float, max_requests: int,
           must_contain: bytes) -> tuple[Result, float]:
    """`clients` threads, each with its own keep-alive connection, for `seconds` or `max_requests` in all."""
    result, stop_at = Result(), time.monotonic() + seconds
    budget = iter(range(max_requests))
    budget_lock = threading.Lock()
    headers = {"Cookie": f"portal_session={cookie}"} if cookie else {}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop_at:
            with budget_lock:
                if next(budget, None) is None:
                    break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and must_contain in body
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with result.lock:
                if ok:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result, time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint")
    parser.add_argument("--max-requests", type=int, default=20000, help="per endpoint")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    port = free_port()
    postgres = None
    try:
        if args.database == "postgresql":
            postgres, database_url = start_postgres(workdir)
        else:
            database_url = f"sqlite:///{workdir / 'portal.sqlite'}"
        env = {"DATABASE_URL": database_url, "DOCUMENTS_DIR": str(workdir / "documents"),
               "BENCH": "1", "APP_PORT": str(port), "LOCAL_DEVELOPMENT": "1"}
        began = time.monotonic()
        cookies, case_id = prepare(env, args.employees)
        fill_seconds = time.monotonic() - began
        rows, rss = run_server(args, port, env, workdir, cookies, case_id)
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if rows is None:
        return 1

    print(f"\ngunicorn {args.workers} workers x {args.threads} threads, {args.clients} concurrent keep-alive clients, "
          f"{args.seconds:g} s per endpoint, {os.cpu_count()} CPUs (client and server share them), "
          f"{args.employees} employees on {args.database} (filled in {fill_seconds:.1f} s)\n")
    print(f"{'endpoint':32} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8}")
    hello_rate = rows["hello"][2]
    for key, (label, ok, rate, p50, p99, errors) in rows.items():
        print(f"{label:32} {ok:>9} {errors:>7} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {rate / hello_rate:>8.2f}")
    print(f"\ngunicorn worker RSS after the load: {', '.join(f'{mb:.0f} MB' for mb in rss)}\n")
    figures = {"hello_rps": round(hello_rate, 1), "hello_p99_ms": round(rows["hello"][4], 1),
               "floor_rps": round(rows["floor"][2], 1), "floor_p99_ms": round(rows["floor"][4], 1)}
    for key in ("dashboard", "dossier", "case"):
        figures |= {f"{key}_rps": round(rows[key][2], 1), f"{key}_p50_ms": round(rows[key][3], 1),
                    f"{key}_p99_ms": round(rows[key][4], 1)}
    figures |= {"errors": sum(row[5] for row in rows.values()), "employees": args.employees,
                "database": args.database, "worker_rss_mb": round(max(rss), 1) if rss else None}
    print(json.dumps(figures))
    return 0 if figures["errors"] == 0 else 1


def run_server(args, port: int, env: dict, workdir: Path, cookies: dict, case_id: str):
    """Start gunicorn, load each endpoint in turn, measure the workers' RSS, stop it."""
    log = open(workdir / "gunicorn.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app.wsgi:app"],
        cwd=ROOT, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/bench/hello")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.flush()
                print("gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()[-2000:], file=sys.stderr)
                return None, []
            time.sleep(0.2)

        targets = {"hello": ("hello world (/bench/hello)", "/bench/hello", None, b"hello"),
                   "health": ("health (/healthz)", "/healthz", None, b"ok"),
                   # session read + employer lookup + access-log commit, no page: the ceiling of any audited page
                   "floor": ("signed-in floor (/bench/floor)", "/bench/floor", cookies["manager"], b"floor"),
                   "dashboard": ("dashboard (manager)", "/dashboard", cookies["manager"], b'id="absence-overview"'),
                   "dossier": ("dossier (employee)", "/dossier", cookies["employee"], b'id="personal-data"'),
                   "case": ("case page (employee)", f"/cases/{case_id}", cookies["employee"], b'id="case-details"')}
        rows = {}
        for key, (label, path, cookie, marker) in targets.items():
            hammer(port, path, cookie, args.clients, 1.0, 500, marker)  # warm-up, not counted
            result, elapsed = hammer(port, path, cookie, args.clients, args.seconds, args.max_requests, marker)
            ok = len(result.latencies)
            rows[key] = (label, ok, ok / elapsed, 1000 * percentile(result.latencies, 0.5),
                         1000 * percentile(result.latencies, 0.99), result.errors)
        rss = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    return rows, rss


if __name__ == "__main__":
    sys.exit(main())
