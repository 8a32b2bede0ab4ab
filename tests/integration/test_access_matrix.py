"""The access-control matrix: every role × every object × every action, across four employers
(one of them a deleted employer whose successor has the same alias) and users in two employers,
including guessed and other people's ids (IDOR), the CSV export, the invitations pages and the
employer switcher. The expected answers come from the rules in the issue, written out here
independently of app/access.py: a role holds for one employer (the one acted for), matched by
organization id; realm roles named manager/superuser grant nothing.

A refusal is always the same 404 page as for an id that does not exist, so nobody can learn
whether another employer's case or another employee's document exists.
"""

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.portal_fixtures import (MEDICAL_DOCUMENT_TITLE, ORG, SECRETS_A, SECRETS_B, USERS, make_app, seed_world,
                                   sign_in)

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
EMPLOYER_OF = {"a1": "a", "a2": "a", "b1": "b", "c1": "c", "d1": "d_old"}
OWN = {"employee-a1": "a1", "employee-a2": "a2", "employee-b1": "b1", "employee-c1": "c1"}
# the employer each user acts for by default, where they hold manager or superuser (written out by hand)
MANAGES = {"manager-a": "a", "superuser-a": "a", "manager-b": "b", "manager-b-member-a": "b",
           "manager-a-superuser-c": "a", "manager-d-new": "d_new"}
INVITES = {"superuser-a": "a", "manager-d-new": "d_new"}  # superuser of the employer acted for
SERVES = {"physician-a": "a", "staff-b": "b"}
DOCUMENTS = {"a1_employee": ("a1", "employee"), "a1_employer": ("a1", "employer"),
             "a1_physician": ("a1", "physician"), "b1_employee": ("b1", "employee"),
             "c1_employer": ("c1", "employer"), "d1_employer": ("d1", "employer")}
CASES = {"case_a1": "a1", "case_a2": "a2", "case_b1": "b1", "case_c1": "c1", "case_d1": "d1"}
NAMES = {"a1": "Anna A1", "a2": "Bram A2", "b1": "Carla B1", "c1": "Cees C1", "d1": "Dirk D1"}


def may_read_dossier(role, employee):
    return SERVES.get(role) == EMPLOYER_OF[employee] or OWN.get(role) == employee


def may_read_case(role, employee):
    return may_read_dossier(role, employee) or MANAGES.get(role) == EMPLOYER_OF[employee]


def may_open_document(role, employee, audience):
    if SERVES.get(role) == EMPLOYER_OF[employee]:
        return True
    if OWN.get(role) == employee:
        return audience in ("employee", "employer")
    return MANAGES.get(role) == EMPLOYER_OF[employee] and audience == "employer"


MATRIX = (
    [(role, "dossier", key, may_read_dossier(role, key)) for role in USERS for key in EMPLOYER_OF]
    + [(role, "case", key, may_read_case(role, employee)) for role in USERS for key, employee in CASES.items()]
    + [(role, action, key, may_open_document(role, *DOCUMENTS[key]))
       for role in USERS for key in DOCUMENTS for action in ("document", "file")]
    + [(role, "upload", key, SERVES.get(role) == EMPLOYER_OF[key]) for role in USERS for key in ("a1", "b1")]
)
PATHS = {"dossier": "/dossier/{id}", "case": "/cases/{id}", "document": "/documents/{id}",
         "file": "/documents/{id}/file", "upload": "/staff/employees/{id}/documents/new"}
# what differs between any two pages by design: the time-stamped CSRF token and the page's own path
VARYING = re.compile(r'(name="(?:csrf_token|next)"[^>]*?value=")[^"]*"')


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("matrix"))
    return app, seed_world(app)


def comparable(response, object_id: str | None = None) -> str:
    """The page without what differs by design: its own path, and the time-stamped CSRF token."""
    html = response.get_data(as_text=True)
    if object_id:
        html = html.replace(object_id, "ID")
    return VARYING.sub(r'\1"', html)


def get(app, role, path, client=None):
    if client is None:
        client = app.test_client()
        sign_in(client, app, role)
    return client.get(path, headers={"User-Agent": DESKTOP})


@pytest.mark.parametrize("role,action,key,allowed", MATRIX, ids=[f"{r}-{a}-{k}" for r, a, k, _ in MATRIX])
def test_matrix(served, role, action, key, allowed):
    app, world = served
    client = app.test_client()
    sign_in(client, app, role)
    object_id = getattr(world, key)
    response = get(app, role, PATHS[action].format(id=object_id), client)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        # exactly the answer for an id that does not exist (the page repeats its own path in the language form)
        unknown = str(uuid.uuid4())
        missing = get(app, role, PATHS[action].format(id=unknown), client)
        assert missing.status_code == 404
        assert comparable(response, object_id) == comparable(missing, unknown)


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize("guess", ["1", "0", "../../etc/passwd", "00000000-0000-0000-0000-000000000001",
                                   "%27%20OR%201=1--"])
def test_guessed_ids_are_404(served, role, guess):
    app, _ = served
    for template in ("/dossier/{id}", "/cases/{id}", "/documents/{id}", "/documents/{id}/file"):
        assert get(app, role, template.format(id=guess)).status_code == 404


