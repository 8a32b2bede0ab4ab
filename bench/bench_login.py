"""Benchmark: sign-ins per second straight against Keycloak and through the portal, same users, same run.

Both paths do the whole code flow with PKCE and password + TOTP, as a browser would:
- bare:   Keycloak's authorization endpoint -> sign-in form -> OTP form -> code -> token endpoint;
- portal: the portal's /auth/login -> Keycloak (same forms) -> the portal's callback (which exchanges the
          code and checks the ID token) -> the first portal page.
The ratio portal/bare says what the portal adds to Keycloak's own sign-in cost.

Users are created for the run in a fresh realm (password + an enrolled TOTP credential) and removed with
it afterwards. Blocks of bare and portal sign-ins alternate, so both see the same machine. Each user signs
in once per path; a TOTP code is never used twice (Keycloak refuses that). Loopback only, bounded in
count. Needs a running Keycloak (./dev run, or `python -m scripts.kc_runner start`).

    .venv/bin/python -m bench.bench_login [--users 120] [--threads 16] [--blocks 4]

Besides the rates it measures, per sign-in, the CPU time of Keycloak's JVM, of the portal's gunicorn
processes and of this client (which plays the browser), from /proc: where the difference goes.

Prints a table and, as its last line, one JSON object: {"bare_per_s", "portal_per_s", "ratio",
"<path>_<keycloak|portal|client>_cpu_ms", ...}.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pyotp
import requests

from app import keycloak as kc
from app.config import load_settings
from bench import bench_invitations, bench_portal

ROOT = Path(__file__).resolve().parent.parent
FORM_ACTION = re.compile(r'<form[^>]*id="(kc-form-login|kc-otp-login-form)"[^>]*action="([^"]+)"'
                         r'|<form[^>]*action="([^"]+)"[^>]*id="(kc-form-login|kc-otp-login-form)"')
PASSWORD = "Bench-" + secrets.token_urlsafe(18) + "1!"


class SignInFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class User:
    """A bench user with its TOTP secret; hands out codes of time steps it has not used yet."""

    def __init__(self, email: str, secret: str) -> None:
        self.email, self.secret = email, secret
        self.last_step = -1
        self.lock = threading.Lock()

    def code(self) -> str:
        with self.lock:
            step = max(int(time.time()) // 30, self.last_step + 1)
            while step > int(time.time()) // 30 + 1:  # Keycloak accepts one step ahead
                time.sleep(0.2)
            self.last_step = step
        return pyotp.TOTP(self.secret).at(step * 30)


class LoopbackBrowser(requests.Session):
    """A requests session that, like a browser on loopback, sends Keycloak's Secure cookies over http
    (browsers treat 127.0.0.1 as a secure context; requests does not)."""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def _form_action(page: str) -> str:
    match = FORM_ACTION.search(page)
    if not match:
        raise SignInFailed("no Keycloak sign-in form in the page")
    return html.unescape(match.group(2) or match.group(3))


def keycloak_forms(http: requests.Session, response: requests.Response, user: User) -> requests.Response:
    """From Keycloak's sign-in page through password and OTP to the redirect back (not followed)."""
    if response.status_code != 200:
        raise SignInFailed(f"sign-in page answered {response.status_code}")
    response = http.post(_form_action(response.text), data={"username": user.email, "password": PASSWORD},
                         allow_redirects=False, timeout=30)
    if response.status_code != 200 or "kc-otp-login-form" not in response.text:
        raise SignInFailed(f"password step answered {response.status_code}")
    response = http.post(_form_action(response.text), data={"otp": user.code()}, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise SignInFailed(f"OTP step answered {response.status_code}")
    if "/login-actions/" in response.headers.get("Location", ""):  # a required action, not the way back
        raise SignInFailed(f"Keycloak asks for a required action first: {response.headers['Location']}")
    return response


def bare_sign_in(settings, realm: str, redirect_uri: str, user: User) -> None:
    """The code flow with PKCE straight against Keycloak, ending with the token response."""
    base = f"{settings.keycloak_url}/realms/{realm}/protocol/openid-connect"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with LoopbackBrowser() as http:
        query = {"client_id": settings.portal_client_id, "response_type": "code", "scope": "openid email profile",
                 "redirect_uri": redirect_uri, "state": state, "nonce": nonce, "code_challenge": challenge,
                 "code_challenge_method": "S256"}
        response = keycloak_forms(http, http.get(f"{base}/auth?{urlencode(query)}", timeout=30), user)
        back = parse_qs(urlparse(response.headers["Location"]).query)
        if back.get("state") != [state] or "code" not in back:
            raise SignInFailed("no code in the redirect back")
        token = http.post(f"{base}/token", timeout=30, data={
            "grant_type": "authorization_code", "code": back["code"][0], "redirect_uri": redirect_uri,
            "code_verifier": verifier, "client_id": settings.portal_client_id,
            "client_secret": settings.portal_client_secret})
        if token.status_code != 200 or "id_token" not in token.json():
            raise SignInFailed(f"token endpoint answered {token.status_code}")


def portal_sign_in(portal_url: str, user: User) -> None:
    """The same sign-in started and finished by the portal, up to its first page."""
    with LoopbackBrowser() as http:
        response = http.get(f"{portal_url}/auth/login", timeout=30)  # follows to Keycloak's page
        response = keycloak_forms(http, response, user)
        # the callback unfollowed (it exchanges the code and checks the ID token), then the first page
        callback = http.get(response.headers["Location"], allow_redirects=False, timeout=30)
        if callback.status_code != 302 or "portal_session" not in callback.cookies:
            raise SignInFailed(f"callback answered {callback.status_code} without a session")
        response = http.get(portal_url + callback.headers["Location"] if callback.headers["Location"].startswith("/")
                            else callback.headers["Location"], timeout=30)
        # the first page is where the user lands (an employee: their dossier, or the page saying there is
        # none yet); signed in means the sign-out button is there
        if response.status_code != 200 or not response.url.startswith(portal_url) or 'id="logout"' not in response.text:
            raise SignInFailed(f"first page answered {response.status_code} at {response.url}")


def create_users(admin, count: int) -> list[User]:
    """Users with a password and an enrolled TOTP credential (as after first sign-in), in parallel."""
    def one(i: int) -> User:
        email = f"bench-{i}-{uuid.uuid4().hex[:6]}@bench.example"
        secret = pyotp.random_base32()
        user_id = admin.create_user(payload={
            "username": email, "email": email, "emailVerified": True, "enabled": True,
            "firstName": "Bench", "lastName": f"Gebruiker {i}", "requiredActions": [],
            "credentials": [
                {"type": "password", "value": PASSWORD, "temporary": False},
                {"type": "otp", "userLabel": "bench",
                 "secretData": json.dumps({"value": secret}),
                 "credentialData": json.dumps({"subType": "totp", "digits": 6, "counter": 0, "period": 30,
                                               "algorithm": "HmacSHA1"})}]}, exist_ok=False)
        admin.update_user(user_id, {"requiredActions": []})  # the realm's default action (choose 2FA) is done
        # employees: their recovery codes are optional (managers and the arbodienst must keep them,
        # which Keycloak would ask for on the first sign-in - not the sign-in this bench measures)
        admin.assign_realm_roles(user_id, [admin.get_realm_role("employee")])
        # Keycloak stores the OTP secret as given; authenticator apps get it base32-encoded
        return User(email, base64.b32encode(secret.encode()).decode().rstrip("="))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (0 for one that cannot be read)."""
    return sum(bench_invitations.cpu_seconds(pid) for pid in pids)


CPU_PARTS = ("keycloak", "portal", "client")


class CpuMeter:
    """CPU seconds spent by Keycloak, the portal (gunicorn master and workers) and this client during a block."""

    def __init__(self, keycloak: int | None, portal: int) -> None:
        self.keycloak, self.portal = [keycloak] if keycloak else [], [portal, *bench_portal.worker_pids(portal)]

    def read(self) -> dict[str, float]:
        mine = os.times()
        return {"keycloak": process_cpu(self.keycloak), "portal": process_cpu(self.portal),
                "client": mine.user + mine.system}


def run_block(work, users: list[User], threads: int) -> tuple[int, int, float, list[float]]:
    """Sign every user in once with `threads` in parallel: (ok, failed, seconds, latencies)."""
    latencies, failures = [], []

    def one(user: User) -> None:
        started = time.perf_counter()
        try:
            work(user)
            latencies.append(time.perf_counter() - started)
        except (SignInFailed, requests.RequestException, KeyError) as exc:
            failures.append(str(exc))

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, users))
    if failures:
        print(f"  {len(failures)} failed, e.g.: {failures[0]}", file=sys.stderr)
    return len(latencies), len(failures), time.perf_counter() - began, latencies


def start_portal(settings, realm: str, port: int, workdir: Path) -> subprocess.Popen:
    env = os.environ | {"LOCAL_DEVELOPMENT": "1", "KEYCLOAK_REALM": realm, "APP_PORT": str(port),
                        "PORTAL_URL": f"http://127.0.0.1:{port}",
                        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite'}",
                        "DOCUMENTS_DIR": str(workdir / "documents")}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app.wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "gunicorn.log", "w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the portal did not start; see {workdir / 'gunicorn.log'}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=120, help="users created for the run (default 120)")
    parser.add_argument("--threads", type=int, default=16,
                        help="parallel sign-ins (default 16: enough to keep both CPUs busy, so the rates compare costs, not waits)")
    parser.add_argument("--blocks", type=int, default=4, help="alternating blocks per path (default 4)")
    args = parser.parse_args(argv)
    users_count, threads, blocks = max(2, min(args.users, 2000)), max(1, min(args.threads, 32)), max(1, args.blocks)
    os.environ.setdefault("LOCAL_DEVELOPMENT", "1")  # a developer's tool: the DEV ONLY defaults apply
    settings = load_settings()
    try:
        master = kc.client.master_admin(settings, realm="master")
        master.get_realms()
    except Exception as exc:  # noqa: BLE001 - one sentence instead of a traceback
        print(f"Keycloak is not reachable at {settings.keycloak_url} ({type(exc).__name__}); start it first "
              "(./dev run, or .venv/bin/python -m scripts.kc_runner start).", file=sys.stderr)
        return 3

    workdir = Path(tempfile.mkdtemp(prefix="bench-login-"))
    port = free_port()
    portal_url = f"http://127.0.0.1:{port}"
    realm = f"bench-login-{uuid.uuid4().hex[:8]}"
    representation = kc.realm.render_realm(settings.realm_placeholders() | {"PORTAL_URL": portal_url}, realm_name=realm)
    representation["bruteForceProtected"] = False  # many sign-ins from one address in a short time
    kc.realm.ensure_realm(master, representation)
    server = None
    try:
        admin = kc.client.master_admin(settings, realm=realm)
        users = create_users(admin, users_count)
        server = start_portal(settings, realm, port, workdir)
        redirect_uri = f"{portal_url}/auth/callback"
        paths = {"bare": lambda user: bare_sign_in(settings, realm, redirect_uri, user),
                 "portal": lambda user: portal_sign_in(portal_url, user)}
        # warm-up (not counted): one sign-in per path with the first user, then the others in blocks
        warm, measured = users[:1], users[1:]
        for work in paths.values():
            run_block(work, warm, 1)
        totals = {name: {"ok": 0, "failed": 0, "seconds": 0.0, "latencies": [], "cpu": dict.fromkeys(CPU_PARTS, 0.0)}
                  for name in paths}
        meter = CpuMeter(bench_invitations.keycloak_pid(settings.keycloak_port), server.pid)
        size = max(1, len(measured) // blocks)
        for index in range(0, len(measured), size):
            block = measured[index:index + size]
            order = ("bare", "portal") if (index // size) % 2 == 0 else ("portal", "bare")
            for name in order:
                before = meter.read()
                ok, failed, seconds, latencies = run_block(paths[name], block, threads)
                after = meter.read()
                for part in CPU_PARTS:
                    totals[name]["cpu"][part] += after[part] - before[part]
                totals[name]["ok"] += ok
                totals[name]["failed"] += failed
                totals[name]["seconds"] += seconds
                totals[name]["latencies"] += latencies
    finally:
        if server:
            server.terminate()
            server.wait(timeout=15)
        kc.realm.delete_realm(master, realm)

    rates = {name: t["ok"] / t["seconds"] if t["seconds"] else 0.0 for name, t in totals.items()}
    print(f"\n{len(measured)} users, password + TOTP, {threads} parallel sign-ins, {blocks} alternating blocks, "
          f"{os.cpu_count()} CPUs shared by Keycloak, the portal (gunicorn 2x4) and the client\n")
    print(f"{'path':10} {'sign-ins':>9} {'failed':>7} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}   "
          + "  ".join(f"{part + ' CPU ms':>16}" for part in CPU_PARTS))
    cpu_ms = {name: {part: 1000 * t["cpu"][part] / max(t["ok"], 1) for part in CPU_PARTS} for name, t in totals.items()}
    for name, t in totals.items():
        print(f"{name:10} {t['ok']:>9} {t['failed']:>7} {rates[name]:>8.2f} "
              f"{1000 * percentile(t['latencies'], 0.5):>8.0f} {1000 * percentile(t['latencies'], 0.99):>8.0f}   "
              + "  ".join(f"{cpu_ms[name][part]:>16.1f}" for part in CPU_PARTS))
    print("(CPU per sign-in: Keycloak's JVM, the portal's gunicorn processes, and this client, which plays the browser)")
    ratio = rates["portal"] / rates["bare"] if rates["bare"] else 0.0
    print(f"\nportal / bare: {ratio:.3f}x (target >= 0.95x)")
    print(json.dumps({"bare_per_s": round(rates["bare"], 2), "portal_per_s": round(rates["portal"], 2),
                      "ratio": round(ratio, 3), "users": len(measured), "threads": threads,
                      **{f"{name}_{part}_cpu_ms": round(cpu_ms[name][part], 1) for name in totals for part in CPU_PARTS},
                      "failed": sum(t["failed"] for t in totals.values())}))
    return 0 if all(t["failed"] == 0 for t in totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
