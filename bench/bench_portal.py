"""Benchmark: dashboard and dossier throughput and p50/p99 latency at 32 concurrent clients, on the
production server (gunicorn, as scripts/stack.py runs it), beside a hello-world route on the same
server in the same run.

No Keycloak is needed: the benchmark fills a temporary database, signs the Flask session cookies
itself with the app's SECRET_KEY (app.session_interface) and records their sign-in sessions, exactly
as app/auth.py's callback would. Loopback only; bounded in time and in request count.

    .venv/bin/python -m bench.bench_portal [--seconds 8] [--clients 32] [--workers 2] [--threads 4]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import os
import socket
import statistics
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


def prepare(env: dict, employees: int) -> dict[str, str]:
    """Fill the database (an employer with employees, cases, documents) and sign two session cookies."""
    os.environ.update(env)
    from app import create_app, sign_in_sessions
    from app.auth import session_user_from_claims
    from scripts.demo_data import tiny_pdf
    from app.documents import store_document
    from app.extensions import db
    from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer

    app = create_app()
    today = date.today()
    with app.app_context():
        employer = Employer(name="Bench BV", keycloak_org_id=BENCH_ORG, keycloak_org_alias="bench-bv")
        db.session.add(employer)
        db.session.flush()
        for i in range(employees):
            employee = Employee(employer_id=employer.id, keycloak_user_id=f"bench-employee-{i}",
                                name=f"Werknemer {i}", email=f"e{i}@bench.example", birth_date=date(1980, 1, 1))
            db.session.add(employee)
            db.session.flush()
            for j in range(2):  # an old recovered case and, for a third of them, a current one
                first = today - timedelta(days=300 - 100 * j - i % 90)
                current = j == 1 and i % 3 == 0
                db.session.add(AbsenceCase(
                    employee_id=employee.id, first_sick_day=first, expected_recovery=first + timedelta(weeks=4),
                    recovered_on=None if current else first + timedelta(days=10),
                    status=CaseStatus.OPEN if current else CaseStatus.RECOVERED, work_possible="Licht werk",
                    diagnosis="bench", cause="bench", medical_notes="bench"))
        db.session.commit()
        first_employee = db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == EMPLOYEE["sub"]))
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
    return cookies


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
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    port = free_port()
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite'}", "DOCUMENTS_DIR": str(workdir / "documents"),
           "BENCH": "1", "APP_PORT": str(port), "LOCAL_DEVELOPMENT": "1"}
    cookies = prepare(env, args.employees)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app.wsgi:app"],
        cwd=ROOT, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=open(workdir / "gunicorn.log", "w"))
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
                print(f"gunicorn did not start; see {workdir / 'gunicorn.log'}", file=sys.stderr)
                return 1
            time.sleep(0.2)

        targets = [("hello world (/bench/hello)", "/bench/hello", None, b"hello"),
                   ("health (/healthz)", "/healthz", None, b"ok"),
                   ("dashboard (manager)", "/dashboard", cookies["manager"], b'id="absence-overview"'),
                   ("dossier (employee)", "/dossier", cookies["employee"], b'id="personal-data"')]
        rows = []
        for label, path, cookie, marker in targets:
            hammer(port, path, cookie, args.clients, 1.0, 500, marker)  # warm-up, not counted
            result, elapsed = hammer(port, path, cookie, args.clients, args.seconds, args.max_requests, marker)
            ok = len(result.latencies)
            rows.append((label, ok, result.errors, ok / elapsed, 1000 * percentile(result.latencies, 0.5),
                         1000 * percentile(result.latencies, 0.99)))
    finally:
        server.terminate()
        server.wait(timeout=15)

    print(f"\ngunicorn {args.workers} workers x {args.threads} threads, {args.clients} concurrent keep-alive clients, "
          f"{args.seconds:g} s per endpoint, {os.cpu_count()} CPUs (client and server share them), "
          f"{args.employees} employees\n")
    print(f"{'endpoint':32} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, ok, errors, rate, p50, p99 in rows:
        print(f"{label:32} {ok:>9} {errors:>7} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f}")
    return 0 if all(row[2] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
