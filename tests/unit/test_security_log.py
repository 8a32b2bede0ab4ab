"""The security log: one JSON line per event with fixed keys, to stderr and SECURITY_LOG_FILE."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app import create_app, security_log
from app.config import load_settings
from tests.portal_fixtures import ORG, sign_in

KEYS = {"ts", "event", "actor", "employer", "target", "ip", "outcome"}


@pytest.fixture
def log_file(tmp_path):
    return tmp_path / "security.jsonl"


@pytest.fixture
def app(tmp_path, log_file):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'portal.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"))
    return create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "SECURITY_LOG_FILE": str(log_file)})


def events(log_file) -> list[dict]:
    return [json.loads(line) for line in log_file.read_text().splitlines()]


def test_refused_access_is_logged_with_who_what_and_where(app, world, log_file):
    client = app.test_client()
    sign_in(client, app, "manager-b")
    assert client.get(f"/cases/{world.case_a1}", environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 404
    (line,) = [e for e in events(log_file) if e["event"] == "access.refused"]
    assert KEYS <= set(line)
    assert (line["actor"], line["ip"], line["target"], line["outcome"]) == (
        "manager-b", "198.51.100.4", f"/cases/{world.case_a1}", "refused")


def test_sign_out_is_logged(app, log_file):
    from unittest import mock

    from app.extensions import oauth

    client = app.test_client()
    sign_in(client, app, "manager-a")
    with mock.patch.object(oauth.keycloak, "load_server_metadata",
                           return_value={"end_session_endpoint": "http://kc/logout"}):
        client.post("/auth/logout")
    (line,) = [e for e in events(log_file) if e["event"] == "sign-out"]
    assert line["actor"] == "manager-a" and line["target"] == "sid-manager-a" and line["outcome"] == "success"
    assert line["employer"] == [ORG["a"]]  # employers by Keycloak organization id, never by alias


def test_event_is_callable_from_other_modules_and_outside_requests(app, log_file):
    record = security_log.event("invitation.sent", actor="superuser-a", employer="org-a", target="user-9")
    assert record["event"] == "invitation.sent" and record["ip"] is None
    line = events(log_file)[-1]
    assert list(line)[:7] == ["ts", "event", "actor", "employer", "target", "ip", "outcome"]
    assert line["target"] == "user-9" and line["outcome"] == "success"


def test_handlers_are_added_once_per_target(app, log_file, tmp_path):
    before = len(security_log.logger.handlers)
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'second.sqlite'}")
    create_app({"SETTINGS": settings, "SECURITY_LOG_FILE": str(log_file)})  # a second app, same targets
    assert len(security_log.logger.handlers) == before
