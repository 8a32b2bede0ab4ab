"""`./dev run` on a Keycloak database from before the portal-admin client: one clear sentence."""

import os
from unittest import mock

import pytest

from app.config import load_settings
from scripts import stack


def test_a_realm_without_the_runtime_client_is_reported():
    admin = mock.Mock()
    admin.get_client_id.return_value = None
    with mock.patch("app.keycloak.client.master_admin", return_value=admin), \
            pytest.raises(stack.kc_runner.RunnerError, match="predates the portal's run-time admin client"):
        stack.check_runtime_client(load_settings())
    admin.get_client_id.assert_called_once_with("portal-admin")


def test_a_realm_with_it_passes():
    admin = mock.Mock()
    admin.get_client_id.return_value = "some-id"
    with mock.patch("app.keycloak.client.master_admin", return_value=admin):
        stack.check_runtime_client(load_settings())


def test_the_local_stack_runs_in_development_mode(monkeypatch):
    monkeypatch.setenv("LOCAL_DEVELOPMENT", "0")
    seen = {}
    monkeypatch.setattr(stack, "up", lambda settings: seen.setdefault("development", settings.local_development) and 0)
    stack.main(["up"])
    assert seen["development"] is True
    assert os.environ["LOCAL_DEVELOPMENT"] == "1"  # inherited by gunicorn
