"""Settings come from the environment, with marked development defaults."""

import pytest

from app.config import DEV_ONLY_SECRETS, KEYCLOAK_VERSION, load_settings


def test_defaults_are_loopback_and_marked_dev_only(monkeypatch):
    for name in ("KEYCLOAK_PORT", "PORTAL_URL", "PORTAL_CLIENT_SECRET", "SECRET_KEY", "APP_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.keycloak_url == "http://127.0.0.1:8080"
    assert settings.portal_url == "http://127.0.0.1:5000"
    assert settings.portal_client_secret.startswith("dev-only-")
    assert all(value.startswith("dev-only-") for value in DEV_ONLY_SECRETS.values())
    assert settings.keycloak_version == KEYCLOAK_VERSION


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("KEYCLOAK_PORT", "8443")
    monkeypatch.setenv("PORTAL_URL", "https://portaal.example.nl/")
    monkeypatch.setenv("LOCAL_DEVELOPMENT", "0")
    settings = load_settings()
    assert settings.keycloak_url.endswith(":8443")
    assert settings.portal_url == "https://portaal.example.nl"
    assert settings.local_development is False
    assert settings.realm_placeholders()["PORTAL_URL"] == "https://portaal.example.nl"


def test_a_non_numeric_port_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KEYCLOAK_PORT", "eighty")
    with pytest.raises(SystemExit, match="KEYCLOAK_PORT must be a whole number"):
        load_settings()
