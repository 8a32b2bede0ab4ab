"""The one place where configuration is read: environment variables with development defaults.

Everything else (the Flask factory, the Keycloak runner, the provisioning scripts, the tests) gets
its settings from here. Values marked DEV ONLY are published on purpose: they let a newcomer run
the stack locally and must be overridden in any real deployment (see README, "Production").

Production is the default. Only LOCAL_DEVELOPMENT=1 (set by `./dev run` and by the test suite)
fills the DEV ONLY secrets in; otherwise a secret nobody set stays empty and the app refuses to
start (production_problems(), called from create_app).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KEYCLOAK_VERSION = "26.7.3"  # pinned; docker-compose.yml uses the same tag (a test checks)

# DEV ONLY defaults. Never use these outside a developer's own machine: they are used only when
# LOCAL_DEVELOPMENT=1, and the app refuses to start in production with any of them.
DEV_ONLY_SECRETS = {
    "KEYCLOAK_ADMIN_PASSWORD": "dev-only-admin-password",
    "PORTAL_CLIENT_SECRET": "dev-only-portal-client-secret",
    "PORTAL_ADMIN_CLIENT_SECRET": "dev-only-portal-admin-client-secret",
    "PROVISIONER_CLIENT_SECRET": "dev-only-provisioner-client-secret",
    "SECRET_KEY": "dev-only-flask-secret-key-change-me",
    "SMS_GATEWAY_TOKEN": "dev-only-sms-token",
}

# The secrets the portal app itself needs, by environment variable and Settings field. The
# provisioner's secret and the Keycloak admin password are deliberately NOT here: the app never
# needs them (provisioning is the CLI's job), and the SMS gateway token belongs to Keycloak.
APP_SECRETS = {
    "SECRET_KEY": "secret_key",
    "PORTAL_CLIENT_SECRET": "portal_client_secret",
    "PORTAL_ADMIN_CLIENT_SECRET": "portal_admin_client_secret",
}

# A production secret carries at least 32 random bytes: 64 hex characters, or 43 characters of
# any other alphabet (counted as base64url, 6 bits each: `secrets.token_urlsafe(32)` writes 43).
MIN_SECRET_BITS = 256
MIN_DISTINCT_CHARACTERS = 10  # "aaaa…" is long but not random; 64 random hex digits always pass


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: str) -> bool:
    return _env(name, default).strip().lower() in ("1", "true", "yes")


def development_mode() -> bool:
    """LOCAL_DEVELOPMENT=1 (or true/yes): the DEV ONLY defaults apply. Anything else is production."""
    return _flag("LOCAL_DEVELOPMENT", "0")


def _secret(name: str, development: bool) -> str:
    """A secret from the environment; its DEV ONLY default only in development mode."""
    return os.environ.get(name, DEV_ONLY_SECRETS[name] if development else "")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """All settings of the stack, read once from the environment.

    The field defaults are production's: no secret at all. load_settings() adds the DEV ONLY
    values only in development mode."""

    keycloak_version: str = KEYCLOAK_VERSION
    keycloak_host: str = "127.0.0.1"
    keycloak_port: int = 8080
    keycloak_management_port: int = 9000
    keycloak_public_url: str = ""  # what browsers use, when it differs from the server-to-server address
    # master-realm bootstrap admin: the runner (scripts/kc_runner.py) and `provision --master-admin` only
    keycloak_admin_user: str = "admin"
    keycloak_admin_password: str = ""  # secret: load_settings() fills it
    # where scripts/kc_runner.py caches the download, unpacks Keycloak and keeps its dev database
    keycloak_cache_dir: Path = Path.home() / ".cache" / "arbo-portal"
    keycloak_home_dir: Path = ROOT / ".local"
    keycloak_data_dir: Path = ROOT / ".data" / "keycloak"
    java_home: str = ""
    keycloak_build_extensions: bool = True
    realm: str = "arbo"
    display_name: str = "Arbodienst Voorbeeld"
    portal_client_id: str = "portal"
    portal_client_secret: str = ""  # secret: load_settings() fills it
    # the portal's own run-time service account (app/keycloak/client.py): users and organizations
    # of its realm only, no realm settings, clients or flows (README, "Who holds what")
    portal_admin_client_id: str = "portal-admin"
    portal_admin_client_secret: str = ""  # secret: load_settings() fills it
    # provisioning only (scripts/provision.py, app.keycloak.client.realm_admin): the app never uses this client
    provisioner_client_id: str = "portal-provisioner"
    provisioner_client_secret: str = ""  # secret: load_settings() fills it
    portal_url: str = "http://127.0.0.1:5000"
    # where Keycloak itself reaches the portal (back-channel logout), when that differs from the
    # public portal_url: in docker compose the app's service name, http://app:5000
    portal_backchannel_url: str = ""
    app_host: str = "127.0.0.1"
    app_port: int = 5000
    secret_key: str = ""  # secret: load_settings() fills it
    local_development: bool = False  # production unless load_settings() saw LOCAL_DEVELOPMENT=1
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    sink_http_port: int = 8025
    mail_from: str = "inloggen@portaal.example"
    # One sender name for every mail (Keycloak has one per realm; employees and employers both get
    # mail): neutral, the arbodienst's name, unless MAIL_FROM_NAME says otherwise (docs/glossary.md).
    mail_from_name: str = "Arbodienst Voorbeeld"
    mail_reply_to: str = "noreply@portaal.example"
    mail_reply_to_name: str = "Niet beantwoorden"
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""  # secret: load_settings() fills it
    database_url: str = ""
    max_upload_mb: int = 10
    documents_dir: str = ""  # empty: <instance folder>/documents
    # BENCH=1 adds /bench/hello (bench/routes.py) for bench/bench_portal.py; never in production
    bench_routes: bool = False
    # the portal session: never longer than Keycloak's SSO idle (30 min) and max (10 h) - app.server_sessions
    # clamps them; roles are re-read from Keycloak at most this often (at most 60 s)
    session_idle_seconds: int = 1800
    session_max_seconds: int = 36000
    session_refresh_seconds: int = 60
    security_log_file: str = ""  # JSON lines for a SIEM, besides stderr
    trusted_proxy_count: int = 0  # >0 only behind that many proxies that set X-Forwarded-For
    audit_retention_days: int = 1826  # access log kept 5 years (NEN 7513), then `flask audit purge`

    @property
    def keycloak_url(self) -> str:
        return f"http://{self.keycloak_host}:{self.keycloak_port}"

    @property
    def keycloak_management_url(self) -> str:
        return f"http://{self.keycloak_host}:{self.keycloak_management_port}"

    @property
    def issuer(self) -> str:
        """The realm's issuer as Keycloak writes it into tokens (its public address)."""
        return f"{self.keycloak_public_url or self.keycloak_url}/realms/{self.realm}"

    @property
    def metadata_url(self) -> str:
        """Discovery over the server-to-server address (Keycloak's backchannel-dynamic hostname)."""
        return f"{self.keycloak_url}/realms/{self.realm}/.well-known/openid-configuration"

    @property
    def sink_url(self) -> str:
        return f"http://{self.smtp_host}:{self.sink_http_port}"

    def realm_placeholders(self) -> dict[str, str]:
        """Values for the ${VAR} placeholders in realm-export.json.

        A realm is never made with an empty client secret: without one this is a clear error."""
        secrets = {"PORTAL_CLIENT_SECRET": self.portal_client_secret,
                   "PORTAL_ADMIN_CLIENT_SECRET": self.portal_admin_client_secret,
                   "PROVISIONER_CLIENT_SECRET": self.provisioner_client_secret}
        missing = sorted(name for name, value in secrets.items() if not value)
        if missing:
            raise SystemExit(f"realm-export.json needs {', '.join(missing)}: set them (README, \"Production\"; "
                             "./dev secrets writes a fresh set to .env), or LOCAL_DEVELOPMENT=1 on a developer's machine")
        return secrets | {
            "ARBO_DISPLAY_NAME": self.display_name,
            "PORTAL_URL": self.portal_url,
            "PORTAL_BACKCHANNEL_URL": self.portal_backchannel_url or self.portal_url,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
            "MAIL_FROM": self.mail_from,
            "MAIL_FROM_NAME": self.mail_from_name,
            "MAIL_REPLY_TO": self.mail_reply_to,
            "MAIL_REPLY_TO_NAME": self.mail_reply_to_name,
        }


