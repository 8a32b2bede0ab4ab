"""Employer.data_version: raised in the same transaction as every ORM write to an employer's
employees or absence cases, so anything computed from that data (the dashboard's aggregates) can be
cached under (employer id, data_version) and is never stale: the employer row is read on every
request, and a write in any worker or process changes the version there.

Writes that bypass the ORM unit of work (bulk INSERT/UPDATE statements) call `bump` themselves
(scripts.demo_data.bulk_employer does).
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AbsenceCase, Employee, Employer


def bump(connection_or_session, employer_ids) -> None:
    ids = sorted({i for i in employer_ids if i})
    if ids:
        connection_or_session.execute(db.update(Employer.__table__).where(Employer.__table__.c.id.in_(ids))
                                      .values(data_version=Employer.__table__.c.data_version + 1))


def _touched_employers(session: Session) -> set[str]:
    employer_ids, employee_ids = set(), set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Employee):
            employer_ids.add(instance.employer_id)
            history = db.inspect(instance).attrs.employer_id.history  # moved to another employer: both change
            employer_ids.update(i for i in (history.deleted or ()) if i)
        elif isinstance(instance, AbsenceCase):
            employee_ids.add(instance.employee_id)
    if employee_ids:
        table = Employee.__table__
        employer_ids.update(session.connection().scalars(
            select(table.c.employer_id).where(table.c.id.in_(sorted(i for i in employee_ids if i)))))
    return employer_ids


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, flush_context) -> None:
    if any(isinstance(i, (Employee, AbsenceCase)) for i in (*session.new, *session.dirty, *session.deleted)):
        bump(session.connection(), _touched_employers(session))