@pytest.mark.parametrize("role", sorted(m for m in MANAGES if m != "manager-d-new"))
def test_no_manager_response_contains_a_medical_value(served, role):
    """Field level: every page and export a manager can reach, and every refusal, is free of medical data."""
    app, world = served
    paths = ["/", "/dashboard", "/dashboard?status=all", "/dashboard?status=recovered", "/dashboard?long=1",
             "/dashboard/export.csv?status=all", "/dossier", "/settings/../dossier", "/staff"]
    paths += [f"/cases/{getattr(world, key)}" for key in CASES]
    paths += [f"/documents/{getattr(world, key)}" for key in DOCUMENTS]
    paths += [f"/documents/{getattr(world, key)}/file" for key in DOCUMENTS]
    paths += [f"/dossier/{getattr(world, key)}" for key in EMPLOYER_OF]
    paths += [f"/dashboard?employer={world.employer_a}", f"/dashboard?employer={world.employer_b}"]
    seen_any_case = False
    MEDICAL_C_D = ("DIAGNOSE-GEHEIM-C", "DIAGNOSE-GEHEIM-D")
    for path in paths:
        body = get(app, role, path).get_data(as_text=True)
        seen_any_case |= any(name in body for name in NAMES.values())
        for secret in SECRETS_A + SECRETS_B + MEDICAL_C_D + (MEDICAL_DOCUMENT_TITLE,):
            assert secret not in body, f"{secret} in {path}"
    assert seen_any_case  # the manager really saw their cases: the test would notice a leak


def _names_in(body: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in body}


@pytest.mark.parametrize("role", sorted(USERS))
def test_dashboard_and_csv_show_exactly_the_employer_acted_for(served, role):
    app, _ = served
    expected = {k for k, employer in EMPLOYER_OF.items() if MANAGES.get(role) == employer}
    dashboard = get(app, role, "/dashboard?status=all")
    if role in OWN and role not in MANAGES:  # an employee and nothing else lands on their own dossier
        assert dashboard.status_code == 302 and urlsplit(dashboard.headers["Location"]).path == "/dossier"
        assert not expected
    else:
        assert dashboard.status_code == 200
        assert _names_in(dashboard.get_data(as_text=True)) == expected
    export = get(app, role, "/dashboard/export.csv?status=all")
    if expected:
        assert export.status_code == 200 and _names_in(export.get_data(as_text=True)) == expected
    else:
        assert export.status_code == 404
        assert comparable(export) == comparable(get(app, role, f"/cases/{uuid.uuid4()}"))


@pytest.mark.parametrize("role", sorted(USERS))
def test_invitations_pages_only_for_a_superuser_of_the_employer_acted_for(served, role):
    """Every refusal is the plain 404; the pages themselves need Keycloak and are tested with it."""
    app, _ = served
    client = app.test_client()
    sign_in(client, app, role)
    unknown = client.get(f"/cases/{uuid.uuid4()}", headers={"User-Agent": DESKTOP})
    invitation = str(uuid.uuid4())
    for method, path in (("get", "/invitations/"), ("post", "/invitations/"),
                         ("post", f"/invitations/{invitation}/resend"), ("post", f"/invitations/{invitation}/revoke"),
                         ("post", "/invitations/%2e%2e/revoke")):
        response = getattr(client, method)(path, headers={"User-Agent": DESKTOP})
        if role in INVITES and path == "/invitations/%2e%2e/revoke":
            assert response.status_code == 404  # not an id: refused before Keycloak is asked
        if role not in INVITES:
            assert response.status_code == 404, path
            assert comparable(response) == comparable(unknown), path


def test_the_switcher_changes_the_employer_acted_for_and_refuses_foreign_ids(served):
    app, world = served
    client = app.test_client()
    sign_in(client, app, "manager-a-superuser-c")
    page = client.get("/dashboard?status=all").get_data(as_text=True)
    assert _names_in(page) == {"a1", "a2"} and 'id="employer-switch"' in page and "Werkgever A" in page
    assert client.get(f"/cases/{world.case_c1}").status_code == 404  # C while acting for A
    assert client.post("/employer", data={"employer": ORG["c"]}).status_code == 302
    page = client.get("/dashboard?status=all").get_data(as_text=True)
    assert _names_in(page) == {"c1"} and 'data-organization-id="%s"' % ORG["c"] in page
    assert client.get(f"/cases/{world.case_c1}").status_code == 200
    assert client.get(f"/cases/{world.case_a1}").status_code == 404  # A while acting for C
    unknown = client.get(f"/cases/{uuid.uuid4()}")
    for foreign in (ORG["b"], ORG["d_old"], "werkgever-b", "..", str(uuid.uuid4())):
        refused = client.post("/employer", data={"employer": foreign})
        assert refused.status_code == 404 and comparable(refused) == comparable(unknown)
    assert _names_in(client.get("/dashboard?status=all").get_data(as_text=True)) == {"c1"}  # unchanged


def test_a_forged_session_employer_is_ignored(served):
    """The employer in the session is checked against the token's employers on every request."""
    from app.access import SESSION_KEY

    app, _ = served
    client = app.test_client()
    sign_in(client, app, "manager-b-member-a", acting_for=ORG["a"])  # member of A, manager only at B
    assert _names_in(client.get("/dashboard?status=all").get_data(as_text=True)) == {"b1"}
    with client.session_transaction() as session:
        assert session.get(SESSION_KEY) != ORG["a"]


def test_every_page_says_which_employer(served):
    app, world = served
    for role, name in (("manager-b-member-a", "Werkgever B"), ("superuser-a", "Werkgever A")):
        client = app.test_client()
        sign_in(client, app, role)
        for path in ("/dashboard", f"/cases/{world.case_b1 if 'b' in role.split('-')[1] else world.case_a1}",
                     "/settings", f"/cases/{uuid.uuid4()}"):
            body = client.get(path, headers={"User-Agent": DESKTOP}).get_data(as_text=True)
            assert f"Werkgever: {name}" in body, (role, path)
