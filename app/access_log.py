"""The access log (NEN 7513): every read of personal or health data is recorded, exactly one row per
view, and the employee may see who looked at their data.

A row says who (Keycloak user id, name, role), whose data (employee; NULL for an employer-wide
overview), what (action, object id), when, for which employer, and from where (the client address;
behind a proxy only when TRUSTED_PROXY_COUNT says so). Rows are appended to a hash chain
(app.audit_chain) and cannot be changed.

A row is committed before the page is sent and sealed into the chain by a sealer thread in the same
process about AUDIT_SEAL_SECONDS later (1 s; sealing is serialised in the database, so one sealer per
worker is harmless); whatever a stopped worker left unsealed, the next sealer or `flask audit verify`
seals. In tests (TESTING) there is no thread unless AUDIT_SEAL_SECONDS is set: they seal explicitly.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, time, timezone
from time import sleep

from flask import Flask, current_app, has_request_context, request

from app import audit_chain
from app.access import MANAGER, Viewer
from app.extensions import db
from app.models import AbsenceCase, AccessLog, Employee, Employer

DOSSIER, CASE, DOCUMENT_PAGE, DOCUMENT_FILE = "dossier", "case", "document", "document-file"
DASHBOARD, DASHBOARD_EXPORT = "dashboard", "dashboard-export"
EMPLOYEE_LIST = "employee-list"
EMPLOYER_WIDE = (DASHBOARD, DASHBOARD_EXPORT)


def _client_address() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def _append(**fields) -> None:
    _append_all([fields])


def _append_all(rows: list[dict]) -> None:
    audit_chain.append_all(rows)
    current_app.extensions["access_log_sealer"].wake()


def record(viewer: Viewer, relation: str, employee: Employee, action: str, object_id: str = "") -> None:
    """One read of one employee's data through the viewer's relation to them."""
    _append(actor_sub=viewer.sub, actor_name=viewer.name, actor_role=viewer.role_for(relation),
            employee_id=employee.id, employer_id=employee.employer_id, action=action, object_id=object_id,
            ip=_client_address())


def record_overview(viewer: Viewer, employer: Employer, action: str = DASHBOARD) -> None:
    """One read of an employer's absence overview (the dashboard or its CSV export)."""
    _append(actor_sub=viewer.sub, actor_name=viewer.name, actor_role=viewer.role_for(MANAGER),
            employee_id=None, employer_id=employer.id, action=action, object_id=employer.id, ip=_client_address())


def record_list(viewer: Viewer, relation: str, employees, action: str = EMPLOYEE_LIST) -> None:
    """A list of employees read (app.employees): one row per employee shown, whose data it is, with
    their employer as the object; each employee sees it in their own access log."""
    role, ip = viewer.role_for(relation), _client_address()
    _append_all([dict(actor_sub=viewer.sub, actor_name=viewer.name, actor_role=role, employee_id=employee.id,
                      employer_id=employee.employer_id, action=action, object_id=employee.employer_id, ip=ip)
                 for employee in employees])


def entries_for(employee: Employee, limit: int = 200) -> list[AccessLog]:
    """What the employee sees on "who looked at my dossier": reads of their own data, and, once they
    have an absence case, the views of their employer's absence overview since their first sick day
    (from then on the overview lists them)."""
    condition = AccessLog.employee_id == employee.id
    first_case = db.session.scalar(db.select(db.func.min(AbsenceCase.first_sick_day))
                                   .where(AbsenceCase.employee_id == employee.id))
    if first_case is not None:
        condition = db.or_(condition, db.and_(AccessLog.employee_id.is_(None),
                                              AccessLog.employer_id == employee.employer_id,
                                              AccessLog.action.in_(EMPLOYER_WIDE),
                                              AccessLog.at >= datetime.combine(first_case, time.min, timezone.utc)))
    query = db.select(AccessLog).where(condition).order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)
    return list(db.session.scalars(query))


class Sealer:
    """Seals the rows this process appended, in batches: woken by an append, it waits `interval` (so
    the rows of that second go in one transaction) and seals; idle, it does nothing."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app, self.interval = app, interval
        self.pending = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.lock = threading.Lock()

    def wake(self) -> None:
        if not self.interval:
            return
        if self.pid != os.getpid():  # started lazily, so in each worker after gunicorn's fork
            with self.lock:
                if self.pid != os.getpid():
                    self.pending = threading.Event()
                    self.thread = threading.Thread(target=self._run, name="access-log-sealer", daemon=True)
                    self.thread.start()
                    self.pid = os.getpid()
        self.pending.set()

    def _run(self) -> None:
        with self.app.app_context():
            engine = db.engine
        while True:
            self.pending.wait()
            sleep(self.interval)
            self.pending.clear()
            try:
                audit_chain.seal(engine)
            except Exception:  # the rows are safe; the next round (or `flask audit verify`) seals them
                logging.getLogger(__name__).warning("sealing the access log failed", exc_info=True)
                self.pending.set()


def init_app(app: Flask) -> None:
    app.config.setdefault("AUDIT_RETENTION_DAYS", audit_chain.DEFAULT_RETENTION_DAYS)
    app.config.setdefault("AUDIT_SEAL_SECONDS", 0 if app.testing else 1.0)
    app.extensions["access_log_sealer"] = Sealer(app, float(app.config["AUDIT_SEAL_SECONDS"]))
