"""Working an absence case: open (ziekmelding), update, record medical fields, close (hersteldmelding).

The one place that changes an AbsenceCase: the case pages, the managers' reports, the CSV import
and the demo data all come here, so every change is checked the same way and kept as history
(CaseChange: who, when, which fields old -> new). Access (who may act on which employee) is
checked by the callers through app.access; the rules that depend on the actor's role are here:
only a physician records diagnosis, cause and medical notes, and only a physician sees their
values in the history.

Errors are CaseRefused with one Dutch sentence for the person who acted. Nothing is half-written:
each function validates everything before it changes the case and commits once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.access import MEDICAL_FIELDS
from app.extensions import db
from app.models import AbsenceCase, CaseChange, CaseStatus, Employee

OPENED, UPDATED, MEDICAL, CLOSED = "opened", "updated", "medical", "closed"
PHYSICIAN = "physician"
MAX_TEXT = 4000
MAX_WEEKS = 104  # two years: the longest sickness the Dutch employer pays for (Wet verbetering poortwachter)
# how far back a first sick day may lie: a report or import of an old period stays possible
EARLIEST = timedelta(days=3 * 365)


class CaseRefused(ValueError):
    """The change is not made; the message (Dutch, one sentence) says why."""


@dataclass(frozen=True)
class Actor:
    """Who changes a case, as written in its history: Keycloak user id, name, role (physician, staff,
    manager, superuser, import, demo)."""

    sub: str
    name: str
    role: str

    @property
    def is_physician(self) -> bool:
        return self.role == PHYSICIAN


def _text(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise CaseRefused(_("%(what)s is langer dan %(n)s tekens.", what=what, n=MAX_TEXT))
    return value


def _check_first_day(day: date, today: date) -> None:
    if day > today:
        raise CaseRefused(_("De eerste ziektedag ligt in de toekomst."))
    if day < today - EARLIEST:
        raise CaseRefused(_("De eerste ziektedag ligt meer dan drie jaar terug."))


def expected_recovery_from_weeks(first_sick_day: date, weeks: int | None) -> date | None:
    """The expected recovery date for an expected duration in weeks (None: not known)."""
    if weeks is None:
        return None
    if not 0 < weeks <= MAX_WEEKS:
        raise CaseRefused(_("De verwachte duur is een aantal weken van 1 tot en met %(n)s.", n=MAX_WEEKS))
    return first_sick_day + timedelta(weeks=weeks)


def _record(case: AbsenceCase, actor: Actor, action: str, changes: list[tuple[str, object, object]]) -> None:
    def plain(value):
        return value.isoformat() if isinstance(value, date) else value

    db.session.add(CaseChange(case=case, actor_sub=actor.sub, actor_name=actor.name[:200], actor_role=actor.role,
                              action=action, changes=json.dumps([[f, plain(o), plain(n)] for f, o, n in changes])))


def _apply(case: AbsenceCase, wanted: dict) -> list[tuple[str, object, object]]:
    changes = [(field, getattr(case, field), value) for field, value in wanted.items() if getattr(case, field) != value]
    for field, _old, value in changes:
        setattr(case, field, value)
    return changes


def open_case(employee: Employee, actor: Actor, *, first_sick_day: date, expected_recovery: date | None = None,
              work_possible: str = "", today: date | None = None, commit: bool = True) -> AbsenceCase:
    """A ziekmelding: a new open case. Refused while the employee has an open case already."""
    today = today or date.today()
    _check_first_day(first_sick_day, today)
    work_possible = _text(work_possible, _("Wat nog wel kan"))
    if expected_recovery is not None and expected_recovery < first_sick_day:
        raise CaseRefused(_("Het verwachte herstel ligt voor de eerste ziektedag."))
    if current_case(employee) is not None:
        raise CaseRefused(_("Deze werknemer is al ziek gemeld; werk die verzuimmelding bij of sluit haar eerst af."))
    case = AbsenceCase(employee_id=employee.id, employee=employee, status=CaseStatus.OPEN, diagnosis="", cause="",
                       medical_notes="")
    changes = _apply(case, {"first_sick_day": first_sick_day, "expected_recovery": expected_recovery,
                            "work_possible": work_possible})
    db.session.add(case)
    _record(case, actor, OPENED, changes)
    if commit:
        db.session.commit()
    return case


def update_case(case: AbsenceCase, actor: Actor, *, status: str | None = None, expected_recovery: date | None = None,
                work_possible: str | None = None, commit: bool = True) -> list[tuple[str, object, object]]:
    """Progress of an open case: partly back at work or not, expected recovery, what work is possible.
    Returns the changes (empty: nothing changed and nothing is written)."""
    if case.status == CaseStatus.RECOVERED:
        raise CaseRefused(_("Deze verzuimmelding is afgesloten met een hersteldmelding."))
    wanted: dict = {}
    if status is not None:
        if status not in CaseStatus.ABSENT:
            raise CaseRefused(_("Kies helemaal of gedeeltelijk afwezig; herstel meldt u met een hersteldmelding."))
        wanted["status"] = status
    if expected_recovery is not None:
        if expected_recovery < case.first_sick_day:
            raise CaseRefused(_("Het verwachte herstel ligt voor de eerste ziektedag."))
        wanted["expected_recovery"] = expected_recovery
    if work_possible is not None:
        wanted["work_possible"] = _text(work_possible, _("Wat nog wel kan"))
    changes = _apply(case, wanted)
    if changes:
        _record(case, actor, UPDATED, changes)
        if commit:
            db.session.commit()
    return changes


def record_medical(case: AbsenceCase, actor: Actor, *, diagnosis: str, cause: str, medical_notes: str,
                   commit: bool = True) -> list[tuple[str, object, object]]:
    """Diagnosis, cause and medical notes: the physician only (Dutch privacy law; also for staff)."""
    if not actor.is_physician:
        raise CaseRefused(_("Alleen de bedrijfsarts legt medische gegevens vast."))
    changes = _apply(case, {"diagnosis": _text(diagnosis, _("De diagnose")), "cause": _text(cause, _("De oorzaak")),
                            "medical_notes": _text(medical_notes, _("De medische aantekeningen"))})
    if changes:
        _record(case, actor, MEDICAL, changes)
        if commit:
            db.session.commit()
    return changes


def close_case(case: AbsenceCase, actor: Actor, *, recovered_on: date, today: date | None = None,
               commit: bool = True) -> list[tuple[str, object, object]]:
    """A hersteldmelding: the employee is fully back at work from this date."""
    today = today or date.today()
    if case.status == CaseStatus.RECOVERED:
        raise CaseRefused(_("Deze verzuimmelding is al afgesloten met een hersteldmelding."))
    if recovered_on < case.first_sick_day:
        raise CaseRefused(_("De datum van herstel ligt voor de eerste ziektedag."))
    if recovered_on > today + timedelta(days=1):
        raise CaseRefused(_("De datum van herstel ligt verder dan morgen in de toekomst."))
    changes = _apply(case, {"status": CaseStatus.RECOVERED, "recovered_on": recovered_on})
    _record(case, actor, CLOSED, changes)
    if commit:
        db.session.commit()
    return changes


def current_case(employee: Employee) -> AbsenceCase | None:
    """The employee's open (or partly open) case, if any."""
    return db.session.scalar(db.select(AbsenceCase).where(AbsenceCase.employee_id == employee.id,
                                                          AbsenceCase.status.in_(CaseStatus.ABSENT)))


