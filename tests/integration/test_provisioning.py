"""The provisioning CLI against the real Keycloak: realm as code (idempotent, dry run), employers,
and the HR import with good and bad rows, an idempotent re-run and SMTP down half-way."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest

from app import keycloak_admin as ka
from scripts import provision
from tests.support import free_port

pytestmark = pytest.mark.integration

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile\n"


@pytest.fixture
def realm(keycloak, mail_sink, realm_factory):
    representation = realm_factory()
    admin = ka.realm_admin(dataclasses.replace(keycloak, realm=representation["realm"]))
    ka.ensure_organization(admin, "EK88", "ek88.nl")
    return dataclasses.make_dataclass("Realm", ["name", "admin", "representation"])(
        representation["realm"], admin, representation)


def test_realm_command_creates_then_reports_nothing_to_change(keycloak, master, capsys):
    name = f"t-cli-{uuid.uuid4().hex[:8]}"
    args = ["realm", "--name", name, "--display-name", "Arbo Noord", "--brand-name", "Arbo Noord",
            "--primary-color", "#123456", "--mail-from", "inloggen@arbonoord.example", "--reply-to",
            "noreply@arbonoord.example", "--portal-url", "https://portaal.arbonoord.example"]
    try:
        assert provision.main(args) == 0
        served = master.get_realm(name)
        assert served["displayName"] == "Arbo Noord"
        assert served["smtpServer"]["from"] == "inloggen@arbonoord.example"
        assert served["smtpServer"]["replyTo"] == "noreply@arbonoord.example"
        master.connection.realm_name = name
        try:
            texts = master.connection.raw_get(f"admin/realms/{name}/localization/nl").json()
        finally:
            master.connection.realm_name = "master"
        assert texts["arboBrandName"] == "Arbo Noord" and texts["arboBrandPrimaryColor"] == "#123456"
        capsys.readouterr()

        assert provision.main(args) == 0
        assert "nothing changed" in capsys.readouterr().out

        changed = [*args[:4], "Arbo Noord-Oost", *args[5:]]
        assert provision.main([*changed, "--dry-run", "--json"]) == 0
        plan = json.loads(capsys.readouterr().out)
        assert plan["outcome"] == "would update"
        assert {"setting": "displayName", "from": "Arbo Noord", "to": "Arbo Noord-Oost"} in plan["changes"]
        assert master.get_realm(name)["displayName"] == "Arbo Noord"  # dry run changed nothing

        assert provision.main(changed) == 0
        assert master.get_realm(name)["displayName"] == "Arbo Noord-Oost"
        assert "displayName" in capsys.readouterr().out
    finally:
        if name in {r["realm"] for r in master.get_realms()}:
            master.delete_realm(name)


def test_employer_create_is_idempotent_and_listed_as_json(realm, capsys):
    base = ["--realm", realm.name, "employer"]
    assert provision.main([*base, "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0
    assert provision.main([*base, "create", "Bakkerij De Boer", "--domain", "deboer.nl"]) == 0
    assert "bestond al" in capsys.readouterr().out
    assert provision.main([*base, "list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert sorted(e["name"] for e in listing) == ["Bakkerij De Boer", "EK88"]
    assert provision.main([*base, "create", "X", "--domain", "geen domein"]) == provision.EXIT_BAD_INPUT


def test_invite_refuses_bad_input_with_exit_2(realm, capsys):
    base = ["--realm", realm.name, "invite", "--first-name", "Jan", "--last-name", "Jansen"]
    assert provision.main([*base, "--email", "geen-adres", "--employer", "EK88"]) == 2
    assert provision.main([*base, "--email", "jan@ek88.nl", "--employer", "Bestaat Niet"]) == 2
    assert "onbekende werkgever" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        provision.main([*base, "--email", "jan@ek88.nl", "--employer", "EK88", "--role", "koning"])
    assert usage.value.code == 2
    assert ka.list_invitations(realm.admin, ka.find_organization(realm.admin, "EK88")["id"]) == []


def _csv(tmp_path, body: str, name="hr.csv") -> str:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode("utf-8"))
    return str(path)


def test_import_good_and_bad_rows_then_an_idempotent_rerun(realm, mail_sink, tmp_path, capsys):
    tag = uuid.uuid4().hex[:6]
    good_employee, good_manager = f"anna-{tag}@ek88.nl", f"bram-{tag}@ek88.nl"
    body = (f"{good_employee},Anna,de Vries,EK88,employee,1980-02-29,+31612345678\n"
            "\n"
            f"{good_manager},Bram,Bakker,ek88,manager,,\n"
            "niet-een-adres,Cor,Cornelis,EK88,employee,1970-01-01,+31612345679\n"
            f"dirk-{tag}@ek88.nl,{'D' * 10000},Dijk,EK88,employee,1970-01-01,+31612345670\n"
            f"eva-{tag}@ek88.nl,<script>alert(1)</script>,Evers,EK88,employee,1970-01-01,+31612345671\n"
            f"fred-{tag}@ek88.nl,Fred,Fris,Onbekend BV,employee,1970-01-01,+31612345672\n"
            f"gijs-{tag}@ek88.nl,Gijs,Groot,EK88,koning,1970-01-01,+31612345673\n"
            f"{good_employee},Anna,Dubbel,EK88,employee,1980-02-29,+31612345678\n"
            f"hans-{tag}@ek88.nl,Hans,Hout,EK88,employee,31-12-1970,0612345678\n")
    path = _csv(tmp_path, body)
    org_id = ka.find_organization(realm.admin, "EK88")["id"]

    assert provision.main(["--realm", realm.name, "import", path, "--dry-run", "--json"]) == provision.EXIT_PARTIAL
    dry = json.loads(capsys.readouterr().out)
    assert dry["summary"]["rejected"] == 7 and dry["summary"]["would create"] == 1
    assert ka.find_user_by_email(realm.admin, good_employee) is None  # dry run changed nothing

    assert provision.main(["--realm", realm.name, "import", path, "--json"]) == provision.EXIT_PARTIAL
    report = json.loads(capsys.readouterr().out)
    reasons = {r["line"]: r["reason"] for r in report["rejected"]}
    assert report["failed"] == [], report["failed"]
    assert report["summary"]["created"] == 1 and report["summary"]["invited"] == 1
    assert report["summary"]["empty_lines"] == 1 and report["failed"] == []
    assert "ongeldig e-mailadres" in reasons[5]
    assert "langer dan 100 tekens" in reasons[6] and "D" * 100 not in reasons[6]
    assert "niet-toegestane tekens" in reasons[7]
    assert "onbekende werkgever" in reasons[8]
    assert "onbekende rol" in reasons[9]
    assert "dubbel e-mailadres" in reasons[10]
    assert "geboortedatum" in reasons[11] and "mobiel" in reasons[11]

    user = ka.find_user_by_email(realm.admin, good_employee)
    assert user["attributes"]["birthDate"] == ["1980-02-29"] and user["attributes"]["mobile"] == ["+31612345678"]
    assert {r["name"] for r in realm.admin.get_realm_roles_of_user(user["id"])} >= {"employee"}
    welcome = mail_sink.wait_for(good_employee)
    assert welcome["links"] and "null" not in welcome["text"]
    assert [i["email"] for i in ka.list_invitations(realm.admin, org_id)] == [good_manager]

    # re-run: nothing duplicated, nothing re-sent
    mails_before = len(mail_sink.messages_to(good_employee))
    assert provision.main(["--realm", realm.name, "import", path, "--json"]) == provision.EXIT_PARTIAL
    rerun = json.loads(capsys.readouterr().out)
    assert rerun["summary"].get("created", 0) == 0 and rerun["summary"].get("invited", 0) == 0
    assert rerun["summary"]["unchanged"] == 2
    assert len(realm.admin.get_users({"email": good_employee, "exact": "true"})) == 1
    assert len(ka.list_invitations(realm.admin, org_id)) == 1
    assert len(mail_sink.messages_to(good_employee)) == mails_before


def test_malformed_files_are_refused_with_exit_2(realm, tmp_path, capsys):
    wrong_columns = tmp_path / "wrong.csv"
    wrong_columns.write_text("mail,naam\nx@y.nl,X\n", encoding="utf-8")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((HEADER + "jose@ek88.nl,José,Müller,EK88,employee,1970-01-01,+31612345678\n").encode("latin-1"))
    for path, message in ((wrong_columns, "verkeerde kolommen"), (latin1, "geen UTF-8"),
                          (tmp_path / "missing.csv", "niet gevonden")):
        assert provision.main(["--realm", realm.name, "import", str(path)]) == provision.EXIT_BAD_INPUT
        assert message in capsys.readouterr().err


def test_import_with_smtp_down_keeps_nothing_and_a_rerun_finishes(keycloak, mail_sink, realm, master, tmp_path, capsys):
    tag = uuid.uuid4().hex[:6]
    people = [f"p{i}-{tag}@ek88.nl" for i in range(3)]
    path = _csv(tmp_path, "".join(f"{email},Piet,Persoon,EK88,employee,1975-05-05,+3161234567{i}\n"
                                  for i, email in enumerate(people)) + f"m-{tag}@ek88.nl,Mia,Manager,EK88,manager,,\n")
    master.connection.realm_name = realm.name
    try:
        master.update_realm(realm.name, {"smtpServer": realm.representation["smtpServer"] | {"port": str(free_port())}})
        assert provision.main(["--realm", realm.name, "import", path, "--json"]) == provision.EXIT_PARTIAL
        report = json.loads(capsys.readouterr().out)
        assert report["summary"]["failed"] == 4
        assert all("kon niet" in f["reason"] or "could not be sent" in f["reason"] for f in report["failed"])
        for email in people:  # rolled back: no account without its welcome e-mail
            assert ka.find_user_by_email(realm.admin, email) is None
        org_id = ka.find_organization(realm.admin, "EK88")["id"]
        assert ka.list_invitations(realm.admin, org_id) == []

        master.update_realm(realm.name, {"smtpServer": realm.representation["smtpServer"]})
    finally:
        master.connection.realm_name = "master"
    assert provision.main(["--realm", realm.name, "import", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["created"] == 3 and report["summary"]["invited"] == 1
    for email in people:
        assert len(realm.admin.get_users({"email": email, "exact": "true"})) == 1
        mail_sink.wait_for(email)


def test_import_into_a_second_employer_needs_existing_account(realm, mail_sink, tmp_path, capsys):
    """An address that already has an account at another employer joins this one only with the flag."""
    other = ka.ensure_organization(realm.admin, "Ander BV", "ander.nl")
    ek88 = ka.ensure_organization(realm.admin, "EK88", "ek88.nl")
    email = f"twee-{uuid.uuid4().hex[:6]}@ek88.nl"
    user_id = ka.ensure_user(realm.admin, email=email, first_name="Twee", last_name="Banen", roles=["employee"],
                             organization_id=other)
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + f"{email},Twee,Banen,EK88,employee,1990-01-01,+31612345678\n", encoding="utf-8")
    assert provision.main(["--realm", realm.name, "import", str(path), "--json"]) == provision.EXIT_PARTIAL
    report = json.loads(capsys.readouterr().out)
    assert "--existing-account" in report["failed"][0]["reason"]
    assert ek88 not in ka.user_organization_ids(realm.admin, user_id)
    assert provision.main(["--realm", realm.name, "import", str(path), "--existing-account", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["done"][0]["outcome"].startswith("added")
    assert ek88 in ka.user_organization_ids(realm.admin, user_id)


def test_roles_are_granted_per_employer_and_old_realm_roles_migrate_only_when_unambiguous(realm, capsys):
    a = ka.ensure_organization(realm.admin, "EK88", "ek88.nl")
    b = ka.ensure_organization(realm.admin, "Ander BV", "ander.nl")
    one = ka.ensure_user(realm.admin, email=f"een-{uuid.uuid4().hex[:6]}@ek88.nl", first_name="Een", last_name="Baan",
                         roles=[], organization_id=a)
    two_email = f"twee-{uuid.uuid4().hex[:6]}@ek88.nl"
    two = ka.ensure_user(realm.admin, email=two_email, first_name="Twee", last_name="Banen", roles=[],
                         organization_id=a)
    ka.ensure_user(realm.admin, email=two_email, first_name="Twee", last_name="Banen", roles=[], organization_id=b,
                   existing_account=True)
    # the old model: a realm role "manager" (created here as an old realm would have it)
    realm.admin.create_realm_role({"name": "manager"}, skip_exists=True)
    manager_role = realm.admin.get_realm_role("manager")
    for user in (one, two):
        realm.admin.assign_realm_roles(user, [manager_role])
    assert provision.main(["--realm", realm.name, "roles", "migrate-realm-roles"]) == provision.EXIT_PARTIAL
    assert "NIET overgezet" in capsys.readouterr().out
    assert ka.employer_roles_of(realm.admin, a, one) == {"manager"}
    assert ka.employer_roles_of(realm.admin, a, two) == set() and ka.employer_roles_of(realm.admin, b, two) == set()

    assert provision.main(["--realm", realm.name, "roles", "grant", "--employer", "Ander BV", "--email", two_email,
                           "--role", "superuser"]) == 0
    assert ka.employer_roles_of(realm.admin, b, two) == {"manager", "superuser"}
    assert ka.employer_roles_of(realm.admin, a, two) == set()
    assert provision.main(["--realm", realm.name, "roles", "revoke", "--employer", "Ander BV", "--email",
                           two_email]) == 0
    assert ka.employer_roles_of(realm.admin, b, two) == set()


def _session_user(master, realm_name, user_id):
    from app.auth import session_user_from_claims

    master.connection.realm_name = realm_name
    try:
        portal = next(c for c in master.get_clients() if c["clientId"] == "portal")
        claims = master.connection.raw_get(
            f"admin/realms/{realm_name}/clients/{portal['id']}/evaluate-scopes/generate-example-id-token",
            scope="openid email profile", userId=user_id).json()
    finally:
        master.connection.realm_name = "master"
    return session_user_from_claims(claims)


def test_a_recreated_employer_sees_nothing_of_its_predecessor(keycloak, realm, master, tmp_path):
    """Delete an employer and create one with the same name (same alias): a new id, new role groups;
    its manager sees none of the old employer's data, and nobody keeps a role at the deleted one."""
    from app import create_app
    from app.access import Viewer, managed_employer_ids
    from scripts.demo_data import ensure_employee, ensure_employer

    old_id = ka.ensure_organization(realm.admin, "Herboren BV", "herboren.nl")
    old_boss = ka.ensure_user(realm.admin, email=f"oud-{uuid.uuid4().hex[:6]}@herboren.nl", first_name="Oude",
                              last_name="Baas", roles=[], organization_id=old_id, employer_roles=["manager"])
    settings = dataclasses.replace(keycloak, realm=realm.name, database_url=f"sqlite:///{tmp_path / 'p.sqlite'}",
                                   documents_dir=str(tmp_path / "documents"))
    app = create_app({"SETTINGS": settings})
    with app.app_context():
        old = ensure_employer("Herboren BV", old_id, "herboren-bv")
        ensure_employee(old, keycloak_user_id=None, email="oud@herboren.nl", name="Oude Werknemer")
        old_employer_id = old.id

    assert provision.main(["--realm", realm.name, "employer", "delete", "Herboren BV", "--yes"]) == 0
    new_id = ka.ensure_organization(realm.admin, "Herboren BV", "herboren.nl")
    assert new_id != old_id and ka.organization_by_id(realm.admin, new_id)["alias"] == "herboren-bv"
    new_boss = ka.ensure_user(realm.admin, email=f"nieuw-{uuid.uuid4().hex[:6]}@herboren.nl", first_name="Nieuwe",
                              last_name="Baas", roles=[], organization_id=new_id, employer_roles=["manager"])

    new_user, old_user = _session_user(master, realm.name, new_boss), _session_user(master, realm.name, old_boss)
    assert list(new_user["employers"]) == [new_id] and old_user["employers"] == {}
    with app.app_context():
        assert managed_employer_ids(Viewer.from_user(new_user)) == []  # the new id is bound to nothing yet
        assert managed_employer_ids(Viewer.from_user(old_user)) == []
        assert old_employer_id not in managed_employer_ids(Viewer.from_user(new_user, old_id))


