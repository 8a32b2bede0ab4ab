"""The access-control matrix: every role × every object × every action, across two employers,
including guessed and other people's ids (IDOR). The expected answers come from the rules in the
issue, written out here independently of app/access.py.

A refusal is always the same 404 page as for an id that does not exist, so nobody can learn
whether another employer's case or another employee's document exists.
"""

import re
import uuid

import pytest

from tests.portal_fixtures import MEDICAL_DOCUMENT_TITLE, SECRETS_A, SECRETS_B, USERS, make_app, seed_world, sign_in

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
EMPLOYER_OF = {"a1": "a", "a2": "a", "b1": "b"}
OWN = {"employee-a1": "a1", "employee-a2": "a2", "employee-b1": "b1"}
MANAGES = {"manager-a": "a", "superuser-a": "a", "manager-b": "b"}
SERVES = {"physician-a": "a", "staff-b": "b"}
DOCUMENTS = {"a1_employee": ("a1", "employee"), "a1_employer": ("a1", "employer"),
             "a1_physician": ("a1", "physician"), "b1_employee": ("b1", "employee")}
CASES = {"case_a1": "a1", "case_a2": "a2", "case_b1": "b1"}


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


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("matrix"))
    return app, seed_world(app)


def comparable(response, object_id: str) -> str:
    """The page without what differs by design: its own path, and the time-stamped CSRF token."""
    html = response.get_data(as_text=True).replace(object_id, "ID")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


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
    elif action == "upload" and not SERVES.get(role):
        assert response.status_code == 403  # the staff pages are closed to non-staff as a whole
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


@pytest.mark.parametrize("role", sorted(MANAGES))
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
    for path in paths:
        body = get(app, role, path).get_data(as_text=True)
        seen_any_case |= "Anna A1" in body or "Carla B1" in body
        for secret in SECRETS_A + SECRETS_B + (MEDICAL_DOCUMENT_TITLE,):
            assert secret not in body, f"{secret} in {path}"
    assert seen_any_case  # the manager really saw their cases: the test would notice a leak
