"""The provisioning CLI against the real Keycloak: an existing account joining a second employer is
reported (which employer(s), which name differences) and refused without --existing-account; and
Keycloak's refusals are their documented exit code as one sentence (issue 13.1)."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest

from app import keycloak as kc
from scripts import exit_codes, provision

pytestmark = pytest.mark.integration

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile\n"


@pytest.fixture
def realm(keycloak, mail_sink, realm_factory):
    representation = realm_factory()
    admin = kc.client.realm_admin(dataclasses.replace(keycloak, realm=representation["realm"]))
    ek88 = kc.organizations.ensure_organization(admin, "EK88", "ek88.nl")
    other = kc.organizations.ensure_organization(admin, "Ander BV", "ander.nl")
    return representation["realm"], admin, ek88, other


def _clean(output: str) -> None:
    assert "Traceback" not in output and "<html" not in output.lower() and '{"error' not in output


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_import_of_an_existing_account_names_its_employers_and_name_differences(realm, tmp_path, capsys, role):
    name, admin, ek88, other = realm
    email = f"twee-{uuid.uuid4().hex[:6]}@ek88.nl"
    user_id = kc.users.ensure_user(admin, email=email, first_name="Johanna", last_name="de Vries", roles=["employee"],
                             organization_id=other)
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + f"{email},Jo,Vries,EK88,{role},1990-01-01,+31612345678\n", encoding="utf-8")

    # the dry run predicts the refusal, and with the flag what would be done
    assert provision.main(["--realm", name, "import", str(path), "--dry-run", "--json"]) == exit_codes.EXIT_PARTIAL
    assert "Ander BV" in json.loads(capsys.readouterr().out)["failed"][0]["reason"]
    assert provision.main(["--realm", name, "import", str(path), "--dry-run", "--existing-account", "--json"]) == 0
    [planned] = json.loads(capsys.readouterr().out)["done"]
    assert planned["outcome"].startswith("would add" if role == "employee" else "would invite"), planned
    assert ek88 not in kc.organizations.user_organization_ids(admin, user_id) and kc.invitations.list_invitations(admin, ek88) == []

    assert provision.main(["--realm", name, "import", str(path), "--json"]) == exit_codes.EXIT_PARTIAL
    reason = json.loads(capsys.readouterr().out)["failed"][0]["reason"]
    assert "Ander BV" in reason and "--existing-account" in reason
    assert "'Jo'" in reason and "'Johanna'" in reason and "'Vries'" in reason and "'de Vries'" in reason
    assert ek88 not in kc.organizations.user_organization_ids(admin, user_id)
    assert kc.invitations.list_invitations(admin, ek88) == []

    assert provision.main(["--realm", name, "import", str(path), "--existing-account", "--json"]) == 0
    [done] = json.loads(capsys.readouterr().out)["done"]
    assert done["outcome"].startswith("added" if role == "employee" else "invited")
    assert "Ander BV" in done["outcome"] and "'Johanna'" in done["outcome"]
    account = kc.users.find_user_by_email(admin, email)
    assert account["firstName"] == "Johanna"  # reported, not silently overwritten
    if role == "employee":
        assert ek88 in kc.organizations.user_organization_ids(admin, user_id)
        # a later run of the same file: nothing to do, the name difference still reported
        assert provision.main(["--realm", name, "import", str(path), "--json"]) == 0
        [again] = json.loads(capsys.readouterr().out)["done"]
        assert again["outcome"].startswith("unchanged") and "'Johanna'" in again["outcome"], again
    else:
        assert [i["email"] for i in kc.invitations.list_invitations(admin, ek88)] == [email]


def test_invite_of_an_existing_account_names_its_employers(realm, capsys):
    name, admin, ek88, other = realm
    email = f"twee-{uuid.uuid4().hex[:6]}@ek88.nl"
    kc.users.ensure_user(admin, email=email, first_name="Twee", last_name="Banen", roles=[], organization_id=other)
    args = ["--realm", name, "invite", "--email", email, "--first-name", "Twee", "--last-name", "Baan",
            "--employer", "EK88"]
    assert provision.main(args) == exit_codes.EXIT_CONFLICT
    err = capsys.readouterr().err.replace("\n", " ")
    assert "Ander BV" in err and "'Baan'" in err and "'Banen'" in err and "--existing-account" in err
    assert kc.invitations.list_invitations(admin, ek88) == []
    assert provision.main(args + ["--existing-account"]) == 0
    out = capsys.readouterr().out.replace("\n", " ")
    assert "Ander BV" in out and "Uitnodiging verstuurd" in out


def test_wrong_client_secret_is_exit_4(realm, monkeypatch, capsys):
    monkeypatch.setenv("PROVISIONER_CLIENT_SECRET", "not-the-secret-" + uuid.uuid4().hex)
    assert provision.main(["--realm", realm[0], "employer", "list"]) == exit_codes.EXIT_REFUSED
    output = capsys.readouterr().err
    assert "inloggegevens" in output
    _clean(output)


def test_wrong_admin_password_is_exit_4(keycloak, monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_ADMIN_PASSWORD", "not-the-password-" + uuid.uuid4().hex)
    assert provision.main(["realm", "--name", "arbo-x", "--dry-run"]) == exit_codes.EXIT_REFUSED
    output = capsys.readouterr().err
    assert "inloggegevens" in output
    _clean(output)


def test_unknown_realm_is_exit_2(keycloak, capsys):
    assert provision.main(["--realm", f"bestaat-niet-{uuid.uuid4().hex[:6]}", "employer", "list"]) == \
        exit_codes.EXIT_BAD_INPUT
    output = capsys.readouterr().err
    assert "kent dit niet" in output
    _clean(output)


def test_unknown_invitation_id_is_exit_2(realm, capsys):
    assert provision.main(["--realm", realm[0], "invitations", "revoke", "--employer", "EK88",
                           "--id", str(uuid.uuid4())]) == exit_codes.EXIT_BAD_INPUT
    output = capsys.readouterr().err
    assert "niet gevonden" in output
    _clean(output)
