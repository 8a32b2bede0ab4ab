"""Benchmark: Keycloak's own CPU per admin call of the HR import's per-person path, call by call.

Why: bench_invitations measures the whole path; this one says what each of its Keycloak calls costs
Keycloak, and so what no client-side batching can take away. Each phase makes one kind of call for
--count fresh people with --workers threads, and reads the JVM's CPU time (/proc) before and after.
The calls are those scripts/import_resume.import_employee makes for a new employee: the e-mail
lookup, the account, the role, the organization read (pending invited roles), the membership, the
welcome e-mail (rendered and sent by Keycloak to a counting SMTP sink), and the mark that it was sent.

Runs against the Keycloak of the settings in a throwaway realm, deleted afterwards. Loopback only.

    .venv/bin/python -m bench.bench_invitation_calls [--count 300] [--workers 8] [--rounds 5]

The first rounds warm Keycloak's JIT; the last round is reported. Prints a table and, as its last
line, one JSON object: {"<call>_cpu_ms": ..., "<call>_per_s": ..., "row_cpu_ms": ..., "mails": ...,
"ceiling_per_s": ...} where ceiling_per_s is what the machine's CPUs could carry if Keycloak's CPU
for one row were the only cost.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from app import keycloak as kc
from app.config import load_settings
from bench.bench_invitations import cpu_seconds, keycloak_pid, mail_realm, wait_for_mails
from scripts import import_resume


def calls(admin, organization_id: str, role: dict) -> list[tuple[str, object]]:
    """(name, function of one person's (email, user id) -> None), in the import's order."""
    def create(person):
        email, ids = person
        ids[email] = admin.create_user(payload={
            "username": email, "email": email, "emailVerified": True, "enabled": True, "firstName": "Snel",
            "lastName": "Persoon", "attributes": {"birthDate": ["1980-01-31"], "mobile": ["+31612345678"]},
            "requiredActions": []}, exist_ok=False)

    return [
        ("lookup", lambda p: kc.users.find_user_by_email(admin, p[0])),
        ("create", create),
        ("role", lambda p: admin.assign_realm_roles(user_id=p[1][p[0]], roles=[role])),
        ("organization", lambda p: kc.organizations.organization_by_id(admin, organization_id)),
        ("membership", lambda p: admin.organization_user_add(user_id=p[1][p[0]], organization_id=organization_id)),
        ("mail", lambda p: admin.send_update_account(user_id=p[1][p[0]], payload=[import_resume.WELCOME_MARK],
                                                     lifespan=kc.users.WELCOME_LINK_LIFESPAN)),
        ("mark", lambda p: admin.update_user(p[1][p[0]], {"requiredActions": [import_resume.WELCOME_MARK]})),
    ]


def one_round(admin, organization_id: str, role: dict, count: int, workers: int, java: int | None) -> dict:
    ids: dict[str, str] = {}
    people = [(f"c-{uuid.uuid4().hex[:10]}@snel.example", ids) for _ in range(count)]
    figures = {}
    for name, call in calls(admin, organization_id, role):
        cpu, began = cpu_seconds(java), time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(call, people))
        figures[name] = (1000 * (cpu_seconds(java) - cpu) / count, count / (time.perf_counter() - began))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="people per round (default 300)")
    parser.add_argument("--workers", type=int, default=8, help="threads (default 8)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the last is reported (default 5)")
    args = parser.parse_args(argv)
    count, workers, rounds = max(10, min(args.count, 5000)), max(1, min(args.workers, 32)), max(1, min(args.rounds, 10))
    os.environ.setdefault("LOCAL_DEVELOPMENT", "1")  # a developer's tool: the DEV ONLY defaults apply
    settings = load_settings()
    java = keycloak_pid(settings.keycloak_port)
    if java is None:
        print(f"No Keycloak listening on port {settings.keycloak_port} of this machine; start it first "
              "(./dev run, or .venv/bin/python -m scripts.kc_runner start).", file=sys.stderr)
        return 3
    with mail_realm(settings, "bench-calls") as (realm, counter):
        admin = kc.client.realm_admin(settings, realm=realm)
        organization_id = kc.organizations.ensure_organization(admin, "Snel BV", "snel.example")
        role = admin.get_realm_role("employee")
        for _ in range(rounds):
            figures = one_round(admin, organization_id, role, count, workers, java)
        wait_for_mails(counter, count * rounds)

    row_ms = sum(cpu for cpu, _ in figures.values())
    cpus = os.cpu_count() or 1
    print(f"\nKeycloak CPU per call, {count} people x {len(figures)} calls, {workers} threads, round {rounds} of "
          f"{rounds}; {cpus} CPUs shared by Keycloak, the sink and this client\n")
    print(f"{'call':14} {'Keycloak CPU ms':>16} {'calls/s':>9}")
    for name, (cpu, rate) in figures.items():
        print(f"{name:14} {cpu:>16.1f} {rate:>9.0f}")
    print(f"{'one row':14} {row_ms:>16.1f}")
    print(f"\nWith Keycloak's CPU the only cost, {cpus} CPUs carry at most {1000 * cpus / row_ms:.0f} rows/s; "
          f"the mail and the membership alone (no batching removes them) {1000 * cpus / (figures['mail'][0] + figures['membership'][0]):.0f}/s. "
          f"E-mails received: {counter.value}/{count * rounds}.\n")
    print(json.dumps({**{f"{name}_cpu_ms": round(cpu, 1) for name, (cpu, _) in figures.items()},
                      **{f"{name}_per_s": round(rate, 1) for name, (_, rate) in figures.items()},
                      "row_cpu_ms": round(row_ms, 1), "ceiling_per_s": round(1000 * cpus / row_ms, 1),
                      "count": count, "workers": workers, "mails": counter.value}))
    return 0 if counter.value == count * rounds else 1


if __name__ == "__main__":
    sys.exit(main())
