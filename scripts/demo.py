"""Demo data for the local stack: employer EK88 with a demo manager, employees, a company doctor,
absence cases and documents (DEV ONLY credentials)."""

from __future__ import annotations

from app import keycloak as kc
from app.config import Settings

DEMO_EMPLOYER = ("EK88", "ek88.nl")
# DEV ONLY: a published password for the local demo user; the user still sets up TOTP at first sign-in.
DEMO_MANAGER = {"email": "marco@ek88.nl", "first_name": "Marco", "last_name": "van Basten",
                "password": "Dev-only-Demo-Manager-2026!"}
# DEV ONLY: the demo employees and the company doctor share one published password.
DEMO_EMPLOYEE_PASSWORD = "Dev-only-Demo-Employee-2026!"
DEMO_PHYSICIAN = {"email": "arts@arbodienst.example", "first_name": "Fenna", "last_name": "Huisarts-Bedrijfsarts",
                  "password": "Dev-only-Demo-Physician-2026!"}


def provision_demo(settings: Settings, realm: str | None = None, app_data: bool = True) -> dict:
    """Create (idempotently) the demo employer and its people in Keycloak, and the app's demo data;
    returns what a person needs to sign in."""
    from scripts.demo_data import DEMO_EMPLOYEES

    # a dev realm imported by an older checkout lacks the portal's groups mapper (import skips existing realms)
    kc.realm.ensure_employer_roles_mapper(kc.client.master_admin(settings, "master"), realm or settings.realm)
    admin = kc.client.realm_admin(settings, realm)
    org_id = kc.organizations.ensure_organization(admin, *DEMO_EMPLOYER)
    # manager and superuser of EK88 only: groups /werkgevers/<EK88's id>/..., not realm roles
    user_ids = {DEMO_MANAGER["email"]: kc.users.ensure_user(
        admin, email=DEMO_MANAGER["email"], first_name=DEMO_MANAGER["first_name"],
        last_name=DEMO_MANAGER["last_name"], roles=[], employer_roles=["manager", "superuser"],
        organization_id=org_id, password=DEMO_MANAGER["password"],
        existing_account=True,  # the demo's own accounts: (re)joining the demo employer is intended
    )}
    for person in DEMO_EMPLOYEES:
        user_ids[person["email"]] = kc.users.ensure_user(
            admin, email=person["email"], first_name=person["first_name"], last_name=person["last_name"],
            roles=["employee"], organization_id=org_id,
            attributes={"birthDate": person["birth_date"], "mobile": person["mobile"]},
            password=DEMO_EMPLOYEE_PASSWORD, existing_account=True,
        )
    physician_id = kc.users.ensure_user(
        admin, email=DEMO_PHYSICIAN["email"], first_name=DEMO_PHYSICIAN["first_name"],
        last_name=DEMO_PHYSICIAN["last_name"], roles=["physician"],
        password=DEMO_PHYSICIAN["password"],
    )
    if app_data:
        _load_app_data(settings, org_id, user_ids, physician_id)
    return {"employer": DEMO_EMPLOYER[0], "email": DEMO_MANAGER["email"], "password": DEMO_MANAGER["password"],
            "employees": [p["email"] for p in DEMO_EMPLOYEES], "employee_password": DEMO_EMPLOYEE_PASSWORD,
            "physician": DEMO_PHYSICIAN["email"], "physician_password": DEMO_PHYSICIAN["password"]}


def _load_app_data(settings: Settings, org_id: str, user_ids: dict[str, str], physician_id: str) -> None:
    """The app's side: employer, employees, cases and documents in the portal database."""
    from app import create_app
    from scripts.demo_data import load_demo

    app = create_app({"SETTINGS": settings})
    with app.app_context():
        load_demo(org_id, kc.organizations.alias(DEMO_EMPLOYER[0]), user_ids, manager=DEMO_MANAGER,
                  professionals=[physician_id])
