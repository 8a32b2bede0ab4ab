"""Checking people before they reach Keycloak: one person (invite) or an HR export (CSV import).

Pure functions without Keycloak, so every rule is unit-tested. A rejected row carries its line
number and a reason a person at HR understands.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from app import validation

# The characters Keycloak's person-name-prohibited-characters validator refuses (HTML among them)
NAME_FORBIDDEN = re.compile(r"[<>&\"$%!#?§;*~/\\|^=\[\]{}()\x00-\x1F\x7F]")
MOBILE = re.compile(r"^\+[1-9]\d{7,14}$")
MAX_NAME = 100
MAX_EMAIL = validation.MAX_EMAIL

COLUMNS = ("email", "first_name", "last_name", "employer", "role", "birth_date", "mobile")
# Optional: the employee's dossier in the portal (app.employee_records). A column the file lacks is
# left alone in existing dossiers; end_date (yyyy-mm-dd) marks a leaver.
OPTIONAL_COLUMNS = ("personnel_number", "department", "start_date", "end_date")
PERSONNEL_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
MAX_DEPARTMENT = 100
IMPORT_ROLES = ("employee", "manager", "superuser")


class BadInput(Exception):
    """The whole input is unusable (not a row problem): wrong columns, wrong encoding, empty."""


@dataclass
class Row:
    line: int
    email: str
    first_name: str
    last_name: str
    employer: str
    role: str
    birth_date: str = ""
    mobile: str = ""
    personnel_number: str = ""
    department: str = ""
    start_date: str = ""
    end_date: str = ""


@dataclass
class Rejected:
    line: int
    email: str
    reason: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    empty_lines: int = 0
    optional_columns: tuple[str, ...] = ()  # which of OPTIONAL_COLUMNS the file has


def check_email(email: str) -> str | None:
    """None when the address is usable, otherwise why not (the one validator in app.validation)."""
    return validation.email_problem(email)


def check_name(value: str, what: str) -> str | None:
    if not value:
        return f"{what} ontbreekt"
    if len(value) > MAX_NAME:
        return f"{what} is langer dan {MAX_NAME} tekens ({len(value)})"
    if NAME_FORBIDDEN.search(value):
        return f"{what} bevat niet-toegestane tekens (zoals < > & \" of HTML): {_short(value)}"
    return None


def check_person(email: str, first_name: str, last_name: str) -> list[str]:
    problems = [check_email(email), check_name(first_name, "voornaam"), check_name(last_name, "achternaam")]
    return [p for p in problems if p]


def check_employee_details(birth_date: str, mobile: str) -> list[str]:
    problems = []
    try:
        born = date.fromisoformat(birth_date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth_date or "") else None
    except ValueError:
        born = None
    if born is None:
        problems.append(f"geboortedatum ontbreekt of is geen jjjj-mm-dd: {_short(birth_date)!s}")
    elif not date(1900, 1, 1) <= born <= date.today():
        problems.append(f"geboortedatum ligt niet tussen 1900 en vandaag: {birth_date}")
    if not MOBILE.match(mobile or ""):
        problems.append(f"mobiel nummer ontbreekt of is geen +316...: {_short(mobile)}")
    return problems


def check_dossier_details(row: "Row") -> list[str]:
    """The optional dossier columns: personnel number, department, start and end date."""
    problems = []
    if row.personnel_number and not PERSONNEL_NUMBER.match(row.personnel_number):
        problems.append(f"personeelsnummer mag alleen letters, cijfers en . _ / - bevatten (max. 32): "
                        f"{_short(row.personnel_number)}")
    if len(row.department) > MAX_DEPARTMENT:
        problems.append(f"afdeling is langer dan {MAX_DEPARTMENT} tekens ({len(row.department)})")
    elif re.search(r"[<>\x00-\x1F\x7F]", row.department):
        problems.append(f"afdeling bevat niet-toegestane tekens (zoals < of >): {_short(row.department)}")
    dates = {}
    for name, label in (("start_date", "datum in dienst"), ("end_date", "datum uit dienst")):
        value = getattr(row, name)
        if value:
            dates[name] = _iso_date(value)
            if dates[name] is None:
                problems.append(f"{label} is geen jjjj-mm-dd: {_short(value)}")
    if dates.get("start_date") and dates.get("end_date") and dates["end_date"] < dates["start_date"]:
        problems.append(f"datum uit dienst ({row.end_date}) ligt voor datum in dienst ({row.start_date})")
    return problems


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def decode(raw: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), else a clear refusal."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"het bestand is geen UTF-8 (byte {exc.start}): sla het op als 'CSV UTF-8'") from exc


def open_table(raw: bytes, required: tuple[str, ...], allowed: tuple[str, ...], shown: tuple[str, ...] | None = None,
               note: str = "") -> tuple:
    """(a csv reader past the header, the header) of a UTF-8 file with ',' or ';': the file as a whole
    is refused (BadInput) when empty, not UTF-8, or a column is missing, unknown or doubled. Shared by
    the HR import and the case import (scripts/case_import.py)."""
    text = decode(raw)
    if not text.strip():
        raise BadInput("het bestand is leeg")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in _next_record(reader, 1)]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in allowed]
    if missing or unknown or len(set(header)) != len(header):
        raise BadInput("verkeerde kolommen: " + "; ".join(filter(None, [
            f"ontbrekend: {', '.join(missing)}" if missing else "",
            f"onbekend: {', '.join(_short(u) for u in unknown)}" if unknown else "",
            "dubbele kolomnamen" if len(set(header)) != len(header) else "",
        ])) + f" (verwacht: {delimiter.join(shown or required)}{note})")
    return reader, header


def parse_csv(raw: bytes, known_employers: set[str] | None = None) -> Parsed:
    """Rows ready for Keycloak and every rejected row with its reason (per-row validation)."""
    reader, header = open_table(raw, COLUMNS, COLUMNS + OPTIONAL_COLUMNS)
    parsed, seen, numbers = Parsed(optional_columns=tuple(c for c in OPTIONAL_COLUMNS if c in header)), {}, {}
    employers = {e.lower() for e in known_employers} if known_employers is not None else None
    while True:
        # a quoted field may span lines: the row's physical line is where its record starts
        line = reader.line_num + 1
        cells = _next_record(reader, line)
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            parsed.empty_lines += 1
            continue
        if len(cells) != len(header):
            parsed.rejected.append(Rejected(line, "", f"{len(cells)} velden in plaats van {len(header)}"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells)}
        row = Row(line=line, email=values["email"].lower(), first_name=values["first_name"],
                  last_name=values["last_name"], employer=values["employer"], role=values["role"].lower(),
                  birth_date=values["birth_date"], mobile=values["mobile"].replace(" ", ""),
                  **{name: values.get(name, "") for name in OPTIONAL_COLUMNS})
        problems = check_person(row.email, row.first_name, row.last_name)
        if row.role not in IMPORT_ROLES:
            problems.append(f"onbekende rol {_short(row.role)!r} (toegestaan: {', '.join(IMPORT_ROLES)})")
        if not row.employer:
            problems.append("werkgever ontbreekt")
        elif employers is not None and row.employer.lower() not in employers:
            problems.append(f"onbekende werkgever {_short(row.employer)!r}")
        if row.role == "employee":
            problems += check_employee_details(row.birth_date, row.mobile)
        problems += check_dossier_details(row)
        if not problems and row.email in seen:
            problems.append(f"dubbel e-mailadres (ook op regel {seen[row.email]})")
        number_key = (row.employer.lower(), row.personnel_number)
        if not problems and row.personnel_number and number_key in numbers:
            problems.append(f"dubbel personeelsnummer {row.personnel_number} (ook op regel {numbers[number_key]})")
        if problems:
            parsed.rejected.append(Rejected(line, _short(row.email), "; ".join(problems)))
            continue
        seen[row.email] = line
        if row.personnel_number:
            numbers[number_key] = line
        parsed.rows.append(row)
    return parsed


def _next_record(reader, line: int) -> list[str] | None:
    """The next record, None at the end, or BadInput naming the physical line (csv's errors, such as a
    field over csv.field_size_limit() = 131,072 characters, would otherwise be a traceback)."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise BadInput(f"regel {line}: een veld is langer dan {csv.field_size_limit():,} tekens; "
                           "controleer of er een aanhalingsteken ontbreekt".replace(",", ".")) from None
        raise BadInput(f"regel {line}: onleesbare CSV ({exc})") from None


def _short(value: str, limit: int = 60) -> str:
    """Long or hostile input is quoted shortened in messages, never printed whole."""
    value = value or ""
    return value if len(value) <= limit else value[:limit] + f"… ({len(value)} tekens)"
