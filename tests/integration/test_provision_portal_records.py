"""The provisioning CLI keeps the portal's records in step (issue 12, part 1), against the real
Keycloak: employer create binds the record to the organization id, rename keeps the binding, delete
archives after a confirmation; the HR import creates and updates dossiers (what changed, field: old
-> new), is idempotent, marks leavers, and its dry run shows the portal changes too."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date

import pytest

from app import keycloak as kc
from app.extensions import db
from app.models import Employee, Employer
from scripts import provision
from scripts.portal_db import portal_records

pytestmark = pytest.mark.integration

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile,personnel_number,department,start_date,end_date\n"


@pytest.fixture
def realm(keycloak, mail_sink, realm_factory):
    representation = realm_factory()
    return dataclasses.make_dataclass("Realm", ["name", "admin"])(
        representation["realm"], kc.client.realm_admin(dataclasses.replace(keycloak, realm=representation["realm"])))


def _out(capsys) -> str:
    return " ".join(capsys.readouterr().out.split())  # rich wraps long lines


def _err(capsys) -> str:
    return " ".join(capsys.readouterr().err.split())


def _records(model, **where):
    with portal_records():
        rows = db.session.scalars(db.select(model).filter_by(**where)).all()
        db.session.expunge_all()
        return rows


def test_employer_create_rename_and_delete_follow_the_organization_id(realm, capsys):
    base = ["--realm", realm.name, "employer"]
    assert provision.main([*base, "create", "Bakkerij De Boer", "--domain", "deboer.nl", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["portal"] == "created"
    (record,) = _records(Employer, keycloak_org_id=created["id"])
    assert record.name == "Bakkerij De Boer" and record.keycloak_org_alias == "bakkerij-de-boer"
    assert provision.main([*base, "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0
    assert "portaal: werkgever bestond al" in _out(capsys)

    assert provision.main([*base, "rename", "Bakkerij De Boer", "De Boer Brood BV"]) == 0
    assert "blijven gekoppeld" in _out(capsys)
    assert kc.organizations.organization_by_id(realm.admin, created["id"])["name"] == "De Boer Brood BV"
    (renamed,) = _records(Employer, keycloak_org_id=created["id"])
    assert (renamed.id, renamed.name) == (record.id, "De Boer Brood BV")
    kc.organizations.ensure_organization(realm.admin, "Ander BV", "ander.nl")
    assert provision.main([*base, "rename", "De Boer Brood BV", "Ander BV"]) == provision.EXIT_CONFLICT

    with portal_records():
        db.session.add(Employee(employer_id=record.id, name="Anna de Vries", email="anna@deboer.nl"))
        db.session.commit()
    # not confirmed (no terminal, no --yes): one sentence saying what would happen, nothing changed
    assert provision.main([*base, "delete", "De Boer Brood BV"]) == provision.EXIT_BAD_INPUT
    said = _err(capsys)
    assert "1 dossier(s)" in said and "gearchiveerd" in said and "20 jaar" in said and "--yes" in said
    assert kc.organizations.find_organization(realm.admin, "De Boer Brood BV") is not None
    assert _records(Employer, keycloak_org_id=created["id"])[0].archived_at is None

    assert provision.main([*base, "delete", "De Boer Brood BV", "--yes"]) == 0
    assert kc.organizations.find_organization(realm.admin, "De Boer Brood BV") is None
    (archived,) = _records(Employer, keycloak_org_id=created["id"])
    assert archived.archived_at is not None
    assert [e.name for e in _records(Employee, employer_id=record.id)] == ["Anna de Vries"]  # kept


def _csv(tmp_path, lines: list[str], name="hr.csv") -> str:
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_import_creates_updates_and_marks_dossiers(realm, mail_sink, tmp_path, capsys):
    tag = uuid.uuid4().hex[:6]
    assert provision.main(["--realm", realm.name, "employer", "create", "EK88", "--domain", "ek88.nl"]) == 0
    capsys.readouterr()
    anna, bram, cees = (f"{n}-{tag}@ek88.nl" for n in ("anna", "bram", "cees"))
    first = [f"{anna},Anna,de Vries,EK88,employee,1985-03-14,+31612345001,P-001,Inkoop,2020-01-01,",
             f"{bram},Bram,Jansen,EK88,employee,1979-11-02,+31612345002,P-002,Magazijn,2019-05-01,",
             f"{cees},Cees,Oud,EK88,employee,1960-01-01,+31612345003,P-003,Magazijn,2000-01-01,2026-01-31"]
    path = _csv(tmp_path, first)
    run = ["--realm", realm.name, "import", path, "--json"]

    assert provision.main([*run, "--dry-run"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["summary"]["dossiers_created"] == 3
    assert {d["email"] for d in plan["dossiers"]} == {anna, bram, cees}
    assert _records(Employee) == []  # dry run: nothing in the portal either
    assert kc.users.find_user_by_email(realm.admin, anna) is None

    assert provision.main(run) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["dossiers_created"] == 3 and report["summary"]["created"] == 2
    people = {e.email: e for e in _records(Employee)}
    user = kc.users.find_user_by_email(realm.admin, anna)
    assert people[anna].keycloak_user_id == user["id"]  # the employee finds their own dossier
    assert (people[anna].personnel_number, people[anna].department, people[anna].start_date,
            people[anna].birth_date, people[anna].mobile) == ("P-001", "Inkoop", date(2020, 1, 1),
                                                               date(1985, 3, 14), "+31612345001")
    # a leaver gets a dossier marked left, and no account nor welcome mail
    assert people[cees].left_on == date(2026, 1, 31) and people[cees].keycloak_user_id is None
    assert kc.users.find_user_by_email(realm.admin, cees) is None and mail_sink.messages_to(cees) == []

    assert provision.main(run) == 0  # idempotent
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["dossiers_unchanged"] == 3 and "dossiers_updated" not in again["summary"]

    changed = [first[0].replace("Inkoop", "Verkoop").replace("+31612345001", "+31687654321"), first[2]]
    path = _csv(tmp_path, changed, "hr-2.csv")
    assert provision.main(["--realm", realm.name, "import", path, "--mark-missing-as-left", "--dry-run"]) == 0
    text = _out(capsys)
    assert "afdeling: Inkoop -> Verkoop" in text and "mobiel: +31612345001 -> +31687654321" in text
    assert bram in text and "uit dienst" in text
    assert _records(Employee, email=anna)[0].department == "Inkoop"  # dry run

    assert provision.main(["--realm", realm.name, "import", path, "--mark-missing-as-left", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (updated,) = [d for d in report["dossiers"] if d["outcome"] == "updated"]
    assert {"field": "department", "from": "Inkoop", "to": "Verkoop"} in updated["changes"]
    assert [m["email"] for m in report["marked_left"]] == [bram]
    people = {e.email: e for e in _records(Employee)}
    assert people[bram].left_on == date.today() and len(people) == 3  # marked, not deleted
    assert kc.users.find_user_by_email(realm.admin, bram) is not None


def test_mark_missing_as_left_is_refused_when_a_row_is_rejected(realm, mail_sink, tmp_path, capsys):
    tag = uuid.uuid4().hex[:6]
    kc.organizations.ensure_organization(realm.admin, "EK88", "ek88.nl")
    keep = f"dirk-{tag}@ek88.nl"
    path = _csv(tmp_path, [f"{keep},Dirk,Dijk,EK88,employee,1970-01-01,+31612345004,P-004,,,"])
    assert provision.main(["--realm", realm.name, "import", path]) == 0  # binds the employer record too
    capsys.readouterr()
    bad = _csv(tmp_path, ["geen-adres,Eva,Smit,EK88,employee,1970-01-01,+31612345005,P-005,,,"], "bad.csv")
    assert provision.main(["--realm", realm.name, "import", bad, "--mark-missing-as-left"]) == provision.EXIT_PARTIAL
    assert "niet toegepast" in _err(capsys)
    assert _records(Employee, email=keep)[0].left_on is None


def test_invite_physician_serving_two_employers(realm, mail_sink, capsys):
    from app.models import ProfessionalAssignment

    for name in ("EK88", "Bakkerij De Boer"):
        assert provision.main(["--realm", realm.name, "employer", "create", name, "--domain",
                               "ek88.nl" if name == "EK88" else "deboer.nl"]) == 0
    capsys.readouterr()
    email = f"arts-{uuid.uuid4().hex[:6]}@arbodienst.example"
    invite = ["--realm", realm.name, "invite", "--email", email, "--first-name", "Fenna", "--last-name", "Arts",
              "--role", "physician"]
    assert provision.main([*invite, "--employer", "EK88", "--employer", "Onbekend BV"]) == provision.EXIT_BAD_INPUT
    assert kc.users.find_user_by_email(realm.admin, email) is None  # an unknown employer: nothing made

    assert provision.main([*invite, "--employer", "EK88", "--employer", "bakkerij-de-boer"]) == 0
    assert "Uitnodiging verstuurd" in _out(capsys)
    user = kc.users.find_user_by_email(realm.admin, email)
    roles = {r["name"] for r in realm.admin.get_realm_roles_of_user(user["id"])}
    assert "physician" in roles and "employee" not in roles  # no SMS choice: the authenticator app, as a manager
    assert kc.errors.guarded(realm.admin.get_user_organizations, user["id"]) == []  # a member of no employer
    welcome = mail_sink.wait_for(email)
    assert welcome["links"]
    served = {e.name for e in _records(Employer)
              if e.id in {a.employer_id for a in _records(ProfessionalAssignment, keycloak_user_id=user["id"])}}
    assert served == {"EK88", "Bakkerij De Boer"}

    # again, with one employer more: the assignment is added, no second account or e-mail
    kc.organizations.ensure_organization(realm.admin, "Derde BV", "derde.nl")
    assert provision.main([*invite, "--employer", "EK88", "--employer", "Derde BV"]) == 0
    said = _out(capsys)
    assert "geen nieuwe uitnodiging" in said and "nieuw: Derde BV" in said
    assert len(_records(ProfessionalAssignment, keycloak_user_id=user["id"])) == 3
    assert len(mail_sink.messages_to(email)) == 1

    # a manager still belongs to exactly one employer
    assert provision.main(["--realm", realm.name, "invite", "--email", f"m-{email}", "--first-name", "M",
                           "--last-name", "M", "--employer", "EK88", "--employer", "Derde BV"]) == provision.EXIT_BAD_INPUT
