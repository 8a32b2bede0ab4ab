"""The occupational-health data the app keeps (Keycloak keeps identities, passwords and 2FA).

Every row that appears in a URL has a random UUID as its id, so ids cannot be guessed or counted.
Medical fields (diagnosis, cause, medical notes) live on the case but are only ever read through
app.access, which builds each role's view from an explicit allow-list.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Employer(db.Model):
    """A client company of the arbodienst; one Keycloak organization, matched by its id only.

    keycloak_org_id is the only key the portal matches on (unique; a recreated organization with the
    same name has a new id and sees nothing of its predecessor). A row without it matches nobody
    until bound (`flask bind-employer`). The alias is for display only."""

    __tablename__ = "employer"
    __table_args__ = (CheckConstraint("keycloak_org_id IS NULL OR length(keycloak_org_id) = 36",
                                      name="ck_employer_keycloak_org_id_is_an_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    keycloak_org_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    keycloak_org_alias: Mapped[str | None] = mapped_column(String(200))  # display only, never matched
    # set when the employer is removed (`provision employer delete`): its dossiers stay for the legal
    # retention time (app.employer_records), nothing is deleted
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # raised on every write to this employer's employees or cases (app/data_version.py): the key of
    # the dashboard's cached aggregates, read fresh from the database on every request
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # contractual working days per week are the same for everyone here; used for the absence percentage
    employees: Mapped[list["Employee"]] = relationship(back_populates="employer", order_by="Employee.name")


class Employee(db.Model):
    """A worker of an employer, linked to their Keycloak user by the user id (`sub`)."""

    __tablename__ = "employee"
    __table_args__ = (Index("ix_employee_employer_name", "employer_id", "name"),  # migration 0004: list by name
                      # migration 0008: the employee list sorted by department or start date
                      Index("ix_employee_employer_department", "employer_id", "department", "name"),
                      Index("ix_employee_employer_start_date", "employer_id", "start_date", "name"),
                      # migration 0006: the HR system's own key, within one employer
                      UniqueConstraint("employer_id", "personnel_number", name="uq_employee_employer_personnel_number"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    keycloak_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    birth_date: Mapped[date | None] = mapped_column(Date)
    mobile: Mapped[str | None] = mapped_column(String(32))
    # from the HR import (migration 0006); a leaver is marked with left_on, never deleted
    personnel_number: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    employer: Mapped[Employer] = relationship(back_populates="employees")
    cases: Mapped[list["AbsenceCase"]] = relationship(back_populates="employee",
                                                      order_by="AbsenceCase.first_sick_day.desc()")
    documents: Mapped[list["Document"]] = relationship(back_populates="employee",
                                                       order_by="Document.created_at.desc()")


class CaseStatus:
    OPEN = "open"            # absent, fully
    PARTIAL = "partial"      # partly back at work
    RECOVERED = "recovered"  # closed: back at work
    ALL = (OPEN, PARTIAL, RECOVERED)
    ABSENT = (OPEN, PARTIAL)


class AbsenceCase(db.Model):
    """One period of sickness absence of an employee."""

    __tablename__ = "absence_case"
    # migration 0004: the dashboard's aggregates and "absent now" list (status, first sick day per employee)
    __table_args__ = (Index("ix_absence_case_employee_status_day", "employee_id", "status", "first_sick_day"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employee.id"), index=True)
    first_sick_day: Mapped[date] = mapped_column(Date)
    expected_recovery: Mapped[date | None] = mapped_column(Date)
    recovered_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN)
    work_possible: Mapped[str] = mapped_column(Text, default="")  # adjustment advice: the employer may know
    # physician-only: Dutch privacy rules forbid the employer to record these, even with consent
    diagnosis: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    medical_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    employee: Mapped[Employee] = relationship(back_populates="cases")
    changes: Mapped[list["CaseChange"]] = relationship(back_populates="case", order_by="CaseChange.id.desc()")

    def last_day(self, today: date) -> date:
        """The last day of absence so far (today while still absent)."""
        return self.recovered_on or today

    def expected_weeks(self) -> int | None:
        if not self.expected_recovery:
            return None
        return max(0, (self.expected_recovery - self.first_sick_day).days + 6) // 7


class CaseChange(db.Model):
    """One change to an absence case (opened, updated, medical fields, closed): who, when, which
    fields from what to what. Written only by app.case_records, never changed afterwards (migration
    0005). Medical values are kept here too, and shown to the physician only (app.case_records)."""

    __tablename__ = "case_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("absence_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_sub: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))      # opened, updated, medical, closed
    changes: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[field, old, new], ...]

    case: Mapped[AbsenceCase] = relationship(back_populates="changes")


class DocumentKind:
    INVITATION = "invitation"  # invitation for the company doctor
    ABSENCE = "absence"        # a document about the absence
    COACHING = "coaching"      # coaching plan
    ALL = (INVITATION, ABSENCE, COACHING)


class Audience:
    """Who may open a document, besides the arbodienst's physicians and staff (who see all)."""

    EMPLOYEE = "employee"    # the employee only
    EMPLOYER = "employer"    # the employee and the employer's managers (no medical content!)
    PHYSICIAN = "physician"  # physician-only: professionals of the arbodienst only
    ALL = (EMPLOYEE, EMPLOYER, PHYSICIAN)


class Document(db.Model):
    """A file for an employee, stored on disk under the instance folder."""

    __tablename__ = "document"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(16), default=Audience.EMPLOYEE)
    filename: Mapped[str] = mapped_column(String(255))      # the name shown on download
    stored_name: Mapped[str] = mapped_column(String(64))    # random name on disk, never user input
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    # the new-document mail waits here for an employee without an account (sent at activation; 0005)
    mail_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    employee: Mapped[Employee] = relationship(back_populates="documents")


class ProfessionalAssignment(db.Model):
    """Which employers a physician or staff member of the arbodienst serves."""

    __tablename__ = "professional_assignment"
    __table_args__ = (UniqueConstraint("keycloak_user_id", "employer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    keycloak_user_id: Mapped[str] = mapped_column(String(64), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employer.id"))


class AccessLog(db.Model):
    """Every read of personal or health data (NEN 7513): who, in which role, whose data, what, when,
    for which employer, from where. Append-only (database triggers refuse UPDATE and DELETE; see
    app.audit_chain) and hash-chained: row_hash = sha256(previous row_hash + canonical row).

    employee_id is NULL for an employer-wide read (the absence overview and its CSV export)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_sub: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    employee_id: Mapped[str | None] = mapped_column(ForeignKey("employee.id"), index=True, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(36), default="")
    employer_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class AccessLogChain(db.Model):
    """The one row (id 1) that serialises appends to the access log and remembers the chain's ends:
    the last row appended and the purge checkpoint (the hash of the last row deleted by a purge,
    where verification starts)."""

    __tablename__ = "access_log_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_row_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    checkpoint_row_id: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_hash: Mapped[str] = mapped_column(String(64), default="")
    checkpoint_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
