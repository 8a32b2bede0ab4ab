"""Shared helpers for the portal tests: an app on a temporary database, a signed-in session built the
way production builds it, and a world of employers with distinctive medical strings that must never
reach a manager. Helpers only: the fixtures live in each layer's conftest.py (unit: app, client,
world; integration and browser: real_world)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

from app import create_app, sign_in_sessions
from app.config import load_settings
from scripts.demo_data import tiny_pdf
from app.documents import store_document
from app.extensions import db
from app.models import AbsenceCase, Audience, CaseStatus, DocumentKind, Employee, Employer, ProfessionalAssignment

# Values of the physician-only fields; a manager response containing any of them is a leak.
SECRETS_A = ("DIAGNOSE-GEHEIM-123", "OORZAAK-GEHEIM-456", "NOTITIE-GEHEIM-789")
SECRETS_B = ("DIAGNOSE-GEHEIM-B-321", "OORZAAK-GEHEIM-B-654", "NOTITIE-GEHEIM-B-987")
MEDICAL_DOCUMENT_TITLE = "MEDISCH-RAPPORT-GEHEIM"

# Keycloak organization ids of the world's employers (sorted: A < B < C, so a user of A and C acts
# for A first). D_OLD is an employer deleted in Keycloak; D_NEW its successor with the same alias.
ORG = {"a": "aaaaaaaa-0000-4000-8000-00000000000a", "b": "bbbbbbbb-0000-4000-8000-00000000000b",
       "c": "cccccccc-0000-4000-8000-00000000000c", "d_old": "dddddddd-0000-4000-8000-0000000000d0",
       "d_new": "dddddddd-0000-4000-8000-0000000000d1"}
ALIAS = {"a": "werkgever-a", "b": "werkgever-b", "c": "werkgever-c", "d_old": "werkgever-d", "d_new": "werkgever-d"}


def _orgs(**roles_by_key) -> dict:
    """The ID token's claims for {employer key: [roles]}: organization membership (aliases) and the
    groups /werkgevers/<organization id>/<role>."""
    return {"organization": sorted(ALIAS[key] for key in roles_by_key),
            "groups": [f"/werkgevers/{ORG[key]}/{role}" for key, roles in roles_by_key.items() for role in roles]}


# The signed-in users of the world: sub -> (name, realm roles, employer claims of the ID token)
USERS = {
    "manager-a": ("Manager A", [], _orgs(a=["manager"])),
    "superuser-a": ("Superuser A", [], _orgs(a=["manager", "superuser"])),
    "manager-b": ("Manager B", [], _orgs(b=["manager"])),
    # manager of B and a plain member of A (an invitation, an HR import): nothing at A
    "manager-b-member-a": ("Manager B lid A", [], _orgs(a=[], b=["manager"])),
    # superuser of C and manager of A: acts for one of them at a time (the switcher)
    "manager-a-superuser-c": ("Manager A en C", [], _orgs(a=["manager"], c=["manager", "superuser"])),
    # the old model: realm roles manager/superuser, member of A without a role there: nothing
    "realm-manager": ("Oude Manager", ["manager", "superuser"], _orgs(a=[])),
    # manager of the recreated employer D (same alias, new id): nothing of its predecessor
    "manager-d-new": ("Manager D nieuw", [], _orgs(d_new=["manager", "superuser"])),
    "employee-a1": ("Anna A1", ["employee"], _orgs(a=[])),
    "employee-a2": ("Bram A2", ["employee"], _orgs(a=[])),
    "employee-b1": ("Carla B1", ["employee"], _orgs(b=[])),
    "employee-c1": ("Cees C1", ["employee"], _orgs(c=[])),
    "physician-a": ("Dokter A", ["physician"], _orgs()),
    "staff-b": ("Staf B", ["staff"], _orgs()),
    "nobody": ("Niemand", [], _orgs()),
}


def make_app(tmp_path, **settings_overrides):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'portal.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"), **settings_overrides)
    app = create_app({"SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})
    return app


def claims_of(sub: str) -> dict:
    name, roles, employer_claims = USERS[sub]
    return {"sub": sub, "sid": f"sid-{sub}", "email": f"{sub}@example.nl", "name": name, "roles": roles,
            **employer_claims}


def sign_in(client, app, sub: str, acting_for: str | None = None) -> None:
    """Give the test client a signed-in session for one of USERS, built from ID-token claims by the
    same function auth.callback uses."""
    from app.access import SESSION_KEY
    from app.auth import session_user_from_claims

    with client.session_transaction() as session:
        session["user"] = session_user_from_claims(claims_of(sub))
        if acting_for:
            session[SESSION_KEY] = acting_for
    with app.app_context():
        sign_in_sessions.record_start(f"sid-{sub}", sub)


def seed_world(app, today: date | None = None, org_ids: dict | None = None, subs: dict | None = None,
               emails: dict | None = None, org_aliases: dict | None = None) -> SimpleNamespace:
    """Two employers, their employees, cases (with secret medical values) and documents.

    org_ids / subs / emails replace the made-up Keycloak ids and addresses with real ones."""
    today = today or date.today()
    org_ids = dict(ORG) | (org_ids or {})
    aliases = dict(ALIAS) | (org_aliases or {})
    sub = {name: name for name in USERS} | (subs or {})
    email = {"a1": "a1@example.nl", "a2": "a2@example.nl", "b1": "b1@example.nl"} | (emails or {})
    with app.app_context():
        org_a = Employer(name="Werkgever A", keycloak_org_id=org_ids["a"], keycloak_org_alias=aliases["a"])
        org_b = Employer(name="Werkgever B", keycloak_org_id=org_ids["b"], keycloak_org_alias=aliases["b"])
        org_c = Employer(name="Werkgever C", keycloak_org_id=org_ids["c"], keycloak_org_alias=aliases["c"])
        # the predecessor of D: deleted in Keycloak, its rows kept; D's successor has the same alias
        org_d = Employer(name="Werkgever D (oud)", keycloak_org_id=org_ids["d_old"], keycloak_org_alias=aliases["d_old"])
        db.session.add_all([org_a, org_b, org_c, org_d])
        db.session.flush()
        a1 = Employee(employer_id=org_a.id, keycloak_user_id=sub["employee-a1"], name="Anna A1", email=email["a1"],
                      birth_date=date(1985, 3, 14), mobile="+31612345001")
        a2 = Employee(employer_id=org_a.id, keycloak_user_id=sub["employee-a2"], name="Bram A2", email=email["a2"])
        b1 = Employee(employer_id=org_b.id, keycloak_user_id=sub["employee-b1"], name="Carla B1", email=email["b1"])
        c1 = Employee(employer_id=org_c.id, keycloak_user_id=sub.get("employee-c1"), name="Cees C1", email="c1@example.nl")
        d1 = Employee(employer_id=org_d.id, keycloak_user_id=None, name="Dirk D1 (oud)", email="d1@example.nl")
        db.session.add_all([a1, a2, b1, c1, d1])
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
        case_c1 = AbsenceCase(employee_id=c1.id, first_sick_day=today - timedelta(days=3), status=CaseStatus.OPEN,
                              work_possible="Thuiswerk", diagnosis="DIAGNOSE-GEHEIM-C", cause="", medical_notes="")
        case_d1 = AbsenceCase(employee_id=d1.id, first_sick_day=today - timedelta(days=20), status=CaseStatus.OPEN,
                              work_possible="Oud werk", diagnosis="DIAGNOSE-GEHEIM-D", cause="", medical_notes="")
        db.session.add_all([case_a1, case_a2, case_b1, case_c1, case_d1,
                            ProfessionalAssignment(keycloak_user_id=sub["physician-a"], employer_id=org_a.id),
                            ProfessionalAssignment(keycloak_user_id=sub["staff-b"], employer_id=org_b.id)])
        db.session.commit()
        docs = {}
        for key, employee, audience, title in (
            ("a1_employee", a1, Audience.EMPLOYEE, "Uitnodiging A1"),
            ("a1_employer", a1, Audience.EMPLOYER, "Plan van aanpak A1"),
            ("a1_physician", a1, Audience.PHYSICIAN, MEDICAL_DOCUMENT_TITLE),
            ("b1_employee", b1, Audience.EMPLOYEE, "Uitnodiging B1"),
            ("c1_employer", c1, Audience.EMPLOYER, "Plan van aanpak C1"),
            ("d1_employer", d1, Audience.EMPLOYER, "Plan van aanpak D1 (oud)"),
        ):
            docs[key] = store_document(employee, kind=DocumentKind.INVITATION, title=title, audience=audience,
                                       filename=f"{key}.pdf", data=tiny_pdf(title), created_by="test").id
        return SimpleNamespace(employer_a=org_a.id, employer_b=org_b.id, employer_c=org_c.id, employer_d=org_d.id,
                               a1=a1.id, a2=a2.id, b1=b1.id, c1=c1.id, d1=d1.id, case_a1=case_a1.id,
                               case_a2=case_a2.id, case_b1=case_b1.id, case_c1=case_c1.id, case_d1=case_d1.id, **docs)


# --- real Keycloak users for the integration and browser tests -------------------------------------

# name -> (realm roles, {employer key: employer roles}); three employers, users in two of them
REAL_ROLES = {
    "manager-a": ([], {"a": ["manager"]}), "superuser-a": ([], {"a": ["manager", "superuser"]}),
    "manager-b": ([], {"b": ["manager"]}), "manager-b-member-a": ([], {"a": [], "b": ["manager"]}),
    "manager-a-superuser-c": ([], {"a": ["manager"], "c": ["manager", "superuser"]}),
    "employee-a1": (["employee"], {"a": []}), "employee-a2": (["employee"], {"a": []}),
    "employee-b1": (["employee"], {"b": []}), "employee-c1": (["employee"], {"c": []}),
    "physician-a": (["physician"], {}), "staff-b": (["staff"], {}),
}


def provision_real_world(portal, only: tuple[str, ...] | None = None) -> tuple[SimpleNamespace, dict]:
    """Three organizations (with their role groups) and users per role in the portal's test realm,
    and the same world in its database."""
    import secrets as token_source
    import uuid

    from app import keycloak as kc
    from tests.support import Account

    tag = uuid.uuid4().hex[:6]
    names = {key: f"Werkgever {key.upper()} {tag}" for key in ("a", "b", "c")}
    org_ids = {key: kc.organizations.ensure_organization(portal.admin, name, f"{key}-{tag}.nl")
               for key, name in names.items()}
    org_aliases = {key: kc.organizations.alias(name) for key, name in names.items()}
    accounts = {}
    for name, (roles, employers) in REAL_ROLES.items():
        if only is not None and name not in only:
            continue
        email = f"{name}-{tag}@example.nl"
        password = "Test-" + token_source.token_urlsafe(12) + "1!"
        user_id = None
        for key, employer_roles in (employers or {None: []}).items():
            user_id = kc.users.ensure_user(
                portal.admin, email=email, first_name=USERS[name][0].split()[0], last_name=USERS[name][0].split()[-1],
                roles=roles, organization_id=org_ids[key] if key else None, employer_roles=employer_roles,
                password=password, existing_account=True)
        accounts[name] = Account(email=email, password=password, user_id=user_id)
    world = seed_world(portal.app, org_ids=org_ids, org_aliases=org_aliases,
                       subs={n: a.user_id for n, a in accounts.items()},
                       emails={k: accounts[f"employee-{k}"].email for k in ("a1", "a2", "b1") if f"employee-{k}" in accounts})
    world.org_ids = org_ids
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
