"""Helpers shared by the tests: the mail sink client, a live app server, the browser sign-in steps."""

from __future__ import annotations

import base64
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyotp
import requests
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """Reads the development sink's HTTP API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def messages_to(self, address: str) -> list[dict]:
        listing = requests.get(f"{self.base_url}/api/messages", timeout=5).json()
        return [requests.get(f"{self.base_url}/api/messages/{m['id']}", timeout=5).json()
                for m in listing if address.lower() in m["to"].lower()]

    def wait_for(self, address: str, subject_contains: str = "", timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages_to(address):
                if subject_contains in message["subject"]:
                    return message
            time.sleep(0.3)
        raise AssertionError(f"no e-mail to {address} with {subject_contains!r} within {timeout} s")

    def sms_to(self, number: str) -> list[dict]:
        return [s for s in requests.get(f"{self.base_url}/api/sms", timeout=5).json() if s["to"] == number]


class LiveServer:
    """Serves a Flask app on a loopback port in a background thread."""

    def __init__(self, app, port: int) -> None:
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()


@dataclass
class Account:
    email: str
    password: str
    user_id: str
    totp_secret: str | None = None
    recovery_codes: list[str] | None = None  # shown once at setup; each works once
    last_step: int = -1  # the last 30-second TOTP step used: Keycloak refuses a code used twice

    def fresh_code(self) -> str:
        """A TOTP code from a time step not used before. Keycloak accepts one step ahead (its
        look-around window), so a second code within the same 30 seconds needs no waiting."""
        step = max(int(time.time()) // 30, self.last_step + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.last_step = step
        return pyotp.TOTP(self.totp_secret).at(step * 30)


def enter_password(page, app_url: str, account: Account) -> None:
    """From the portal to Keycloak's sign-in page: e-mail and password (one page, as in the manuals)."""
    page.goto(f"{app_url}/auth/login")
    page.fill("#username", account.email)
    page.fill("#password", account.password)
    submit(page, "#kc-login")


def login(page, app_url: str, account: Account) -> None:
    """Sign in through Keycloak's own page; set up TOTP when asked, else enter a fresh code."""
    enter_password(page, app_url, account)
    if page.locator("#kc-totp-settings-form").count():
        set_up_totp(page, account)
    elif page.locator("#otp").count():
        page.fill("#otp", account.fresh_code())
        submit(page, "#kc-login")
        # an account on the app only whose app predates recovery codes is asked to keep them now
        save_recovery_codes(page, account)


def submit(page, selector: str) -> None:
    """Click a button that submits a form and wait until the next page has loaded."""
    with page.expect_navigation():
        page.click(selector)


def set_up_totp(page, account: Account, device: str = "Telefoon", manual_key: bool = False) -> None:
    """On Keycloak's TOTP setup page: take the secret (as a person would with "Scannen mislukt?" when
    manual_key is set, else from the form), compute a code, name the device and submit."""
    if manual_key:
        page.click("#mode-manual")
        account.totp_secret = page.inner_text("#kc-totp-secret-key").replace(" ", "")
    else:  # the form carries the raw secret; authenticator apps get it base32-encoded
        raw = page.get_attribute("#totpSecret", "value")
        account.totp_secret = base64.b32encode(raw.encode()).decode().rstrip("=")
    page.fill("#totp", account.fresh_code())
    page.fill("#userLabel", device)
    submit(page, "#saveTOTPBtn")
    save_recovery_codes(page, account)


def save_recovery_codes(page, account: Account) -> bool:
    """On Keycloak's recovery-code page (required after the app for managers, staff and physicians):
    keep the codes as a person would on paper, confirm and go on. False when the page is not shown."""
    if not page.locator("#kc-recovery-codes-list").count():
        return False
    account.recovery_codes = [text.strip() for text in page.locator("#kc-recovery-codes-list li").all_inner_texts()]
    page.check("#kcRecoveryCodesConfirmationCheck")
    submit(page, "#saveRecoveryAuthnCodesBtn")
    return True


AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; the serious and critical violations, one line each."""
    if not AXE_SCRIPT.exists():
        raise AssertionError("axe-core is missing: ./dev test installs it (npm ci)")
    page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")  # evaluated over CDP: the page's CSP does not apply
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _normalise_mail(text: str, message: dict, realm: str) -> str:
    text = text.replace(message["to"], "<EMAIL>")
    text = re.sub(r"https?://[^\s\"'<>]+", "<LINK>", text)
    text = text.replace(realm, "<REALM>") if realm else text
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def check_snapshot(name: str, message: dict, realm: str = "") -> None:
    """Compare an e-mail's text and HTML parts (addresses and links normalised) with the stored
    snapshots in tests/snapshots/. UPDATE_SNAPSHOTS=1 renews them after a deliberate change."""
    for part in ("text", "html"):
        actual = _normalise_mail(message[part], message, realm)
        path = SNAPSHOTS / f"{name}.{part}.txt"
        if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
            path.write_text(actual)
            if not os.environ.get("UPDATE_SNAPSHOTS"):
                raise AssertionError(f"new snapshot written: {path.name}; review it and run again")
        assert actual == path.read_text(), f"{path.name} differs (UPDATE_SNAPSHOTS=1 renews it after review)"


# Keycloak's discovery document as the app would have cached it; port 1: nothing listens there
OFFLINE_METADATA = {
    "issuer": "http://127.0.0.1:1/realms/arbo",
    "authorization_endpoint": "http://127.0.0.1:1/realms/arbo/protocol/openid-connect/auth",
    "token_endpoint": "http://127.0.0.1:1/realms/arbo/protocol/openid-connect/token",
    "end_session_endpoint": "http://127.0.0.1:1/realms/arbo/protocol/openid-connect/logout",
    "jwks_uri": "http://127.0.0.1:1/realms/arbo/protocol/openid-connect/certs",
}
