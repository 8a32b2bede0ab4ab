"""The new-document mail for employees without an account (issue 12.2).

A mail that links to a document is of no use to someone who cannot sign in: an employee without an
active account (no Keycloak account linked to the dossier, or one whose password was never set
because the welcome mail was not followed yet) gets no mail when a document is added; the document
is marked mail_pending instead. When the employee signs in (the first time: the account is active
then), every pending mail is sent.
"""

from __future__ import annotations

import smtplib

from flask import current_app

from app import notifications
from app.keycloak import accounts as kc_accounts
from app.keycloak import client as kc_client
from app.extensions import db
from app.models import Document, Employee


def has_account(employee: Employee) -> bool:
    """An active account: linked to the dossier and with a password set. An imported employee who has
    not followed the welcome mail yet has an account id but could not follow the document link; when
    Keycloak does not answer, the mail waits too (it goes at the next sign-in)."""
    if not employee.keycloak_user_id:
        return False
    return bool(kc_accounts.has_password(kc_client.portal_admin(), employee.keycloak_user_id))


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
