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
