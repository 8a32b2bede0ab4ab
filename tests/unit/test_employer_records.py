"""The portal's employer record follows its Keycloak organization by id (issue 12, part 1)."""

import pytest

from app.employer_records import sync_employer
from app.extensions import db
from app.keycloak.ids import InvalidId
from app.models import Employer

ORG = "cccccccc-0000-4000-8000-00000000000c"


def _bound(org_id):
    return db.session.scalars(db.select(Employer).where(Employer.keycloak_org_id == org_id)).all()


def test_create_is_bound_to_the_organization_id_and_idempotent(app):
    with app.app_context():
        assert sync_employer(ORG.upper(), "Nieuw BV", "nieuw-bv", dry_run=True)[0] == "created"
        assert _bound(ORG) == []  # dry-run writes nothing
        outcome, changes = sync_employer(ORG.upper(), "Nieuw BV", "nieuw-bv")
        assert outcome == "created" and ("name", None, "Nieuw BV") in changes
        assert sync_employer(ORG, "Nieuw BV", "nieuw-bv") == ("unchanged", [])
        assert [e.name for e in _bound(ORG)] == ["Nieuw BV"]


def test_rename_keeps_the_binding_and_reports_what_changed(app):
    with app.app_context():
        sync_employer(ORG, "Nieuw BV", "nieuw-bv")
        record_id = _bound(ORG)[0].id
        outcome, changes = sync_employer(ORG, "Nieuw Holding BV")
        assert outcome == "updated" and changes == [("name", "Nieuw BV", "Nieuw Holding BV")]
        (record,) = _bound(ORG)
        assert (record.id, record.name, record.keycloak_org_alias) == (record_id, "Nieuw Holding BV", "nieuw-bv")


def test_a_name_or_alias_is_never_taken_for_an_organization_id(app):
    with app.app_context():
        for bad in ("nieuw-bv", "Nieuw BV", "../x", ""):
            with pytest.raises(InvalidId):
                sync_employer(bad, "Nieuw BV")
        assert _bound(ORG) == []
