"""The one place where configuration is read: environment variables with development defaults.

Everything else (the Flask factory, the Keycloak runner, the provisioning scripts, the tests) gets
its settings from here. Values marked DEV ONLY are published on purpose: they let a newcomer run
the stack locally and must be overridden in any real deployment (see README, "Production").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KEYCLOAK_VERSION = "26.7.3"  # pinned; docker-compose.yml uses the same tag (a test checks)

# DEV ONLY defaults. Never use these outside a developer's own machine.
DEV_ONLY_SECRETS = {
    "KEYCLOAK_ADMIN_PASSWORD": "dev-only-admin-password",
    "PORTAL_CLIENT_SECRET": "dev-only-portal-client-secret",
    "PROVISIONER_CLIENT_SECRET": "dev-only-provisioner-client-secret",
    "SECRET_KEY": "dev-only-flask-secret-key-change-me",
    "SMS_GATEWAY_TOKEN": "dev-only-sms-token",
}


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


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
    """All settings of the stack, read once from the environment."""

    keycloak_version: str = KEYCLOAK_VERSION
    keycloak_host: str = "127.0.0.1"
    keycloak_port: int = 8080
    keycloak_management_port: int = 9000
    keycloak_public_url: str = ""  # what browsers use, when it differs from the server-to-server address
    keycloak_admin_user: str = "admin"
    keycloak_admin_password: str = DEV_ONLY_SECRETS["KEYCLOAK_ADMIN_PASSWORD"]
    keycloak_cache_dir: Path = Path.home() / ".cache" / "arbo-portal"
    keycloak_home_dir: Path = ROOT / ".local"
    keycloak_data_dir: Path = ROOT / ".data" / "keycloak"
    java_home: str = ""
    keycloak_build_extensions: bool = True
    realm: str = "arbo"
    display_name: str = "Arbodienst Voorbeeld"
    portal_client_id: str = "portal"
    portal_client_secret: str = DEV_ONLY_SECRETS["PORTAL_CLIENT_SECRET"]
    provisioner_client_id: str = "portal-provisioner"
    provisioner_client_secret: str = DEV_ONLY_SECRETS["PROVISIONER_CLIENT_SECRET"]
    portal_url: str = "http://127.0.0.1:5000"
    app_host: str = "127.0.0.1"
    app_port: int = 5000
    secret_key: str = DEV_ONLY_SECRETS["SECRET_KEY"]
    local_development: bool = True
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    sink_http_port: int = 8025
    mail_from: str = "inloggen@portaal.example"
    mail_from_name: str = "Inloggen Portaal Werkgever"
    mail_reply_to: str = "noreply@portaal.example"
    mail_reply_to_name: str = "Niet beantwoorden"
    sms_gateway_url: str = ""
    sms_gateway_token: str = DEV_ONLY_SECRETS["SMS_GATEWAY_TOKEN"]
    database_url: str = ""
    max_upload_mb: int = 10
    documents_dir: str = ""  # empty: <instance folder>/documents
    bench_routes: bool = False  # BENCH=1 adds /bench/hello for bench/bench_portal.py; never in production

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
        """Values for the ${VAR} placeholders in realm-export.json."""
        return {
            "ARBO_DISPLAY_NAME": self.display_name,
            "PORTAL_URL": self.portal_url,
            "PORTAL_CLIENT_SECRET": self.portal_client_secret,
            "PROVISIONER_CLIENT_SECRET": self.provisioner_client_secret,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
            "MAIL_FROM": self.mail_from,
            "MAIL_FROM_NAME": self.mail_from_name,
            "MAIL_REPLY_TO": self.mail_reply_to,
            "MAIL_REPLY_TO_NAME": self.mail_reply_to_name,
        }


def load_settings() -> Settings:
    """Read the settings from the environment (documented in README, "Configuration")."""
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
        keycloak_admin_password=_env("KEYCLOAK_ADMIN_PASSWORD", DEV_ONLY_SECRETS["KEYCLOAK_ADMIN_PASSWORD"]),
        keycloak_cache_dir=Path(_env("KEYCLOAK_CACHE_DIR", str(Path.home() / ".cache" / "arbo-portal"))),
        keycloak_home_dir=Path(_env("KEYCLOAK_HOME_DIR", str(ROOT / ".local"))),
        keycloak_data_dir=Path(_env("KEYCLOAK_DATA_DIR", str(ROOT / ".data" / "keycloak"))),
        java_home=_env("KEYCLOAK_JAVA_HOME", ""),
        keycloak_build_extensions=_env("KEYCLOAK_BUILD_EXTENSIONS", "1") not in ("0", "false", "no"),
        realm=_env("KEYCLOAK_REALM", "arbo"),
        display_name=_env("ARBO_DISPLAY_NAME", "Arbodienst Voorbeeld"),
        portal_client_id=_env("PORTAL_CLIENT_ID", "portal"),
        portal_client_secret=_env("PORTAL_CLIENT_SECRET", DEV_ONLY_SECRETS["PORTAL_CLIENT_SECRET"]),
        provisioner_client_id=_env("PROVISIONER_CLIENT_ID", "portal-provisioner"),
        provisioner_client_secret=_env("PROVISIONER_CLIENT_SECRET", DEV_ONLY_SECRETS["PROVISIONER_CLIENT_SECRET"]),
        portal_url=_env("PORTAL_URL", f"http://127.0.0.1:{app_port}").rstrip("/"),
        app_host=_env("APP_HOST", "127.0.0.1"),
        app_port=app_port,
        secret_key=_env("SECRET_KEY", DEV_ONLY_SECRETS["SECRET_KEY"]),
        local_development=_env("LOCAL_DEVELOPMENT", "1") not in ("0", "false", "no"),
        smtp_host=smtp_host,
        smtp_port=_int("SMTP_PORT", 1025),
        sink_http_port=sink_http_port,
        mail_from=_env("MAIL_FROM", "inloggen@portaal.example"),
        mail_from_name=_env("MAIL_FROM_NAME", "Inloggen Portaal Werkgever"),
        mail_reply_to=_env("MAIL_REPLY_TO", "noreply@portaal.example"),
        mail_reply_to_name=_env("MAIL_REPLY_TO_NAME", "Niet beantwoorden"),
        sms_gateway_url=_env("SMS_GATEWAY_URL", f"http://{smtp_host}:{sink_http_port}/api/sms"),
        sms_gateway_token=_env("SMS_GATEWAY_TOKEN", DEV_ONLY_SECRETS["SMS_GATEWAY_TOKEN"]),
        database_url=_env("DATABASE_URL", ""),
        max_upload_mb=_int("MAX_UPLOAD_MB", 10),
        documents_dir=_env("DOCUMENTS_DIR", ""),
        bench_routes=_env("BENCH", "0") in ("1", "true", "yes"),
    )
