"""Settings come from the environment; production is the default and refuses development secrets."""

import dataclasses
import os
import secrets
import subprocess
import sys

import pytest

from app import create_app
from app.config import (APP_SECRETS, DEV_ONLY_SECRETS, KEYCLOAK_VERSION, ROOT, ProductionSecretsError,
                        load_settings, production_problems)

SECRET_VARIABLES = sorted(set(DEV_ONLY_SECRETS) | {"PORTAL_ADMIN_CLIENT_ID", "LOCAL_DEVELOPMENT"})


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A production environment (LOCAL_DEVELOPMENT unset) with a strong value for each app secret."""
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    strong = {name: secrets.token_urlsafe(32) for name in APP_SECRETS}
    for name, value in strong.items():
        monkeypatch.setenv(name, value)
    return strong


def test_defaults_are_loopback_and_marked_dev_only(monkeypatch):
    for name in ("KEYCLOAK_PORT", "PORTAL_URL", "PORTAL_CLIENT_SECRET", "SECRET_KEY", "APP_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOCAL_DEVELOPMENT", "1")
    settings = load_settings()
    assert settings.keycloak_url == "http://127.0.0.1:8080"
    assert settings.portal_url == "http://127.0.0.1:5000"
    assert settings.portal_client_secret.startswith("dev-only-")
    assert all(value.startswith("dev-only-") for value in DEV_ONLY_SECRETS.values())
    assert settings.keycloak_version == KEYCLOAK_VERSION


def test_environment_overrides_defaults(monkeypatch, production):
    monkeypatch.setenv("KEYCLOAK_PORT", "8443")
    monkeypatch.setenv("PORTAL_URL", "https://portaal.example.nl/")
    monkeypatch.setenv("PROVISIONER_CLIENT_SECRET", "x" * 10)
    settings = load_settings()
    assert settings.keycloak_url.endswith(":8443")
    assert settings.portal_url == "https://portaal.example.nl"
    assert settings.local_development is False
    assert settings.realm_placeholders()["PORTAL_URL"] == "https://portaal.example.nl"
    assert settings.realm_placeholders()["PORTAL_BACKCHANNEL_URL"] == "https://portaal.example.nl"
    assert settings.realm_placeholders()["PORTAL_ADMIN_CLIENT_SECRET"] == production["PORTAL_ADMIN_CLIENT_SECRET"]


def test_backchannel_url_can_differ_from_the_public_address(monkeypatch):
    monkeypatch.setenv("LOCAL_DEVELOPMENT", "1")
    monkeypatch.setenv("PORTAL_URL", "https://portaal.example.nl")
    monkeypatch.setenv("PORTAL_BACKCHANNEL_URL", "http://app:5000/")
    placeholders = load_settings().realm_placeholders()
    assert (placeholders["PORTAL_URL"], placeholders["PORTAL_BACKCHANNEL_URL"]) == ("https://portaal.example.nl",
                                                                                   "http://app:5000")


def test_a_non_numeric_port_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KEYCLOAK_PORT", "eighty")
    with pytest.raises(SystemExit, match="KEYCLOAK_PORT must be a whole number"):
        load_settings()


# ------------------------------------------------------------------ production is the default

@pytest.mark.parametrize("value", ["", "0", "false", "no", "production", "off"])
def test_production_is_the_default_and_has_no_secret_defaults(monkeypatch, value):
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if value:
        monkeypatch.setenv("LOCAL_DEVELOPMENT", value)
    settings = load_settings()
    assert settings.local_development is False
    for field in ("secret_key", "portal_client_secret", "portal_admin_client_secret", "provisioner_client_secret",
                  "keycloak_admin_password", "sms_gateway_token"):
        assert getattr(settings, field) == "", field


@pytest.mark.parametrize("value", ["1", "true", "yes", "TRUE"])
def test_development_mode_only_on_request(monkeypatch, value):
    monkeypatch.setenv("LOCAL_DEVELOPMENT", value)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = load_settings()
    assert settings.local_development is True and settings.secret_key == DEV_ONLY_SECRETS["SECRET_KEY"]
    assert production_problems(settings) == []


WEAK = {
    "missing": (None, "is not set"),
    "empty": ("", "is not set"),
    "published dev value": ("dev-only", "is a published DEV ONLY value"),
    "another variable's dev value": ("dev-only-provisioner-client-secret", "is a published DEV ONLY value"),
    "42 base64url characters": (secrets.token_urlsafe(32)[:42], "shorter than 32 random bytes"),
    "63 hex characters": (secrets.token_hex(32)[:63], "shorter than 32 random bytes"),
    "long but not random": ("a" * 80, "shorter than 32 random bytes"),
    "a repeated word": ("secret" * 10, "shorter than 32 random bytes"),
}


@pytest.mark.parametrize("variable", sorted(APP_SECRETS))
@pytest.mark.parametrize("case", sorted(WEAK))
def test_production_refuses_to_start_naming_the_variable(monkeypatch, production, variable, case):
    value, problem = WEAK[case]
    if value == "dev-only":
        value = DEV_ONLY_SECRETS[variable]
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ProductionSecretsError) as refusal:
        create_app()
    message = str(refusal.value)
    assert f"{variable} " in message and problem in message
    assert "LOCAL_DEVELOPMENT=1" in message and "./dev secrets" in message
    for other in set(APP_SECRETS) - {variable}:
        assert other not in message  # only the offending variable is named
    if value:
        assert value not in message  # a refusal never prints a secret


def test_every_offending_variable_is_named_in_one_message(monkeypatch, production):
    monkeypatch.setenv("SECRET_KEY", DEV_ONLY_SECRETS["SECRET_KEY"])
    monkeypatch.delenv("PORTAL_CLIENT_SECRET")
    monkeypatch.setenv("PORTAL_ADMIN_CLIENT_SECRET", "short")
    with pytest.raises(ProductionSecretsError,
                       match=r"SECRET_KEY is a published DEV ONLY value; PORTAL_CLIENT_SECRET is not set; "
                             r"PORTAL_ADMIN_CLIENT_SECRET is shorter than 32 random bytes"):
        create_app()


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32),
                                  lambda: secrets.token_urlsafe(64)])
def test_strong_secrets_start_without_provisioner_or_admin_credentials(monkeypatch, production, make):
    for name in APP_SECRETS:
        monkeypatch.setenv(name, make())
    app = create_app()  # no PROVISIONER_CLIENT_SECRET, no KEYCLOAK_ADMIN_PASSWORD: the app needs neither
    settings = app.config["SETTINGS"]
    assert settings.provisioner_client_secret == "" and settings.keycloak_admin_password == ""
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_settings_passed_in_are_checked_too(tmp_path):
    settings = dataclasses.replace(load_settings(), local_development=False,
                                   database_url=f"sqlite:///{tmp_path / 'p.sqlite'}")
    with pytest.raises(ProductionSecretsError, match="SECRET_KEY is a published DEV ONLY value"):
        create_app({"SETTINGS": settings})


def test_a_realm_is_never_rendered_with_an_empty_client_secret(monkeypatch, production):
    with pytest.raises(SystemExit, match="realm-export.json needs PROVISIONER_CLIENT_SECRET"):
        load_settings().realm_placeholders()


def _production_env(**secrets_env) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
    return env | {"APP_PORT": "5400"} | secrets_env


def _gunicorn(env: dict, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gunicorn", *options, "--bind", "127.0.0.1:0", "app.wsgi:app"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_gunicorn_stops_with_the_one_sentence_and_no_traceback(tmp_path):
    env = _production_env(SECRET_KEY=DEV_ONLY_SECRETS["SECRET_KEY"], PORTAL_CLIENT_SECRET=secrets.token_urlsafe(32),
                          DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite'}")
    result = _gunicorn(env, "--workers", "2")  # as the Dockerfile and ./dev run start it (gunicorn.conf.py)
    assert result.returncode == 1
    assert "The portal refuses to start in production mode: SECRET_KEY is a published DEV ONLY value; " \
           "PORTAL_ADMIN_CLIENT_SECRET is not set." in result.stderr
    assert "PORTAL_CLIENT_SECRET is" not in result.stderr
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr  # refused before any fork


def test_gunicorn_without_its_settings_file_stops_too(tmp_path):
    empty = tmp_path / "gunicorn.conf.py"
    empty.write_text("")
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite'}")
    result = _gunicorn(env, "--config", str(empty), "--workers", "1")
    assert result.returncode == 4  # gunicorn's "App failed to load": the master stops, no respawn loop
    assert "SECRET_KEY is not set; PORTAL_CLIENT_SECRET is not set; PORTAL_ADMIN_CLIENT_SECRET is not set." \
           in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("Booting worker") == 1


def test_the_app_factory_refuses_outside_gunicorn_too(tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite'}")
    result = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("The portal refuses to start in production mode: SECRET_KEY is not set; "
                                            "PORTAL_CLIENT_SECRET is not set; PORTAL_ADMIN_CLIENT_SECRET is not set.")
