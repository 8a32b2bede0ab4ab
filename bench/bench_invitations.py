"""Benchmark: bulk onboarding with mail through the HR import's own path, beside a naive loop.

    .venv/bin/python -m bench.bench_invitations [--count 1000] [--naive 100] [--workers 8] [--managers N]

Runs against the Keycloak of the settings (loopback), in a throwaway realm whose SMTP points at a
counting SMTP sink in a child process on a free port (so every row really sends an e-mail, and the
sink does not share this process's interpreter or memory). Deletes the realm afterwards.

Fast path: exactly what `provision import` does per row (`scripts.provision._import_row`: an
employee gets an account, the role, the membership and Keycloak's welcome e-mail; a manager an
organization invitation with its role record), streamed through `scripts.bulk.run_bounded` with
--workers threads, one token and one connection pool. The rows come from a generator, so memory
must not grow with --count. --managers (default count/100) of the rows are manager invitations.
Naive: the obvious sequential script, per person the employer looked up by name, then the same row.

Prints the figures and, as its last line, one JSON object: {"fast_per_s", "naive_per_s", "speedup",
"count", "naive", "managers", "workers", "mails", "failures", "seconds", "peak_rss_mb", "keycloak_cpu_ms",
"naive_cpus", "max_speedup"}: naive_cpus is how many CPUs the naive loop kept busy (Keycloak and this
client), max_speedup the machine's CPUs divided by that, the most any path could gain here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import socket
import sys
import time
import uuid
from collections.abc import Iterator

from app import keycloak as kc
from app.config import load_settings
from scripts import bulk
from scripts import provision
from scripts.provisioning_rows import Row

EMPLOYER = "Snel BV"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sink(port: int, counter, ready) -> None:
    """Child process: an SMTP server that only counts what it receives (nothing is kept)."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


@contextlib.contextmanager
def mail_realm(settings, prefix: str):
    """A throwaway realm whose SMTP is a counting sink in a child process (so every invitation really
    sends its e-mail); yields (realm name, the sink's counter); deletes the realm and stops the sink."""
    port = free_port()
    counter, ready = multiprocessing.Value("q", 0), multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, counter, ready), daemon=True)
    sink.start()
    ready.wait(30)
    master = kc.client.master_admin(settings, realm="master")
    realm = f"{prefix}-{uuid.uuid4().hex[:8]}"
    placeholders = settings.realm_placeholders() | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
    try:
        kc.realm.ensure_realm(master, kc.realm.render_realm(placeholders, realm_name=realm))
        try:
            yield realm, counter
        finally:
            kc.realm.delete_realm(master, realm)
    finally:
        sink.terminate()


def wait_for_mails(counter, expected: int, seconds: float = 30) -> None:
    """Until the sink has counted `expected` e-mails (Keycloak sends inside the request; the sink may lag)."""
    wait_until = time.monotonic() + seconds
    while counter.value < expected and time.monotonic() < wait_until:
        time.sleep(0.2)


def people(prefix: str, count: int, managers: int) -> Iterator[Row]:
    """The rows, made one at a time; every (count // managers)-th a manager invitation."""
    every = count // managers if managers else 0
    for i in range(count):
        manager = every and i % every == every - 1
        yield Row(line=i + 2, email=f"{prefix}-{i}@snel.example", first_name="Snel", last_name=f"Persoon {i}",
                  employer=EMPLOYER, role="manager" if manager else "employee",
                  birth_date="" if manager else "1980-01-31", mobile="" if manager else "+31612345678")


def naive_loop(admin, rows: Iterator[Row]) -> tuple[int, float]:
    """The obvious script: per person, sequentially, the employer looked up by name, then the row."""
    started, done = time.perf_counter(), 0
    for row in rows:
        employer = kc.organizations.find_organization(admin, row.employer)
        provision._import_row(admin, employer["id"], row, None, None)
        done += 1
    return done, time.perf_counter() - started


