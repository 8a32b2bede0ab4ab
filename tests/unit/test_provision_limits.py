"""Values longer than Keycloak stores (255 characters) are refused with exit 2 before any call
(KEYCLOAK_PORT=1: reaching Keycloak would be exit 3), naming the field, never echoing the value."""

import pytest

from app import validation
from scripts import provision
from scripts import provisioning_rows as rows

LONG = "x" * 256


@pytest.mark.parametrize("argv", [
    ["realm", "--name", "arbo-acme", "--display-name", LONG, "--dry-run"],
    ["realm", "--name", "arbo-acme", "--brand-name", LONG, "--dry-run"],
    ["realm", "--name", "arbo-acme", "--mail-from-name", LONG, "--dry-run"],
    ["realm", "--name", "arbo-acme", "--smtp-host", LONG, "--dry-run"],
    ["realm", "--name", "arbo-acme", "--portal-url", "https://" + LONG, "--dry-run"],
    ["employer", "create", "EK88", "--domain", ".".join([c * 60 for c in "abcde"]) + ".nl"],
    ["employer", "create", "E" * 256, "--domain", "ek88.nl"],
    ["invite", "--email", "a@ek88.nl", "--first-name", LONG, "--last-name", "B", "--employer", "EK88"],
])
def test_values_longer_than_keycloak_stores_are_exit_2_before_any_call(argv, monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_PORT", "1")
    assert provision.main(argv) == provision.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "langer dan" in err and LONG not in err.replace("\n", "") and "Traceback" not in err


def test_255_is_still_allowed():
    assert validation.length_problems({"--display-name": "x" * 255}) == []
    assert validation.length_problems({"--display-name": "x" * 256, "--smtp-host": None}) == [
        "--display-name is langer dan 255 tekens (256); Keycloak bewaart hoogstens 255"]


def test_person_names_stay_within_keycloaks_limit():
    assert rows.MAX_NAME <= validation.KEYCLOAK_MAX
    assert validation.MAX_EMAIL <= validation.KEYCLOAK_MAX
