"""The access log: every read of a dossier, case or document is recorded, and the employee may see
who looked at their data."""

from __future__ import annotations

from app.access import Viewer
from app.extensions import db
from app.models import AccessLog, Employee

DOSSIER, CASE, DOCUMENT_PAGE, DOCUMENT_FILE = "dossier", "case", "document", "document-file"


def record(viewer: Viewer, relation: str, employee: Employee, action: str, object_id: str = "") -> None:
    db.session.add(AccessLog(actor_sub=viewer.sub, actor_name=viewer.name, actor_role=viewer.role_for(relation),
                             employee_id=employee.id, action=action, object_id=object_id))
    db.session.commit()


def entries_for(employee: Employee, limit: int = 200) -> list[AccessLog]:
    query = (db.select(AccessLog).where(AccessLog.employee_id == employee.id)
             .order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit))
    return list(db.session.scalars(query))
