"""The access policy itself: relations, allow-lists and 404s."""

import pytest
from werkzeug.exceptions import NotFound

from app import access
from app.extensions import db
from app.models import AbsenceCase, Employee
from tests.portal_fixtures import SECRETS_A, USERS, app, world  # noqa: F401 - fixtures


def viewer(sub):
    name, roles, organizations = USERS[sub]
    return access.Viewer.from_user({"sub": sub, "name": name, "roles": roles, "organizations": organizations})


def test_viewer_reads_organization_ids_from_the_claim():
    assert viewer("manager-a").organization_ids == {"org-a"}
    assert viewer("manager-a").is_manager and not viewer("manager-a").is_professional
    assert viewer("superuser-a").may_invite and not viewer("manager-a").may_invite


@pytest.mark.parametrize("sub,employee,expected", [
    ("employee-a1", "a1", access.SELF), ("employee-a1", "a2", None), ("employee-a1", "b1", None),
    ("manager-a", "a1", access.MANAGER), ("manager-a", "b1", None), ("manager-b", "a1", None),
    ("physician-a", "a1", access.PROFESSIONAL), ("physician-a", "b1", None), ("staff-b", "b1", access.PROFESSIONAL),
    ("nobody", "a1", None),
])
def test_relation_to(app, world, sub, employee, expected):
    with app.app_context():
        assert access.relation_to(viewer(sub), db.session.get(Employee, getattr(world, employee))) == expected


def test_an_employee_role_alone_does_not_make_a_manager(app, world):
    """An employee of A carries the org-a claim too, but without the manager role sees no overview."""
    with app.app_context():
        assert access.managed_employer_ids(viewer("employee-a1")) == []


def test_manager_case_view_is_the_allow_list_only(app, world):
    with app.app_context():
        case = db.session.get(AbsenceCase, world.case_a1)
        manager_view = access.case_view(case, access.MANAGER)
        assert set(manager_view) == set(access.CASE_FIELDS[access.MANAGER])
        assert not set(access.MEDICAL_FIELDS) & set(manager_view)
        assert not any(secret in repr(manager_view) for secret in SECRETS_A)
        professional_view = access.case_view(case, access.PROFESSIONAL)
        assert professional_view["diagnosis"] == SECRETS_A[0]


@pytest.mark.parametrize("bad_id", ["1", "../etc/passwd", "00000000-0000-0000-0000-000000000000", ""])
def test_guessed_or_malformed_ids_are_404(app, world, bad_id):
    with app.test_request_context():
        for loader in (access.case_or_404, access.document_or_404, access.employee_or_404):
            with pytest.raises(NotFound):
                loader(viewer("physician-a"), bad_id)


def test_documents_by_audience(app, world):
    with app.test_request_context():
        for sub, allowed in (("employee-a1", {"a1_employee", "a1_employer"}), ("manager-a", {"a1_employer"}),
                             ("physician-a", {"a1_employee", "a1_employer", "a1_physician"})):
            for key in ("a1_employee", "a1_employer", "a1_physician"):
                if key in allowed:
                    access.document_or_404(viewer(sub), getattr(world, key))
                else:
                    with pytest.raises(NotFound):
                        access.document_or_404(viewer(sub), getattr(world, key))


def test_organization_claim_as_a_list_of_aliases(app, world):
    """Without the mapper's "add organization id", Keycloak sends a list of aliases."""
    alias_only = access.Viewer.from_user({"sub": "m", "name": "M", "roles": ["manager"], "organizations": ["werkgever-a"]})
    assert alias_only.organization_aliases == {"werkgever-a"} and not alias_only.organization_ids
    with app.app_context():
        assert access.managed_employer_ids(alias_only) == [world.employer_a]