def test_prune_removes_roles_left_behind_by_the_admin_console(realm, master):
    org_id = ka.ensure_organization(realm.admin, f"Console {uuid.uuid4().hex[:6]}", "console.nl")
    gone_id = ka.ensure_organization(realm.admin, f"Weg {uuid.uuid4().hex[:6]}", "weg.nl")
    leaver = ka.ensure_user(realm.admin, email=f"weg-{uuid.uuid4().hex[:6]}@console.nl", first_name="Weg",
                            last_name="Gaan", roles=[], organization_id=org_id, employer_roles=["manager"])
    stayer = ka.ensure_user(realm.admin, email=f"blijf-{uuid.uuid4().hex[:6]}@console.nl", first_name="Blijf",
                            last_name="Hier", roles=[], organization_id=org_id, employer_roles=["manager"])
    ka.ensure_user(realm.admin, email=f"x-{uuid.uuid4().hex[:6]}@weg.nl", first_name="X", last_name="Y", roles=[],
                   organization_id=gone_id, employer_roles=["superuser"])
    realm.admin.organization_user_remove(leaver, org_id)  # as in the admin console: roles stay behind
    realm.admin.delete_organization(gone_id)
    assert provision.main(["--realm", realm.name, "roles", "prune"]) == 0
    assert ka.employer_roles_of(realm.admin, org_id, leaver) == set()
    assert ka.employer_roles_of(realm.admin, org_id, stayer) == {"manager"}
    root = realm.admin.get_group_by_path("/werkgevers")
    children = {g["name"] for g in realm.admin.get_group_children(root["id"], query={"max": 1000})}
    assert org_id in children and gone_id not in children
