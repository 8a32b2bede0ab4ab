"""Each employee's dossier record follows the HR import (issue 12, part 1): created, updated with a
report of what changed, idempotent, matched by personnel number within one employer, leavers marked
(never deleted); dry-run writes nothing."""

from datetime import date

import pytest

from app.employee_records import RecordConflict, describe, mark_missing_as_left, sync_employee
from app.employer_records import archive_employer, dossier_count, sync_employer
from app.extensions import db
from app.models import Employee, Employer

ORG, OTHER = "cccccccc-0000-4000-8000-00000000000c", "aaaaaaaa-0000-4000-8000-00000000000a"
USER = "11111111-0000-4000-8000-000000000001"
ANNA = {"email": "anna@nieuw.nl", "name": "Anna de Vries", "personnel_number": "P-001",
        "birth_date": date(1985, 3, 14), "mobile": "+31612345001", "department": "Inkoop",
        "start_date": date(2020, 1, 1), "left_on": None}


def _employer(org=ORG, name="Nieuw BV") -> Employer:
    sync_employer(org, name)
    return db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org))


def _all():
    return db.session.scalars(db.select(Employee).order_by(Employee.name)).all()


def test_created_with_every_field_then_a_rerun_changes_nothing(app):
    with app.app_context():
        employer = _employer()
        planned = sync_employee(employer, ANNA, keycloak_user_id=USER, dry_run=True)
        assert planned.outcome == "created" and _all() == []  # dry-run writes nothing
        done = sync_employee(employer, ANNA, keycloak_user_id=USER)
        assert done.outcome == "created" and done.linked and ("department", None, "Inkoop") in done.changes
        (anna,) = _all()
        assert (anna.personnel_number, anna.birth_date, anna.mobile, anna.department, anna.start_date,
                anna.keycloak_user_id, anna.employer_id) == ("P-001", date(1985, 3, 14), "+31612345001", "Inkoop",
                                                             date(2020, 1, 1), USER, employer.id)
        again = sync_employee(employer, ANNA, keycloak_user_id=USER)
        assert (again.outcome, again.changes, again.linked) == ("unchanged", [], False)
        assert len(_all()) == 1


def test_a_changed_row_reports_field_old_new_and_dry_run_keeps_the_old_values(app):
    with app.app_context():
        employer = _employer()
        sync_employee(employer, ANNA)
        moved = ANNA | {"department": "Verkoop", "mobile": "+31687654321", "email": "anna.devries@nieuw.nl"}
        planned = sync_employee(employer, moved, dry_run=True)
        assert planned.outcome == "updated" and _all()[0].department == "Inkoop"
        result = sync_employee(employer, moved)
        assert result.outcome == "updated"
        assert result.changes == [("email", "anna@nieuw.nl", "anna.devries@nieuw.nl"),
                                  ("mobile", "+31612345001", "+31687654321"), ("department", "Inkoop", "Verkoop")]
        assert describe(result.changes).startswith("e-mail: anna@nieuw.nl -> anna.devries@nieuw.nl; mobiel: ")
        assert result.as_dict()["changes"][2] == {"field": "department", "from": "Inkoop", "to": "Verkoop"}
        assert [e.email for e in _all()] == ["anna.devries@nieuw.nl"]  # same record, matched by personnel number


def test_a_field_the_file_lacks_is_left_alone(app):
    with app.app_context():
        employer = _employer()
        sync_employee(employer, ANNA)
        without = {k: v for k, v in ANNA.items() if k not in ("department", "start_date", "left_on")}
        assert sync_employee(employer, without).outcome == "unchanged"
        assert _all()[0].department == "Inkoop"


def test_without_a_personnel_number_the_email_matches_and_a_clash_is_refused(app):
    with app.app_context():
        employer = _employer()
        bare = {"email": "bram@nieuw.nl", "name": "Bram Jansen"}
        sync_employee(employer, bare)
        numbered = sync_employee(employer, bare | {"personnel_number": "P-002"})
        assert numbered.outcome == "updated" and numbered.changes == [("personnel_number", None, "P-002")]
        with pytest.raises(RecordConflict, match="P-002"):
            sync_employee(employer, bare | {"personnel_number": "P-999"})
        assert len(_all()) == 1


def test_the_same_person_at_another_employer_is_another_dossier_and_one_account_links_once(app):
    with app.app_context():
        employer, other = _employer(), _employer(OTHER, "Ander BV")
        sync_employee(employer, ANNA, keycloak_user_id=USER)
        elsewhere = sync_employee(other, ANNA, keycloak_user_id=USER)
        assert elsewhere.outcome == "created" and not elsewhere.linked
        assert sorted((e.employer_id == employer.id, e.keycloak_user_id) for e in _all()) == [(False, None),
                                                                                            (True, USER)]


def test_a_leaver_is_marked_never_deleted_and_a_rehire_clears_the_mark(app):
    with app.app_context():
        employer = _employer()
        sync_employee(employer, ANNA)
        left = sync_employee(employer, ANNA | {"left_on": date(2026, 11, 30)})
        assert left.outcome == "left" and left.changes == [("left_on", None, date(2026, 11, 30))]
        back = sync_employee(employer, ANNA | {"left_on": None})
        assert back.outcome == "updated" and _all()[0].left_on is None


def test_mark_missing_as_left_touches_only_this_employer_and_only_the_missing(app):
    with app.app_context():
        employer, other = _employer(), _employer(OTHER, "Ander BV")
        anna = sync_employee(employer, ANNA)
        sync_employee(employer, {"email": "bram@nieuw.nl", "name": "Bram Jansen"})
        sync_employee(other, {"email": "carla@ander.nl", "name": "Carla Bakker"})
        today = date(2026, 12, 4)
        planned = mark_missing_as_left(employer, {anna.employee_id}, today, dry_run=True)
        assert [r.email for r in planned] == ["bram@nieuw.nl"] and all(e.left_on is None for e in _all())
        mark_missing_as_left(employer, {anna.employee_id}, today)
        assert {e.email: e.left_on for e in _all()} == {"anna@nieuw.nl": None, "bram@nieuw.nl": today,
                                                         "carla@ander.nl": None}
        assert mark_missing_as_left(employer, {anna.employee_id}, today) == []  # already marked: idempotent


def test_archiving_an_employer_keeps_its_dossiers(app):
    with app.app_context():
        employer = _employer()
        sync_employee(employer, ANNA)
        assert archive_employer(ORG, dry_run=True).archived_at is None
        archived = archive_employer(ORG)
        first = archived.archived_at
        assert first is not None and dossier_count(archived) == 1 and len(_all()) == 1
        assert archive_employer(ORG).archived_at == first  # twice keeps the first date
        assert archive_employer(OTHER) is None


def test_without_commit_the_caller_owns_the_transaction(app):
    with app.app_context():
        employer = _employer()
        result = sync_employee(employer, ANNA, commit=False)
        assert result.outcome == "created" and result.employee_id  # flushed: the id is known
        db.session.rollback()  # e.g. the import stopped: nothing of the file is kept
        assert _all() == []
