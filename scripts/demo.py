"""Demo data for the local stack: employer EK88 with a demo manager (DEV ONLY credentials)."""

from __future__ import annotations

from app import keycloak_admin
from app.config import Settings

DEMO_EMPLOYER = ("EK88", "ek88.nl")
# DEV ONLY: a published password for the local demo user; the user still sets up TOTP at first sign-in.
DEMO_MANAGER = {"email": "marco@ek88.nl", "first_name": "Marco", "last_name": "van Basten",
                "password": "Dev-only-Demo-Manager-2026!"}


def provision_demo(settings: Settings, realm: str | None = None) -> dict:
    """Create (idempotently) the demo employer and manager; returns what a person needs to sign in."""
    admin = keycloak_admin.realm_admin(settings, realm)
    org_id = keycloak_admin.ensure_organization(admin, *DEMO_EMPLOYER)
    keycloak_admin.ensure_user(
        admin, email=DEMO_MANAGER["email"], first_name=DEMO_MANAGER["first_name"],
        last_name=DEMO_MANAGER["last_name"], roles=["manager", "superuser"], organization_id=org_id,
        required_actions=["CONFIGURE_TOTP"], password=DEMO_MANAGER["password"],
    )
    return {"employer": DEMO_EMPLOYER[0], "email": DEMO_MANAGER["email"], "password": DEMO_MANAGER["password"]}
