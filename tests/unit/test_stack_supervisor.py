"""`./dev run`'s supervisor names the child that ended and how, with small dummy child processes."""

import subprocess
import sys

from scripts import stack


def _child(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


def test_the_child_that_exits_is_named_with_its_code():
    sleeper, sink = _child("import time; time.sleep(60)"), _child("raise SystemExit(3)")
    try:
        ended = stack.supervise({"the portal": sleeper, "the mail/SMS sink": sink}, lambda: False, interval=0.05)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert ended == ("the mail/SMS sink", 3)
    assert stack.describe_exit(*ended).startswith("the mail/SMS sink exited with code 3")


def test_a_killed_child_is_named_with_its_signal():
    child = _child("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    ended = stack.supervise({"the portal": child}, lambda: False, interval=0.05)
    assert ended == ("the portal", -9)
    assert "signal SIGKILL" in stack.describe_exit(*ended)


def test_asked_to_stop_returns_none():
    child = _child("import time; time.sleep(60)")
    try:
        assert stack.supervise({"the portal": child}, lambda: True) is None
    finally:
        child.kill()
        child.wait()


# --- Keycloak is watched too: the process this run started, or the health of a reused one

from app.config import load_settings  # noqa: E402
from tests.support import free_port  # noqa: E402


def test_keycloak_started_by_the_run_is_watched_as_its_process():
    keycloak, portal = _child("raise SystemExit(143)"), _child("import time; time.sleep(60)")
    try:
        watched = stack.watch_keycloak(load_settings(), keycloak)
        ended = stack.supervise({"the portal": portal, "Keycloak": watched}, lambda: False, interval=0.05)
    finally:
        portal.kill()
        portal.wait()
    assert ended == ("Keycloak", 143)
    assert stack.describe_exit(*ended).startswith("Keycloak exited with code 143")


def test_a_reused_keycloak_that_stops_answering_is_named(monkeypatch):
    monkeypatch.setenv("KEYCLOAK_MANAGEMENT_PORT", str(free_port()))  # nobody answers there
    portal = _child("import time; time.sleep(60)")
    try:
        watched = stack.watch_keycloak(load_settings(), None)
        ended = stack.supervise({"the portal": portal, "Keycloak": watched}, lambda: False, interval=0.01)
    finally:
        portal.kill()
        portal.wait()
    assert ended[0] == "Keycloak"
    assert "Keycloak stopped answering at http://" in stack.describe_exit(*ended)


def test_up_hands_keycloak_to_the_supervisor(monkeypatch):
    """up() watches the sink, the portal and Keycloak; when Keycloak ends it says so and exits 1."""
    keycloak = _child("raise SystemExit(1)")
    keycloak.wait()
    monkeypatch.setattr(stack, "start_sink", lambda settings: None)
    monkeypatch.setattr(stack.kc_runner, "is_ready", lambda settings: False)
    monkeypatch.setattr(stack.kc_runner, "start", lambda settings: "started")
    monkeypatch.setattr(stack.kc_runner, "started_process", keycloak)
    monkeypatch.setattr(stack.kc_runner, "stop", lambda settings: "stopped")
    monkeypatch.setattr(stack, "check_runtime_client", lambda settings: None)
    portal = _child("import time; time.sleep(60)")
    monkeypatch.setattr(stack, "start_app", lambda settings: portal)
    import scripts.demo
    monkeypatch.setattr(scripts.demo, "provision_demo", lambda settings: {
        "email": "m", "password": "p", "employer": "E", "employees": [], "employee_password": "p",
        "physician": "d", "physician_password": "p"})
    said = []
    monkeypatch.setattr(stack.console, "print", lambda *a, **k: said.append(" ".join(map(str, a))))
    try:
        assert stack.up(load_settings()) == 1
    finally:
        portal.kill()
        portal.wait()
    assert any("Keycloak exited with code 1" in line for line in said)