def load_settings() -> Settings:
    """Read the settings from the environment (documented in README, "Configuration")."""
    development = development_mode()
    kc_port = _int("KEYCLOAK_PORT", 8080)
    app_port = _int("APP_PORT", 5000)
    smtp_host = _env("SMTP_HOST", "127.0.0.1")
    sink_http_port = _int("MAIL_SINK_HTTP_PORT", 8025)
    return Settings(
        keycloak_host=_env("KEYCLOAK_HOST", "127.0.0.1"),
        keycloak_port=kc_port,
        keycloak_management_port=_int("KEYCLOAK_MANAGEMENT_PORT", 9000),
        keycloak_public_url=_env("KEYCLOAK_PUBLIC_URL", "").rstrip("/"),
        keycloak_admin_user=_env("KEYCLOAK_ADMIN_USER", "admin"),
        keycloak_admin_password=_secret("KEYCLOAK_ADMIN_PASSWORD", development),
        keycloak_cache_dir=Path(_env("KEYCLOAK_CACHE_DIR", str(Path.home() / ".cache" / "arbo-portal"))),
        keycloak_home_dir=Path(_env("KEYCLOAK_HOME_DIR", str(ROOT / ".local"))),
        keycloak_data_dir=Path(_env("KEYCLOAK_DATA_DIR", str(ROOT / ".data" / "keycloak"))),
        java_home=_env("KEYCLOAK_JAVA_HOME", ""),
        keycloak_build_extensions=_env("KEYCLOAK_BUILD_EXTENSIONS", "1") not in ("0", "false", "no"),
        realm=_env("KEYCLOAK_REALM", "arbo"),
        display_name=_env("ARBO_DISPLAY_NAME", "Arbodienst Voorbeeld"),
        portal_client_id=_env("PORTAL_CLIENT_ID", "portal"),
        portal_client_secret=_secret("PORTAL_CLIENT_SECRET", development),
        portal_admin_client_id=_env("PORTAL_ADMIN_CLIENT_ID", "portal-admin"),
        portal_admin_client_secret=_secret("PORTAL_ADMIN_CLIENT_SECRET", development),
        provisioner_client_id=_env("PROVISIONER_CLIENT_ID", "portal-provisioner"),
        provisioner_client_secret=_secret("PROVISIONER_CLIENT_SECRET", development),
        portal_url=_env("PORTAL_URL", f"http://127.0.0.1:{app_port}").rstrip("/"),
        portal_backchannel_url=_env("PORTAL_BACKCHANNEL_URL", "").rstrip("/"),
        app_host=_env("APP_HOST", "127.0.0.1"),
        app_port=app_port,
        secret_key=_secret("SECRET_KEY", development),
        local_development=development,
        smtp_host=smtp_host,
        smtp_port=_int("SMTP_PORT", 1025),
        sink_http_port=sink_http_port,
        mail_from=_env("MAIL_FROM", "inloggen@portaal.example"),
        mail_from_name=_env("MAIL_FROM_NAME", "").strip() or _env("ARBO_DISPLAY_NAME", "Arbodienst Voorbeeld"),
        mail_reply_to=_env("MAIL_REPLY_TO", "noreply@portaal.example"),
        mail_reply_to_name=_env("MAIL_REPLY_TO_NAME", "Niet beantwoorden"),
        sms_gateway_url=_env("SMS_GATEWAY_URL", f"http://{smtp_host}:{sink_http_port}/api/sms"),
        sms_gateway_token=_secret("SMS_GATEWAY_TOKEN", development),
        database_url=_env("DATABASE_URL", ""),
        max_upload_mb=_int("MAX_UPLOAD_MB", 10),
        documents_dir=_env("DOCUMENTS_DIR", ""),
        bench_routes=_flag("BENCH", "0"),
        session_idle_seconds=_int("SESSION_IDLE_SECONDS", 1800),
        session_max_seconds=_int("SESSION_MAX_SECONDS", 36000),
        session_refresh_seconds=_int("SESSION_REFRESH_SECONDS", 60),
        security_log_file=_env("SECURITY_LOG_FILE", ""),
        trusted_proxy_count=_int("TRUSTED_PROXY_COUNT", 0),
        audit_retention_days=_int("AUDIT_RETENTION_DAYS", 1826),
    )


