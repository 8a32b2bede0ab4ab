"""The HR import's optional dossier columns (issue 12, part 1): personnel number, department, start
and end date are checked per row like the rest; files without them keep working."""

from scripts import provisioning_rows as rows

BASE = "email,first_name,last_name,employer,role,birth_date,mobile"
FULL = BASE + ",personnel_number,department,start_date,end_date"
PERSON = "anna@ek88.nl,Anna,de Vries,EK88,employee,1985-03-14,+31612345001"


def _parse(text: str) -> rows.Parsed:
    return rows.parse_csv(text.encode("utf-8"), known_employers={"ek88"})


def test_the_optional_columns_are_read_and_remembered():
    parsed = _parse(f"{FULL}\n{PERSON},P-001,R&D (Noord),2020-01-01,2026-11-30\n")
    (row,) = parsed.rows
    assert (row.personnel_number, row.department, row.start_date, row.end_date) == (
        "P-001", "R&D (Noord)", "2020-01-01", "2026-11-30")
    assert parsed.optional_columns == ("personnel_number", "department", "start_date", "end_date")
    assert _parse(f"{BASE}\n{PERSON}\n").optional_columns == ()


def test_bad_dossier_values_reject_the_row_with_a_reason():
    parsed = _parse(f"{FULL}\n"
                    f"{PERSON},P 001,,,\n"
                    f"{PERSON.replace('anna', 'bram')},P-002,<b>Inkoop</b>,,\n"
                    f"{PERSON.replace('anna', 'cees')},P-003,,01-01-2020,\n"
                    f"{PERSON.replace('anna', 'dirk')},P-004,,2020-01-01,2019-12-31\n"
                    f"{PERSON.replace('anna', 'eva')},P-005,,,\n"
                    f"{PERSON.replace('anna', 'fred')},P-005,,,\n")
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert "personeelsnummer" in reasons[2]
    assert "afdeling bevat niet-toegestane tekens" in reasons[3]
    assert "datum in dienst is geen jjjj-mm-dd" in reasons[4]
    assert "ligt voor datum in dienst" in reasons[5]
    assert "dubbel personeelsnummer P-005 (ook op regel 6)" in reasons[7]
    assert [r.email for r in parsed.rows] == ["eva@ek88.nl"]


def test_an_unknown_column_is_still_refused():
    import pytest

    with pytest.raises(rows.BadInput, match="onbekend: salaris"):
        _parse(f"{BASE},salaris\n{PERSON},1000\n")
