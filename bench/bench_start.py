"""Benchmark: cold start of the local stack (`./dev run`) until the portal and Keycloak's sign-in page answer.

"Cold" means a new, empty Keycloak data directory and a private copy of the unpacked distribution (the realm is imported again, the demo employer
provisioned again) with the Keycloak distribution already downloaded and unpacked, as on a developer's
machine after the first run. The stack runs on its own free loopback ports, so a running `./dev run` is
not disturbed; it is stopped (SIGTERM, as Ctrl-C) after each run. Bounded: --timeout per run.

    .venv/bin/python -m bench.bench_start [--runs 1] [--timeout 300]

Prints a table and, as its last line, one JSON object: {"seconds": <median>, "runs": [...]}.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

import requests

from app.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
SIGN_IN_FORM = 'id="kc-form-login"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ready(portal_url: str) -> bool:
    """The portal answers and its sign-in leads to Keycloak's sign-in page (both are up)."""
    try:
        if requests.get(f"{portal_url}/healthz", timeout=2).status_code != 200:
            return False
        page = requests.get(f"{portal_url}/auth/login", timeout=5)
        return page.status_code == 200 and SIGN_IN_FORM in page.text
    except requests.RequestException:
        return False


def one_run(timeout: float) -> float:
    """Seconds from starting the stack until both pages answer."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-start-"))
    ports = {name: free_port() for name in ("KEYCLOAK_PORT", "KEYCLOAK_MANAGEMENT_PORT", "SMTP_PORT",
                                            "MAIL_SINK_HTTP_PORT", "APP_PORT")}
    env = os.environ | {name: str(port) for name, port in ports.items()} | {
        "KEYCLOAK_DATA_DIR": str(workdir / "keycloak"), "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite'}",
        "DOCUMENTS_DIR": str(workdir / "documents"), "PORTAL_URL": f"http://127.0.0.1:{ports['APP_PORT']}",
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{ports['MAIL_SINK_HTTP_PORT']}/api/sms"}
    # a private copy of the unpacked distribution: the runner re-links providers and themes (and
    # kc.sh re-augments) in its home, which must never touch the home a running Keycloak uses
    home = load_settings().keycloak_home_dir
    shutil.copytree(home, workdir / "home", symlinks=True)
    env["KEYCLOAK_HOME_DIR"] = str(workdir / "home")
    portal_url = env["PORTAL_URL"]
    log = open(workdir / "stack.log", "wb")
    began = time.perf_counter()
    stack = subprocess.Popen([sys.executable, "-m", "scripts.stack", "up"], cwd=ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        while not ready(portal_url):
            if stack.poll() is not None:
                raise SystemExit(f"the stack stopped while starting; see {workdir / 'stack.log'}")
            if time.perf_counter() - began > timeout:
                raise SystemExit(f"the stack was not ready within {timeout:.0f} s; see {workdir / 'stack.log'}")
            time.sleep(0.5)
        return time.perf_counter() - began
    finally:
        stack.send_signal(signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
        shutil.rmtree(workdir / "home", ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="cold starts, one after another (default 1)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run before giving up")
    args = parser.parse_args(argv)
    seconds = [one_run(args.timeout) for _ in range(max(1, min(args.runs, 5)))]
    print(f"\ncold start of ./dev run (Keycloak distribution cached, empty data), {os.cpu_count()} CPUs\n")
    print(f"{'run':>4} {'seconds':>8}")
    for number, value in enumerate(seconds, start=1):
        print(f"{number:>4} {value:>8.1f}")
    print(f"\nmedian: {statistics.median(seconds):.1f} s (target <= 40 s)")
    print(json.dumps({"seconds": round(statistics.median(seconds), 1), "runs": [round(s, 1) for s in seconds]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
