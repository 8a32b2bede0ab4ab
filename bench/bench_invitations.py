"""Benchmark: organization invitations per second, the fast path beside a naive python-keycloak loop.

    .venv/bin/python -m bench.bench_invitations [--count 1000] [--naive 100] [--workers 8]

Runs against the Keycloak of the settings (loopback), in a throwaway realm whose SMTP points at an
in-process aiosmtpd sink on a free port (so every invitation really sends an e-mail). Deletes the
realm afterwards. Fast path: one token and one connection pool (app.keycloak's admin client),
the employer looked up once, all roles recorded in one update, and a bounded thread pool posting
the invitations. Naive: a sequential loop doing per person what `provision invite` does (look-ups included).

Prints the figures and, as its last line, one JSON object: {"fast_per_s", "naive_per_s", "speedup",
"count", "mails", "failures", "peak_rss_mb"}.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller

from app import keycloak as kc
from app.config import load_settings


class CountingSink:
    """An SMTP server that only counts what it receives (nothing is kept)."""

    def __init__(self) -> None:
        self.received = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def naive_loop(admin, org_name: str, people: list[tuple[str, str, str]]) -> float:
    """The obvious script: per person, sequentially, what the single `invite` command does -
    look the employer up by name, check membership and pending invitations, record the role
    (read and update the organization), then post the invitation."""
    started = time.perf_counter()
    for email, first, last in people:
        organization = kc.organizations.find_organization(admin, org_name)
        kc.invitations.invite(admin, organization["id"], email=email, first_name=first, last_name=last, role="manager")
    return time.perf_counter() - started


def fast_path(admin, org_id: str, people: list[tuple[str, str, str]], workers: int) -> tuple[float, int]:
    """One token, one pool, a bounded pool of concurrent posts, then every role bound to its
    invitation's id in one update (an invitation without its record grants nothing)."""
    started = time.perf_counter()
    failures = 0

    def one(person):
        kc.invitations.send_invitation(admin, org_id, *person)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, person) for person in people]:
            try:
                future.result()
            except kc.errors.KeycloakAdminError as exc:
                failures += 1
                print(f"  failed: {exc}", file=sys.stderr)
    invited = {email for email, _, _ in people}
    kc.invited_roles.record_invited_roles(admin, org_id, [(invitation, "manager", "") for invitation in
                                          kc.invitations.list_invitations(admin, org_id) if invitation["email"] in invited])
    return time.perf_counter() - started, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="invitations on the fast path (default 1000)")
    parser.add_argument("--naive", type=int, default=100, help="invitations in the naive loop (default 100)")
    parser.add_argument("--workers", type=int, default=8, help="fast-path threads (default 8, max 32)")
    args = parser.parse_args(argv)
    workers = max(1, min(args.workers, 32))
    settings = load_settings()

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    master = kc.client.master_admin(settings, realm="master")
    realm = f"bench-{uuid.uuid4().hex[:8]}"
    placeholders = settings.realm_placeholders() | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
    kc.realm.ensure_realm(master, kc.realm.render_realm(placeholders, realm_name=realm))
    try:
        admin = kc.client.master_admin(settings, realm=realm)
        naive_org, fast_org = "Naief BV", "Snel BV"
        kc.organizations.ensure_organization(admin, naive_org, "naief.example")
        fast_id = kc.organizations.ensure_organization(admin, fast_org, "snel.example")
        naive_people = [(f"naive-{i}@naief.example", "Naief", f"Persoon {i}") for i in range(args.naive)]
        fast_people = [(f"fast-{i}@snel.example", "Snel", f"Persoon {i}") for i in range(args.count)]

        naive_seconds = naive_loop(admin, naive_org, naive_people)
        fast_seconds, failures = fast_path(admin, fast_id, fast_people, workers)

        expected = args.naive + args.count - failures
        deadline = time.monotonic() + 30
        while sink.received < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        invited = len(kc.invitations.list_invitations(admin, fast_id))
        naive_rate = args.naive / naive_seconds
        fast_rate = (args.count - failures) / fast_seconds
        print(f"naive sequential python-keycloak loop: {args.naive} invitations in {naive_seconds:.1f} s "
              f"= {naive_rate:.1f}/s")
        print(f"fast path ({workers} threads, one token/pool): {args.count - failures} invitations in "
              f"{fast_seconds:.1f} s = {fast_rate:.1f}/s")
        print(f"speed-up: {fast_rate / naive_rate:.1f}x; e-mails received by the sink: {sink.received}/"
              f"{args.naive + args.count}; invitations stored: {invited}; failures: {failures}")
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process: client + sink
        print(f"peak RSS of the bench process: {peak_rss_mb:.0f} MB")
        # issue 14's targets: >= 150/s and >= 10x the naive loop (memory flat from 1k to 10k: compare peak_rss_mb)
        ok = failures == 0 and invited == args.count and fast_rate >= 150 and fast_rate >= 10 * naive_rate
        print("target (>= 150/s and >= 10x naive):", "met" if ok else "NOT met")
        print(json.dumps({"fast_per_s": round(fast_rate, 1), "naive_per_s": round(naive_rate, 1),
                          "speedup": round(fast_rate / naive_rate, 1), "count": args.count, "naive": args.naive,
                          "mails": sink.received, "failures": failures, "peak_rss_mb": round(peak_rss_mb, 1)}))
        return 0 if ok else 1
    finally:
        kc.realm.delete_realm(master, realm)
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
