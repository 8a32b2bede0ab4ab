"""Shared helpers for the portal tests: an app on a temporary database, a fake signed-in session,
and a world of two employers with distinctive medical strings that must never reach a manager."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app import create_app, sign_in_sessions
from app.config import load_settings
from app.demo_data import tiny_pdf
from app.documents import store_document
from app.extensions import db
from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer, ProfessionalAssignment

# Values of the physician-only fields; a manager response containing any of them is a leak.
SECRETS_A = ("DIAGNOSE-GEHEIM-123", "OORZAAK-GEHEIM-456", "NOTITIE-GEHEIM-789")
SECRETS_B = ("DIAGNOSE-GEHEIM-B-321", "OORZAAK-GEHEIM-B-654", "NOTITIE-GEHEIM-B-987")
MEDICAL_DOCUMENT_TITLE = "MEDISCH-RAPPORT-GEHEIM"

# The signed-in users of the world: sub -> (name, roles, organizations claim)
USERS = {
    "manager-a": ("Manager A", ["manager"], {"werkgever-a": {"id": "org-a"}}),
    "superuser-a": ("Superuser A", ["manager", "superuser"], {"werkgever-a": {"id": "org-a"}}),
    "manager-b": ("Manager B", ["manager"], {"werkgever-b": {"id": "org-b"}}),
    "employee-a1": ("Anna A1", ["employee"], {"werkgever-a": {"id": "org-a"}}),
    "employee-a2": ("Bram A2", ["employee"], {"werkgever-a": {"id": "org-a"}}),
    "employee-b1": ("Carla B1", ["employee"], {"werkgever-b": {"id": "org-b"}}),
    "physician-a": ("Dokter A", ["physician"], {}),
    "staff-b": ("Staf B", ["staff"], {}),
    "nobody": ("Niemand", [], {}),
}


def make_app(tmp_path, **settings_overrides):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'portal.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"), **settings_overrides)
    app = create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})
    return app


def sign_in(client, app, sub: str) -> None:
    """Give the test client a signed-in session for one of USERS (as auth.callback would)."""
    name, roles, organizations = USERS[sub]
    with client.session_transaction() as session:
        session["user"] = {"sub": sub, "sid": f"sid-{sub}", "email": f"{sub}@example.nl", "name": name,
                           "roles": roles, "organizations": organizations}
    with app.app_context():
        sign_in_sessions.record_start(f"sid-{sub}", sub)


def seed_world(app, today: date | None = None, org_ids: dict | None = None, subs: dict | None = None,
               emails: dict | None = None, org_aliases: dict | None = None) -> SimpleNamespace:
    """Two employers, their employees, cases (with secret medical values) and documents.

    org_ids / subs / emails replace the made-up Keycloak ids and addresses with real ones."""
    today = today or date.today()
    org_ids = {"a": "org-a", "b": "org-b"} | (org_ids or {})
    aliases = {"a": "werkgever-a", "b": "werkgever-b"} | (org_aliases or {})
    sub = {name: name for name in USERS} | (subs or {})
    email = {"a1": "a1@example.nl", "a2": "a2@example.nl", "b1": "b1@example.nl"} | (emails or {})
    with app.app_context():
        org_a = Employer(name="Werkgever A", keycloak_org_id=org_ids["a"], keycloak_org_alias=aliases["a"])
        org_b = Employer(name="Werkgever B", keycloak_org_id=org_ids["b"], keycloak_org_alias=aliases["b"])
        db.session.add_all([org_a, org_b])
        db.session.flush()
        a1 = Employee(employer_id=org_a.id, keycloak_user_id=sub["employee-a1"], name="Anna A1", email=email["a1"],
                      birth_date=date(1985, 3, 14), mobile="+31612345001")
        a2 = Employee(employer_id=org_a.id, keycloak_user_id=sub["employee-a2"], name="Bram A2", email=email["a2"])
        b1 = Employee(employer_id=org_b.id, keycloak_user_id=sub["employee-b1"], name="Carla B1", email=email["b1"])
        db.session.add_all([a1, a2, b1])
        db.session.flush()
        case_a1 = AbsenceCase(employee_id=a1.id, first_sick_day=today - timedelta(days=60),
                              expected_recovery=today + timedelta(days=30), status=CaseStatus.OPEN,
                              work_possible="Halve dagen administratief werk", diagnosis=SECRETS_A[0],
                              cause=SECRETS_A[1], medical_notes=SECRETS_A[2])
        case_a2 = AbsenceCase(employee_id=a2.id, first_sick_day=today - timedelta(days=100),
                              recovered_on=today - timedelta(days=80), status=CaseStatus.RECOVERED,
                              work_possible="", diagnosis=SECRETS_A[0] + "-2", cause="", medical_notes="")
        case_b1 = AbsenceCase(employee_id=b1.id, first_sick_day=today - timedelta(days=5), status=CaseStatus.OPEN,
                              work_possible="Niets", diagnosis=SECRETS_B[0], cause=SECRETS_B[1],
                              medical_notes=SECRETS_B[2])
        db.session.add_all([case_a1, case_a2, case_b1,
                            ProfessionalAssignment(keycloak_user_id=sub["physician-a"], employer_id=org_a.id),
                            ProfessionalAssignment(keycloak_user_id=sub["staff-b"], employer_id=org_b.id)])
        db.session.commit()
        docs = {}
        for key, employee, audience, title in (
            ("a1_employee", a1, Audience.EMPLOYEE, "Uitnodiging A1"),
            ("a1_employer", a1, Audience.EMPLOYER, "Plan van aanpak A1"),
            ("a1_physician", a1, Audience.PHYSICIAN, MEDICAL_DOCUMENT_TITLE),
            ("b1_employee", b1, Audience.EMPLOYEE, "Uitnodiging B1"),
        ):
            docs[key] = store_document(employee, kind=DocumentKind.INVITATION, title=title, audience=audience,
                                       filename=f"{key}.pdf", data=tiny_pdf(title), created_by="test").id
        return SimpleNamespace(employer_a=org_a.id, employer_b=org_b.id, a1=a1.id, a2=a2.id, b1=b1.id,
                               case_a1=case_a1.id, case_a2=case_a2.id, case_b1=case_b1.id, **docs)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def world(app):
    return seed_world(app)


@pytest.fixture
def client(app):
    return app.test_client()


# --- real Keycloak users for the integration and browser tests -------------------------------------

REAL_ROLES = {
    "manager-a": (["manager"], "a"), "superuser-a": (["manager", "superuser"], "a"), "manager-b": (["manager"], "b"),
    "employee-a1": (["employee"], "a"), "employee-a2": (["employee"], "a"), "employee-b1": (["employee"], "b"),
    "physician-a": (["physician"], None), "staff-b": (["staff"], None),
}


def provision_real_world(portal) -> tuple[SimpleNamespace, dict]:
    """Two organizations and a user per role in the portal's test realm, and the same world in its database."""
    import secrets as token_source
    import uuid

    from app import keycloak_admin
    from tests.support import Account

    tag = uuid.uuid4().hex[:6]
    names = {key: f"Werkgever {key.upper()} {tag}" for key in ("a", "b")}
    org_ids = {key: keycloak_admin.ensure_organization(portal.admin, name, f"{key}-{tag}.nl")
               for key, name in names.items()}
    org_aliases = {key: keycloak_admin._alias(name) for key, name in names.items()}
    accounts = {}
    for name, (roles, org) in REAL_ROLES.items():
        email = f"{name}-{tag}@example.nl"
        password = "Test-" + token_source.token_urlsafe(12) + "1!"
        user_id = keycloak_admin.ensure_user(
            portal.admin, email=email, first_name=USERS[name][0].split()[0], last_name=USERS[name][0].split()[-1],
            roles=roles, organization_id=org_ids[org] if org else None,
            password=password)
        accounts[name] = Account(email=email, password=password, user_id=user_id)
    world = seed_world(portal.app, org_ids=org_ids, org_aliases=org_aliases, subs={n: a.user_id for n, a in accounts.items()},
                       emails={"a1": accounts["employee-a1"].email, "a2": accounts["employee-a2"].email,
                               "b1": accounts["employee-b1"].email})
    return world, accounts


