"""The new-document mail for employees without an account (issue 12.2).

A mail that links to a document is of no use to someone who cannot sign in: an employee whose
dossier has no Keycloak account yet (imported without one, or a dossier made before the account)
gets no mail when a document is added; the document is marked mail_pending instead. When the
employee signs in for the first time (the account is active then), every pending mail is sent.
"""

from __future__ import annotations

import smtplib

from flask import current_app

from app import notifications
from app.extensions import db
from app.models import Document, Employee


def has_account(employee: Employee) -> bool:
    return bool(employee.keycloak_user_id)


def mark_pending(document: Document) -> None:
    document.mail_pending = True
    db.session.commit()


def send_pending(keycloak_user_id: str) -> int:
    """Send the waiting new-document mails of the employee with this account; returns how many went.
    A mail server that refuses leaves them pending for the next sign-in."""
    documents = list(db.session.scalars(
        db.select(Document).join(Employee).where(Employee.keycloak_user_id == keycloak_user_id,
                                                 Document.mail_pending.is_(True))
        .order_by(Document.created_at)))
    sent = 0
    for document in documents:
        try:
            notifications.send_new_document(current_app.config["SETTINGS"], document)
        except (OSError, smtplib.SMTPException):
            current_app.logger.warning("pending new-document e-mail for %s not sent", document.id, exc_info=True)
            break
        document.mail_pending = False
        db.session.commit()
        sent += 1
    return sent