# --------------------------------------------------------------------------------------------
# Production refuses development secrets

def secret_problem(value: str) -> str | None:
    """Why a value is not a production secret (None when it is one)."""
    if not value:
        return "is not set"
    if value in DEV_ONLY_SECRETS.values():
        return "is a published DEV ONLY value"
    bits_per_character = 4 if all(c in "0123456789abcdefABCDEF" for c in value) else 6
    if len(value) * bits_per_character < MIN_SECRET_BITS or len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "is shorter than 32 random bytes (use 64 hex or 43 base64url characters)"
    return None


def production_problems(settings: Settings) -> list[str]:
    """One line per app secret that production refuses; [] in development mode or when all are fine."""
    if settings.local_development:
        return []
    problems = []
    for variable, field in APP_SECRETS.items():
        problem = secret_problem(getattr(settings, field))
        if problem:
            problems.append(f"{variable} {problem}")
    return problems


class ProductionSecretsError(SystemExit):
    """The app refuses to start: a SystemExit, so gunicorn and the shell show the message, not a traceback."""


def require_production_secrets(settings: Settings) -> None:
    """Refuse to start in production while any app secret is missing, weak or a DEV ONLY default."""
    problems = production_problems(settings)
    if problems:
        raise ProductionSecretsError(
            "The portal refuses to start in production mode: " + "; ".join(problems) + ". "
            "Set each in the environment (`./dev secrets` writes a fresh set to .env; README, \"Production\"), "
            "or set LOCAL_DEVELOPMENT=1 on a developer's own machine.")