def finish_keycloak_login(page, account, app_url: str) -> None:
    """Sign in on Keycloak's pages (reached by any link) until the browser is back in the app.

    Handles each page that may come up: e-mail and password (one page or identity-first), the
    arbodienst's "choose your second factor" page (picks the authenticator app), TOTP setup (the
    secret from the form, base32 as an app would get it) and the TOTP code.
    """
    import base64
    import time

    from tests.support import submit

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.wait_for_load_state()
        if page.url.startswith(app_url):
            return
        if page.locator("#kc-arbo-choose-2fa-form").count():
            page.check("#method-app")
            submit(page, "#kc-arbo-choose-submit")
        elif page.locator("#totpSecret").count() and page.locator("#saveTOTPBtn").count():
            raw = page.get_attribute("#totpSecret", "value")
            account.totp_secret = base64.b32encode(raw.encode()).decode().rstrip("=")
            page.fill("#totp", account.fresh_code())
            page.fill("#userLabel", "Telefoon")
            submit(page, "#saveTOTPBtn")
        elif page.locator("#otp").count():
            page.fill("#otp", account.fresh_code())
            submit(page, "#kc-login")
        elif page.locator("#password").count():
            if page.locator("#username").count():
                page.fill("#username", account.email)
            page.fill("#password", account.password)
            submit(page, "#kc-login")
        elif page.locator("#username").count():  # identity-first: the e-mail address first
            page.fill("#username", account.email)
            submit(page, "#kc-login")
        else:
            page.wait_for_timeout(500)
    assert page.url.startswith(app_url), f"sign-in did not return to the app: {page.url}"


def sign_in_browser(page, app_url: str, account) -> None:
    """A real sign-in through Keycloak from the app's sign-in route."""
    page.goto(f"{app_url}/auth/login")
    finish_keycloak_login(page, account, app_url)


@pytest.fixture
def real_world(portal):
    return provision_real_world(portal)
