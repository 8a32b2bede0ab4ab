"""The access policy itself: relations, allow-lists and 404s."""

import pytest
from werkzeug.exceptions import NotFound

from app import access
from app.extensions import db
from app.models import AbsenceCase, Employee
from app.auth import session_user_from_claims
from tests.portal_fixtures import ORG, SECRETS_A, claims_of


def viewer(sub, acting_for=None):
    return access.Viewer.from_user(session_user_from_claims(claims_of(sub)), acting_for)


def test_viewer_reads_roles_per_organization_id_from_the_claim():
    assert viewer("manager-a").employers == {ORG["a"]: {"manager"}}
    assert viewer("manager-a").is_manager and not viewer("manager-a").is_professional
    assert viewer("superuser-a").may_invite and not viewer("manager-a").may_invite


def test_a_role_at_one_employer_is_nothing_at_another():
    both = viewer("manager-b-member-a")
    assert both.employers == {ORG["b"]: {"manager"}}  # membership of A carries no role
    assert access.employer_choices(both) == [ORG["b"]]
    assert viewer("manager-b-member-a", acting_for=ORG["a"]).acting_for == ORG["b"]  # A is not a choice


def test_realm_roles_manager_and_superuser_grant_nothing():
    old = viewer("realm-manager")
    assert not old.is_manager and not old.may_invite and access.employer_choices(old) == []
    assert "manager" not in old.roles and "superuser" not in old.roles


def test_the_acting_employer_is_one_of_the_users_employers():
    both = viewer("manager-a-superuser-c")
    assert both.acting_for == ORG["a"] and not both.may_invite  # the first, by id
    at_c = viewer("manager-a-superuser-c", acting_for=ORG["c"])
    assert at_c.acting_for == ORG["c"] and at_c.may_invite
    assert viewer("manager-a-superuser-c", acting_for=ORG["b"]).acting_for == ORG["a"]  # foreign id: ignored


@pytest.mark.parametrize("sub,employee,expected", [
    ("employee-a1", "a1", access.SELF), ("employee-a1", "a2", None), ("employee-a1", "b1", None),
    ("manager-a", "a1", access.MANAGER), ("manager-a", "b1", None), ("manager-b", "a1", None),
    ("manager-b-member-a", "a1", None), ("manager-b-member-a", "b1", access.MANAGER), ("realm-manager", "a1", None),
    ("manager-a-superuser-c", "a1", access.MANAGER), ("manager-a-superuser-c", "c1", None),
    ("manager-d-new", "d1", None),
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
        staff_view = access.case_view(case, access.PROFESSIONAL)  # the casemanager: no medical fields
        assert not set(access.MEDICAL_FIELDS) & set(staff_view)
        assert not any(secret in repr(staff_view) for secret in SECRETS_A)
        physician_view = access.case_view(case, access.PROFESSIONAL, medical=True)
        assert physician_view["diagnosis"] == SECRETS_A[0]


def test_only_the_physician_sees_medical_data(app, world):
    with app.app_context():
        assert access.sees_medical(viewer("physician-a"), access.PROFESSIONAL)
        assert not access.sees_medical(viewer("staff-b"), access.PROFESSIONAL)
        assert not access.sees_medical(viewer("manager-a"), access.MANAGER)
        assert not access.sees_medical(viewer("employee-a1"), access.SELF)
        assert not access.sees_medical(viewer("physician-a"), access.MANAGER)  # a relation, not a role alone


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


def test_an_alias_alone_matches_no_employer(app, world):
    """A claim without organization ids (the alias-only default mapper) gives no employer at all."""
    alias_only = access.Viewer.from_user(session_user_from_claims(
        {"sub": "m", "name": "M", "roles": ["manager"], "organization": ["werkgever-a"]}))
    assert alias_only.employers == {}
    with app.app_context():
        assert access.managed_employer_ids(alias_only) == []


def test_a_recreated_employer_with_the_same_alias_gets_nothing_of_its_predecessor(app, world):
    successor = viewer("manager-d-new")
    assert successor.is_manager  # manager of the new D ...
    with app.app_context():
        assert access.managed_employer_ids(successor) == []  # ... which the portal has no data of
        assert access.employer_cases(access.managed_employer_ids(successor)) == []


@pytest.mark.parametrize("sub", ["employee-a1", "employee-b1", "manager-a", "physician-a", "nobody"])
def test_has_own_dossier_agrees_with_own_employee(app, world, sub):
    """The overview's link to one's own dossier (a cheap existence check) follows own_employee, also
    once the employer is archived."""
    from datetime import datetime, timezone

    from app.models import Employer

    with app.app_context():
        assert access.has_own_dossier(viewer(sub)) == (access.own_employee(viewer(sub)) is not None)
        for employer in db.session.scalars(db.select(Employer)):
            employer.archived_at = datetime.now(timezone.utc)
        db.session.commit()
        assert access.has_own_dossier(viewer(sub)) is False and access.own_employee(viewer(sub)) is None
