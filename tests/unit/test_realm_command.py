"""`provision realm` reads the event expiration like Keycloak's import does, and refuses nonsense."""

import pytest

from scripts import provision


@pytest.mark.parametrize("value", ["400 dagen", "-1", "3600"])
def test_a_bad_event_expiration_is_exit_2_before_keycloak_is_called(value, monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_EVENTS_EXPIRATION", value)
    monkeypatch.setenv("KEYCLOAK_PORT", "1")  # nothing listens: reaching Keycloak would be exit 3
    assert provision.main(["realm", "--name", "t-expiration", "--dry-run"]) == provision.EXIT_BAD_INPUT
    assert "KEYCLOAK_EVENTS_EXPIRATION" in capsys.readouterr().err
