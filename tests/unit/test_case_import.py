"""The case import (issue 12.2): ziekmeldingen/hersteldmeldingen from CSV, as strict as the HR import."""

from datetime import date, timedelta

import pytest

from app.case_records import Actor
from app.extensions import db
from app.models import AbsenceCase, CaseChange, CaseStatus, Employee
from scripts import case_import
from scripts.provisioning_rows import BadInput
from tests.portal_fixtures import ORG

TODAY = date.today()
ACTOR = Actor("import", "import test.csv", "import")
HEADER = "employee,employer,type,date,expected_weeks,work_possible\n"


def run(app, text: str, dry_run: bool = False):
    with app.app_context():
        return case_import.parse_and_apply(text.encode(), actor=ACTOR, dry_run=dry_run, today=TODAY)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count(AbsenceCase.id))),
                db.session.scalar(db.select(db.func.count(CaseChange.id))))


def test_sick_and_recovery_rows_go_through_the_case_records_and_rerun_changes_nothing(app, world):
    first = TODAY - timedelta(days=3)
    text = (HEADER + f"a2@example.nl,{ORG['a']},ziekmelding,{first},2,Thuiswerk\n"
            f"A1@example.nl,werkgever-a,hersteldmelding,{TODAY},,\n")
    report = run(app, text)
    assert [(r.line, r.outcome) for r in report.done] == [(2, "opened"), (3, "closed")] and not report.rejected
    with app.app_context():
        opened = db.session.scalar(db.select(AbsenceCase).where(AbsenceCase.employee_id == world.a2,
                                                                AbsenceCase.status == CaseStatus.OPEN))
        assert (opened.first_sick_day, opened.expected_recovery, opened.work_possible) == \
               (first, first + timedelta(weeks=2), "Thuiswerk")
        assert [(c.action, c.actor_role) for c in opened.changes] == [("opened", "import")]
        assert db.session.get(AbsenceCase, world.case_a1).recovered_on == TODAY
    before = counts(app)
    again = run(app, text)
    assert [r.outcome.split(" ")[0] for r in again.done] == ["unchanged", "unchanged"] and not again.rejected
    assert counts(app) == before


def test_dry_run_reports_what_would_happen_and_writes_nothing(app, world):
    before = counts(app)
    report = run(app, HEADER + f"a2@example.nl,{ORG['a']},ziekmelding,{TODAY},,\n"
                              f"a2@example.nl,{ORG['a']},hersteldmelding,{TODAY},,\n", dry_run=True)
    assert [r.outcome for r in report.done] == ["opened", "closed"]  # the second sees the first
    assert report.summary["dry_run"] is True
    assert counts(app) == before


def test_each_bad_row_has_one_sentence_with_its_physical_line_and_nothing_of_it_is_written(app, world):
    text = (HEADER
            + f"a2@example.nl,{ORG['b']},ziekmelding,{TODAY},,\n"          # 2: employee of another employer
            + f"b1@example.nl,{ORG['b']},ziekmelding,{TODAY},,\n"          # 3: already open
            + "\n"                                                          # 4: empty
            + f"a2@example.nl,{ORG['a']},ziek,{TODAY},,\n"                 # 5: unknown type
            + f"a2@example.nl,{ORG['a']},ziekmelding,31-12-2026,,\n"       # 6: date format
            + f"a2@example.nl,{ORG['a']},ziekmelding,{TODAY},veel,\n"      # 7: weeks
            + f"a2@example.nl,onbekend,ziekmelding,{TODAY},,\n"            # 8: employer
            + f"a2@example.nl,{ORG['a']},hersteldmelding,{TODAY},,\n"      # 9: not sick
            + f"a2@example.nl,{ORG['a']},ziekmelding,{TODAY + timedelta(days=2)},,\n"  # 10: future
            + f'a2@example.nl,{ORG["a"]},ziekmelding,{TODAY},,"twee\nregels",extra\n'  # 11: field count
            + f"a2@example.nl,{ORG['a']},ziekmelding,{TODAY},,Goed\n")     # 13: fine
    before = counts(app)
    report = run(app, text)
    reasons = {r.line: r.outcome for r in report.rejected}
    assert sorted(reasons) == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert "geen werknemer" in reasons[2] and "al ziek gemeld" in reasons[3]
    assert "onbekend type" in reasons[5] and "jjjj-mm-dd" in reasons[6] and "aantal weken" in reasons[7]
    assert "onbekende werkgever" in reasons[8] and "niet ziek gemeld" in reasons[9] and "toekomst" in reasons[10]
    assert "velden" in reasons[11]
    assert all("\n" not in reason for reason in reasons.values())
    assert [(r.line, r.outcome) for r in report.done] == [(13, "opened")] and report.empty_lines == 1
    assert counts(app) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize("text,message", [
    ("", "leeg"),
    ("email,employer,type,date\n", "ontbrekend: employee"),
    ("employee,employer,type,date,diagnosis\n", "onbekend: diagnosis"),  # no medical column, ever
])
def test_an_unusable_file_is_bad_input_and_changes_nothing(app, world, text, message):
    before = counts(app)
    with pytest.raises(BadInput, match=message):
        run(app, text)
    assert counts(app) == before


def test_not_utf8_is_bad_input(app, world):
    with app.app_context(), pytest.raises(BadInput, match="UTF-8"):
        case_import.parse_and_apply("employee;employer;type;date\nbé".encode("latin-1"), actor=ACTOR)


@pytest.mark.skipif(not hasattr(Employee, "personnel_number"), reason="the portal keeps no personnel number yet")
def test_employee_by_personnel_number(app, world):
    with app.app_context():
        db.session.get(Employee, world.a2).personnel_number = "P-0042"
        db.session.commit()
    report = run(app, HEADER + f"P-0042,{ORG['a']},ziekmelding,{TODAY},,\n")
    assert [r.outcome for r in report.done] == ["opened"]


def test_the_command_exit_codes(tmp_path, monkeypatch, app, world, capsys):
    """0 all done, 1 some rows refused, 2 unusable file (the README's table), on the portal's database."""
    from scripts import provision

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"a2@example.nl,{ORG['a']},ziekmelding,{TODAY},,\n", encoding="utf-8")
    assert provision.main(["cases-import", str(good), "--dry-run"]) == 0
    assert counts(app)[1] == 0
    assert provision.main(["cases-import", str(good)]) == 0
    assert provision.main(["cases-import", str(good), "--json"]) == 0
    assert '"unchanged": 1' in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"x@example.nl,{ORG['a']},ziekmelding,{TODAY},,\n", encoding="utf-8")
    assert provision.main(["cases-import", str(bad)]) == 1
    assert provision.main(["cases-import", str(tmp_path / "missing.csv")]) == 2
    columns = tmp_path / "columns.csv"
    columns.write_text("naam\n", encoding="utf-8")
    assert provision.main(["cases-import", str(columns)]) == 2
    assert "Traceback" not in capsys.readouterr().err
