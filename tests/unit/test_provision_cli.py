"""The provisioning CLI without Keycloak: help, exit codes, and every CSV/person rule."""

from __future__ import annotations

import pytest

from scripts import provision
from scripts import provisioning_rows as rows

HEADER = "email,first_name,last_name,employer,role,birth_date,mobile\n"


@pytest.mark.parametrize("argv", [[], ["realm"], ["employer"], ["employer", "create"], ["employer", "list"],
                                  ["invite"], ["invitations"], ["invitations", "list"], ["invitations", "resend"],
                                  ["invitations", "revoke"], ["invitations", "apply-roles"], ["import"]])
def test_help_everywhere_documents_exit_codes(argv, capsys):
    with pytest.raises(SystemExit) as done:
        provision.main([*argv, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes" in out and "3  Keycloak unreachable" in out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as done:
        provision.main(["invite", "--email", "a@b.nl"])
    assert done.value.code == 2
    assert provision.main(["import", "/nonexistent/file.csv"]) == provision.EXIT_BAD_INPUT
    assert provision.main(["invite", "--email", "geen-adres", "--first-name", "A", "--last-name", "B",
                           "--employer", "X"]) == provision.EXIT_BAD_INPUT
    assert "ongeldig e-mailadres" in capsys.readouterr().err


def test_exit_codes_are_distinct():
    codes = [provision.EXIT_OK, provision.EXIT_PARTIAL, provision.EXIT_BAD_INPUT, provision.EXIT_UNREACHABLE,
             provision.EXIT_REFUSED, provision.EXIT_MAIL, provision.EXIT_CONFLICT]
    assert codes == [0, 1, 2, 3, 4, 5, 6]


def test_person_rules():
    assert rows.check_person("marco@ek88.nl", "Marco", "van Basten") == []
    assert rows.check_email("marco@@ek88.nl") and rows.check_email("") and rows.check_email("a@b")
    assert rows.check_email("x" * 250 + "@ek88.nl")
    assert rows.check_name("<b>Marco</b>", "voornaam")
    assert "langer dan 100" in rows.check_name("M" * 10000, "voornaam")
    assert len(rows.check_name("M" * 10000, "voornaam")) < 200  # never echoes a huge value
    assert rows.check_name("José-María d'Ávila", "voornaam") is None


def test_employee_details():
    assert rows.check_employee_details("1980-02-29", "+31612345678") == []
    assert rows.check_employee_details("1981-02-29", "+31612345678")  # no such date
    assert rows.check_employee_details("2999-01-01", "+31612345678")
    assert rows.check_employee_details("1980-01-01", "0612345678")


def test_csv_good_bad_empty_and_duplicate_rows():
    raw = (HEADER + "a@ek88.nl,Anna,Aa,EK88,employee,1980-01-01,+31612345678\n\n"
           "b@ek88.nl,Bram,Bee,EK88,manager,,\n"
           "A@EK88.nl,Anna,Dubbel,EK88,employee,1980-01-01,+31612345678\n"
           "c@ek88.nl,Cor,Cee,Elders,manager,,\n"
           "d@ek88.nl,Dirk\n").encode()
    parsed = rows.parse_csv(raw, known_employers={"ek88"})
    assert [r.email for r in parsed.rows] == ["a@ek88.nl", "b@ek88.nl"]
    assert parsed.empty_lines == 1
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert "dubbel e-mailadres (ook op regel 2)" in reasons[5]
    assert "onbekende werkgever" in reasons[6]
    assert "velden" in reasons[7]


def test_csv_semicolons_and_bom_are_accepted():
    raw = "\ufeff" + HEADER.replace(",", ";") + "a@ek88.nl;Anna;Aa;EK88;employee;1980-01-01;+31 6 12345678\n"
    parsed = rows.parse_csv(raw.encode("utf-8"))
    assert parsed.rows[0].mobile == "+31612345678"


@pytest.mark.parametrize("raw, message", [
    (b"", "leeg"),
    (b"email,naam\nx@y.nl,X\n", "verkeerde kolommen"),
    ((HEADER + "jos\xe9@ek88.nl,Jos\xe9,M,EK88,manager,,\n").encode("latin-1"), "geen UTF-8"),
])
def test_unusable_files_are_refused_as_a_whole(raw, message):
    with pytest.raises(rows.BadInput, match=message):
        rows.parse_csv(raw)


@pytest.mark.parametrize("argv", [["employer", "list", "--json"], ["invitations", "list"],
                                  ["realm", "--dry-run"], ["import", "{csv}"]])
def test_keycloak_unreachable_is_exit_3_with_a_clear_message(argv, monkeypatch, tmp_path, capsys):
    from tests.support import free_port

    csv_file = tmp_path / "hr.csv"
    csv_file.write_text(HEADER + "a@ek88.nl,Anna,Aa,EK88,employee,1980-01-01,+31612345678\n", encoding="utf-8")
    monkeypatch.setenv("KEYCLOAK_PORT", str(free_port()))
    assert provision.main([a.replace("{csv}", str(csv_file)) for a in argv]) == provision.EXIT_UNREACHABLE
    assert "Keycloak is niet bereikbaar" in capsys.readouterr().err
