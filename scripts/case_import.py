"""The case import (issue 12.2): ziekmeldingen and hersteldmeldingen from an employer's HR system
(CSV), for employers that report in bulk (`python -m scripts.provision cases-import FILE`).

As strict as the HR import (scripts/provisioning_rows.py): UTF-8 (with or without BOM), ',' or ';',
fixed columns, one sentence per bad row with its physical line number, and the same exit codes.
Every row goes through app.case_records (the same checks and history as the case pages). The
whole file is one transaction: a dry run does all of it and rolls back, so it reports exactly what
a real run would do; a real run commits once at the end, so an interrupted run leaves nothing
half-done. Re-running the same file changes nothing (a ziekmelding with the same first sick day,
a hersteldmelding of a case already closed on that date, are "unchanged").

Columns: employee (e-mail address, or the HR personnel number once the portal keeps it), employer
(Keycloak organization id or alias), type (ziekmelding or hersteldmelding), date (yyyy-mm-dd: the
first sick day or the day of recovery), and optionally expected_weeks and work_possible (ziekmelding).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from app import case_records
from app.case_records import Actor, CaseRefused
from app.extensions import db
from app.models import AbsenceCase, Employee, Employer
from scripts.provisioning_rows import BadInput, _next_record, _short, decode, open_table

REQUIRED = ("employee", "employer", "type", "date")
OPTIONAL = ("expected_weeks", "work_possible")
COLUMNS = REQUIRED + OPTIONAL
SICK, RECOVERED = "ziekmelding", "hersteldmelding"
TYPES = (SICK, RECOVERED)


@dataclass
class Outcome:
    line: int
    employee: str
    outcome: str  # opened, closed, unchanged (...), or the reason a row was refused


@dataclass
class Report:
    done: list[Outcome] = field(default_factory=list)
    rejected: list[Outcome] = field(default_factory=list)
    empty_lines: int = 0
    dry_run: bool = False

    @property
    def summary(self) -> dict:
        counts: dict[str, int] = {}
        for row in self.done:
            key = row.outcome.split(" ")[0]
            counts[key] = counts.get(key, 0) + 1
        return {"rows": len(self.done) + len(self.rejected), "empty_lines": self.empty_lines,
                "rejected": len(self.rejected), **counts, "dry_run": self.dry_run}


def _day(value: str, what: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise CaseRefused(f"{what} ontbreekt of is geen jjjj-mm-dd: {_short(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CaseRefused(f"{what} bestaat niet: {value}") from None


def _employer(value: str) -> Employer:
    """By Keycloak organization id, or by alias; never by a name the portal does not bind to."""
    try:
        org_id = str(uuid.UUID(value))
    except ValueError:
        org_id = None
    if org_id:
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == org_id))
    else:
        matches = list(db.session.scalars(db.select(Employer).where(
            Employer.keycloak_org_id.is_not(None), Employer.archived_at.is_(None),
            db.func.lower(Employer.keycloak_org_alias) == value.lower())))
        if len(matches) > 1:
            raise CaseRefused(f"alias {_short(value)!r} hoort bij meer dan één werkgever; gebruik het organisatie-id")
        employer = matches[0] if matches else None
    if employer is None:
        raise CaseRefused(f"onbekende werkgever {_short(value)!r} (organisatie-id of alias)")
    if employer.archived_at is not None:
        raise CaseRefused(f"werkgever {employer.name} is verwijderd en gearchiveerd")
    return employer


def _employee(employer: Employer, value: str) -> Employee:
    if "@" in value:
        condition = db.func.lower(Employee.email) == value.lower()
    elif getattr(Employee, "personnel_number", None) is not None:  # kept by the HR import (issue 12.1)
        condition = Employee.personnel_number == value
    else:
        raise CaseRefused(f"werknemer {_short(value)!r} is geen e-mailadres")
    employee = db.session.scalar(db.select(Employee).where(Employee.employer_id == employer.id, condition))
    if employee is None:
        raise CaseRefused(f"geen werknemer {_short(value)!r} bij {employer.name}; importeer eerst de HR-export")
    return employee


def _weeks(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise CaseRefused(f"verwachte duur is geen aantal weken: {_short(value)}")
    return int(value)


def _apply(values: dict, actor: Actor, today: date) -> str:
    """One row, through app.case_records; returns what happened or raises CaseRefused."""
    kind = values["type"].lower()
    if kind not in TYPES:
        raise CaseRefused(f"onbekend type {_short(values['type'])!r} (toegestaan: {', '.join(TYPES)})")
    if not values["employee"]:
        raise CaseRefused("werknemer ontbreekt")
    if not values["employer"]:
        raise CaseRefused("werkgever ontbreekt")
    employer = _employer(values["employer"])
    employee = _employee(employer, values["employee"])
    day = _day(values["date"], "eerste ziektedag" if kind == SICK else "datum van herstel")
    if kind == SICK:
        weeks = _weeks(values.get("expected_weeks", ""))
        same = db.session.scalar(db.select(AbsenceCase).where(AbsenceCase.employee_id == employee.id,
                                                              AbsenceCase.first_sick_day == day))
        if same is not None:
            return "unchanged (al ziek gemeld op deze dag)"
        case_records.open_case(employee, actor, first_sick_day=day, today=today, commit=False,
                               expected_recovery=case_records.expected_recovery_from_weeks(day, weeks),
                               work_possible=values.get("work_possible", ""))
        return "opened"
    if values.get("expected_weeks") or values.get("work_possible"):
        raise CaseRefused("een hersteldmelding heeft geen verwachte duur of werk dat nog kan")
    case = case_records.current_case(employee)
    if case is None:
        closed = db.session.scalar(db.select(AbsenceCase).where(AbsenceCase.employee_id == employee.id,
                                                                AbsenceCase.recovered_on == day))
        if closed is not None:
            return "unchanged (al hersteld gemeld op deze dag)"
        raise CaseRefused(f"{employee.name} is niet ziek gemeld")
    case_records.close_case(case, actor, recovered_on=day, today=today, commit=False)
    return "closed"


def parse_and_apply(raw: bytes, *, actor: Actor, dry_run: bool = False, today: date | None = None) -> Report:
    """Check every row and apply the good ones in file order (inside an app context). The file as a
    whole (columns, encoding) raises BadInput before anything changes."""
    today = today or date.today()
    reader, header = open_table(raw, REQUIRED, COLUMNS, shown=COLUMNS, note="; de laatste twee mogen ontbreken")
    records = []
    while True:
        line = reader.line_num + 1  # a quoted field may span lines: the record's first physical line
        cells = _next_record(reader, line)
        if cells is None:
            break
        records.append((line, cells))
    report = Report(dry_run=dry_run)
    try:
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                report.empty_lines += 1
                continue
            if len(cells) != len(header):
                report.rejected.append(Outcome(line, "", f"{len(cells)} velden in plaats van {len(header)}"))
                continue
            values = {name: cell.strip() for name, cell in zip(header, cells)}
            try:
                # every refusal comes before the row changes anything (here and in app.case_records),
                # so a refused row leaves nothing behind without a savepoint
                outcome = _apply(values, actor, today)
            except CaseRefused as exc:
                report.rejected.append(Outcome(line, _short(values["employee"]), str(exc).rstrip(".")))
                continue
            db.session.flush()
            report.done.append(Outcome(line, _short(values["employee"]), outcome))
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


@contextlib.contextmanager
def portal_database():
    """The portal's database as the provisioning CLI opens it (scripts.portal_db), with Babel for the
    Dutch refusals of app.case_records."""
    from flask_babel import Babel

    from scripts.portal_db import portal_records

    with portal_records() as app:
        app.config["BABEL_DEFAULT_LOCALE"] = "nl"
        Babel(app)
        yield app


def run(path: str, *, dry_run: bool, as_json: bool, console, errors) -> int:
    """The `cases-import` command: exit 0 all rows done (or unchanged), 1 some rows refused (the rest is
    done) or the portal's database did not answer (nothing done; run again), 2 the file is unusable
    (nothing done)."""
    import json
    import sys
    from dataclasses import asdict
    from pathlib import Path

    from rich.markup import escape
    from rich.table import Table
    from scripts.portal_db import PortalDatabaseError

    file = Path(path)
    if not file.is_file():
        raise BadInput(f"bestand niet gevonden: {file}")
    raw = file.read_bytes()
    decode(raw)  # an encoding problem is bad input before the database is opened
    actor = Actor(sub="import", name=f"import {file.name}"[:200], role="import")
    try:
        with portal_database():
            report = parse_and_apply(raw, actor=actor, dry_run=dry_run)
    except PortalDatabaseError:
        errors.print("fout: de database van het portaal antwoordt niet; er is niets veranderd. Draai de import "
                     "opnieuw zodra de database bereikbaar is (DATABASE_URL).")
        return 1
    if as_json:
        sys.stdout.write(json.dumps({"summary": report.summary, "rejected": [asdict(r) for r in report.rejected],
                                     "done": [asdict(r) for r in report.done]}, indent=2, ensure_ascii=False) + "\n")
    else:
        if report.rejected:
            table = Table("Regel", "Werknemer", "Reden", title="Afgewezen regels (niets mee gedaan)")
            for row in report.rejected:
                table.add_row(str(row.line), escape(row.employee), escape(row.outcome))
            console.print(table)
        console.print("Samenvatting: " + ", ".join(f"{k}={v}" for k, v in report.summary.items()))
    return 1 if report.rejected else 0