def fast_path(admin, employer_id: str, rows: Iterator[Row], workers: int, deadline: float) -> tuple[int, int, float]:
    """The import's path: rows streamed through the bounded pool; stops taking rows at the deadline."""
    started, done, failures = time.perf_counter(), 0, 0

    def until_deadline():
        for row in rows:
            if time.monotonic() > deadline:
                return
            yield row

    for row, _, error in bulk.run_bounded(lambda row: provision._import_row(admin, employer_id, row, None, None),
                                          until_deadline(), workers):
        if error is None:
            done += 1
        else:
            failures += 1
            if failures <= 5:
                print(f"  failed: {row.email}: {error}", file=sys.stderr)
    return done, failures, time.perf_counter() - started


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process (Keycloak's JVM), 0 when it cannot be read."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, TypeError, IndexError, ValueError):
        return 0.0


def keycloak_pid(port: int) -> int | None:
    """The JVM listening on Keycloak's port (for its CPU time), if this machine shows it."""
    try:
        lines = [line.split() for name in ("/proc/net/tcp", "/proc/net/tcp6") for line in open(name).read().splitlines()[1:]]
        inode = next(f[9] for f in lines if f[1].endswith(f":{port:04X}") and f[3] == "0A")
    except (OSError, StopIteration):
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="rows on the fast path (default 1000)")
    parser.add_argument("--naive", type=int, default=100, help="rows in the naive loop (default 100)")
    parser.add_argument("--workers", type=int, default=8, help=f"fast-path threads (default 8, max {provision.MAX_WORKERS})")
    parser.add_argument("--managers", type=int, help="of the fast rows, manager invitations (default count/100)")
    parser.add_argument("--timeout", type=float, default=1800, help="stop taking rows after this many seconds")
    args = parser.parse_args(argv)
    workers = max(1, min(args.workers, provision.MAX_WORKERS))
    managers = args.count // 100 if args.managers is None else max(0, min(args.managers, args.count))
    os.environ.setdefault("LOCAL_DEVELOPMENT", "1")  # a developer's tool: the DEV ONLY defaults apply
    settings = load_settings()

    with mail_realm(settings, "bench") as (realm, counter):
        admin = kc.client.realm_admin(settings, realm=realm)  # the provisioning account, as `provision import`
        employer_id = kc.organizations.ensure_organization(admin, EMPLOYER, "snel.example")
        java = keycloak_pid(settings.keycloak_port)
        # how busy the naive loop keeps the machine (Keycloak's JVM and this client): a parallel path can
        # be at most (CPUs / that) times faster, whatever it does
        busy_before, mine_before = cpu_seconds(java), os.times()
        naive_done, naive_seconds = naive_loop(admin, people("naive", args.naive, args.naive // 100))
        mine_after = os.times()
        naive_cpus = (cpu_seconds(java) - busy_before + mine_after.user + mine_after.system
                      - mine_before.user - mine_before.system) / naive_seconds
        max_speedup = (os.cpu_count() or 1) / naive_cpus if naive_cpus else float("inf")
        cpu_before = cpu_seconds(java)
        done, failures, seconds = fast_path(admin, employer_id, people("fast", args.count, managers), workers,
                                            time.monotonic() + args.timeout)
        keycloak_cpu_ms = 1000 * (cpu_seconds(java) - cpu_before) / max(done, 1)
        expected = naive_done + done
        wait_for_mails(counter, expected)
        naive_rate = naive_done / naive_seconds
        fast_rate = done / seconds
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the client; the sink is a child
        print(f"\nbulk onboarding with mail, {workers} threads on the import path, one token and one pool; "
              f"{managers} of its rows manager invitations\n")
        print(f"{'path':22} {'rows':>7} {'seconds':>8} {'rows/s':>8}")
        print(f"{'naive sequential loop':22} {naive_done:>7} {naive_seconds:>8.1f} {naive_rate:>8.1f}")
        print(f"{'import path':22} {done:>7} {seconds:>8.1f} {fast_rate:>8.1f}")
        print(f"\nspeed-up {fast_rate / naive_rate:.1f}x; Keycloak CPU {keycloak_cpu_ms:.0f} ms per row; e-mails received "
              f"by the sink {counter.value}/{expected}; failures {failures}; peak RSS of the bench process "
              f"{peak_rss_mb:.0f} MB")
        print(f"the naive loop kept {naive_cpus:.2f} of {os.cpu_count()} CPUs busy (Keycloak and client): no path can "
              f"be more than {max_speedup:.1f}x faster on this machine")
        met = fast_rate >= 150 and fast_rate >= 10 * naive_rate
        print(f"target (>= 150/s and >= 10x naive): {'met' if met else 'NOT met'}\n")
        print(json.dumps({"fast_per_s": round(fast_rate, 1), "naive_per_s": round(naive_rate, 1),
                          "speedup": round(fast_rate / naive_rate, 1), "count": done, "naive": naive_done,
                          "managers": managers, "workers": workers, "mails": counter.value, "failures": failures,
                          "seconds": round(seconds, 1), "peak_rss_mb": round(peak_rss_mb, 1),
                          "keycloak_cpu_ms": round(keycloak_cpu_ms, 1), "naive_cpus": round(naive_cpus, 2),
                          "max_speedup": round(max_speedup, 1)}))
        # a benchmark reports figures; it fails only when rows or mails went missing
        return 0 if failures == 0 and done == args.count and counter.value == expected else 1


if __name__ == "__main__":
    sys.exit(main())
