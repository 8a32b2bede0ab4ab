"""`provision realm` refuses the master realm, an empty name and names Keycloak's URLs cannot carry,
with exit 2 and before Keycloak is called (KEYCLOAK_PORT=1: reaching Keycloak would be exit 3)."""

import pytest

from scripts import provision


@pytest.mark.parametrize("argv", [
    ["realm", "--name", "master"],
    ["realm", "--name", "master", "--dry-run"],
    ["realm", "--name", "MASTER", "--dry-run"],
    ["realm", "--name", ""],
    ["realm", "--name", "", "--dry-run"],
    ["realm", "--name", "a/b", "--dry-run"],
    ["realm", "--name", "arbo acme", "--dry-run"],
    ["realm", "--name", "../master", "--dry-run"],
    ["realm", "--name", "x" * 101, "--dry-run"],
    ["--realm", "", "employer", "list"],
    ["--realm", "master", "employer", "list"],
])
def test_bad_realm_names_are_exit_2_before_keycloak_is_called(argv, monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_PORT", "1")
    assert provision.main(argv) == provision.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "realm" in err and "Traceback" not in err
    assert err.count("fout:") == 1  # one message (rich may wrap it over lines)


def test_a_good_realm_name_gets_as_far_as_keycloak(monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_PORT", "1")
    assert provision.main(["realm", "--name", "arbo-acme_2", "--dry-run"]) == provision.EXIT_UNREACHABLE


# --- the one e-mail validator (app.validation), used by the CLI, the CSV import and the invite form

from app import validation  # noqa: E402
from scripts import provisioning_rows as rows  # noqa: E402


@pytest.mark.parametrize("email", ["a..b@x.nl", ".a@x.nl", "a.@x.nl", "a@x", "a@-x.nl", "a@x-.nl", "a@x..nl",
                                   "a b@x.nl", "a@b@x.nl", "x" * 65 + "@x.nl", "a@" + "x" * 64 + ".nl", ""])
def test_addresses_keycloak_refuses_are_refused_everywhere(email):
    assert validation.email_problem(email)
    assert rows.check_email(email)
    assert rows.check_person(email, "Marco", "van Basten")


@pytest.mark.parametrize("email", ["marco@ek88.nl", "m.van.basten+hr@mail.ek-88.nl", "o'brien@x.co.uk", "x" * 64 + "@x.nl"])
def test_ordinary_addresses_pass(email):
    assert validation.email_problem(email) is None
    assert rows.check_email(email) is None


# --- CSV: physical line numbers and over-long fields

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile\n"


def test_line_numbers_are_physical_after_a_quoted_field_with_a_newline():
    text = HEADER + 'a@x.nl,"Jan\nPiet",Jansen,EK88,manager,,\n' + "bad..mail@x.nl,Kees,Bos,EK88,manager,,\n"
    parsed = rows.parse_csv(text.encode())
    # the name with a newline is refused on line 2 (where its record starts), the bad address on line 4
    assert [r.line for r in parsed.rejected] == [2, 4]


def test_a_field_over_the_csv_limit_is_one_sentence_naming_the_line():
    text = HEADER + "a@x.nl,Jan,Jansen,EK88,manager,,\n" + 'b@x.nl,"' + "x" * 140_000 + '",Bos,EK88,manager,,\n'
    with pytest.raises(rows.BadInput, match="regel 3"):
        rows.parse_csv(text.encode())


# --- Keycloak's answer to a wrong admin password or client secret: exit 4, one sentence, no raw JSON

from keycloak.exceptions import KeycloakPostError  # noqa: E402


@pytest.mark.parametrize("body", [b'{"error":"invalid_grant","error_description":"Invalid user credentials"}',
                                  b'{"error":"invalid_client","error_description":"Invalid client credentials"}'])
def test_bad_credentials_are_exit_4_without_raw_json(body, monkeypatch, capsys):
    def refuse(args):
        raise KeycloakPostError(error_message=body, response_code=401 if b"client" in body else 400, response_body=body)
    monkeypatch.setattr(provision, "cmd_employer_list", refuse)
    parser = provision.build_parser
    monkeypatch.setattr(provision, "build_parser", lambda: _with_handler(parser(), refuse))
    assert provision.main(["employer", "list"]) == provision.EXIT_REFUSED
    err = capsys.readouterr().err
    assert "inloggegevens" in err and "{" not in err


def _with_handler(parser, handler):
    parser.set_defaults(handler=handler)
    return parser
