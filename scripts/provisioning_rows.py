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


def decode(raw: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), else a clear refusal."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"het bestand is geen UTF-8 (byte {exc.start}): sla het op als 'CSV UTF-8'") from exc


def parse_csv(raw: bytes, known_employers: set[str] | None = None) -> Parsed:
    """Rows ready for Keycloak and every rejected row with its reason (per-row validation)."""
    text = decode(raw)
    if not text.strip():
        raise BadInput("het bestand is leeg")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in _next_record(reader, 1)]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise BadInput("verkeerde kolommen: " + "; ".join(filter(None, [
            f"ontbrekend: {', '.join(missing)}" if missing else "",
            f"onbekend: {', '.join(_short(u) for u in unknown)}" if unknown else "",
            "dubbele kolomnamen" if len(set(header)) != len(header) else "",
        ])) + f" (verwacht: {delimiter.join(COLUMNS)})")
    parsed, seen = Parsed(), {}
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
                  birth_date=values["birth_date"], mobile=values["mobile"].replace(" ", ""))
        problems = check_person(row.email, row.first_name, row.last_name)
        if row.role not in IMPORT_ROLES:
            problems.append(f"onbekende rol {_short(row.role)!r} (toegestaan: {', '.join(IMPORT_ROLES)})")
        if not row.employer:
            problems.append("werkgever ontbreekt")
        elif employers is not None and row.employer.lower() not in employers:
            problems.append(f"onbekende werkgever {_short(row.employer)!r}")
        if row.role == "employee":
            problems += check_employee_details(row.birth_date, row.mobile)
        if not problems and row.email in seen:
            problems.append(f"dubbel e-mailadres (ook op regel {seen[row.email]})")
        if problems:
            parsed.rejected.append(Rejected(line, _short(row.email), "; ".join(problems)))
            continue
        seen[row.email] = line
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