# --- history as each reader may see it ---------------------------------------------------------------

FIELD_LABELS = {
    "first_sick_day": _l("Eerste ziektedag"), "expected_recovery": _l("Verwacht herstel"),
    "work_possible": _l("Wat nog wel kan"), "status": _l("Status"), "recovered_on": _l("Hersteld op"),
    "diagnosis": _l("Diagnose"), "cause": _l("Oorzaak"), "medical_notes": _l("Medische aantekeningen"),
}
ACTION_LABELS = {OPENED: _l("Ziekmelding"), UPDATED: _l("Bijgewerkt"), MEDICAL: _l("Medische gegevens"),
                 CLOSED: _l("Hersteldmelding")}


def history_view(case: AbsenceCase, physician: bool) -> list[dict]:
    """The case's history, newest first. Values of medical fields go to a physician only; anyone else
    reads "medische gegevens bijgewerkt" (the entry, never its values)."""
    entries = []
    for change in case.changes:
        fields = []
        medical_hidden = False
        for field, old, new in json.loads(change.changes):
            if field in MEDICAL_FIELDS and not physician:
                medical_hidden = True
                continue
            fields.append({"field": field, "label": FIELD_LABELS.get(field, field), "old": _plain(field, old),
                           "new": _plain(field, new)})
        entries.append({"at": change.at, "actor_name": change.actor_name, "actor_role": change.actor_role,
                        "action": change.action, "action_label": ACTION_LABELS.get(change.action, change.action),
                        "fields": fields, "medical_hidden": medical_hidden})
    return entries


def _plain(field: str, value):
    if value and field in ("first_sick_day", "expected_recovery", "recovered_on"):
        return date.fromisoformat(value)
    return value
