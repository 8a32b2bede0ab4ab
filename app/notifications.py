"""E-mail to an employee that a new document is waiting (Dutch, over SMTP from the settings).

The e-mail says only that there is a new document and links straight to it: the link holds the
document's random id and nothing else, and neither the link nor the text names the kind of
document, the employer or anything about health. After sign-in the app lands on that document
(auth keeps `next` through the sign-in).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import render_template

from app.config import Settings
from app.models import Document

SUBJECT = "Er staat een nieuw document voor u klaar"

def document_link(settings: Settings, document: Document) -> str:
    return f"{settings.portal_url}/documents/{document.id}"


def portal_message(settings: Settings, *, subject: str, to: tuple[str, str], template: str, values: dict) -> EmailMessage:
    """One of the portal's own e-mails: the settings' sender and reply-to, a text part and an HTML
    part from templates/email/<template>.txt|.html. Used by every portal mail (app.account_help_mail too)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((settings.mail_from_name, settings.mail_from))
    message["Reply-To"] = formataddr((settings.mail_reply_to_name, settings.mail_reply_to))
    message["To"] = formataddr(to)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    # Jinja escapes the HTML part (a name may contain markup); the text part is plain text
    message.set_content(render_template(f"email/{template}.txt", **values))
    message.add_alternative(render_template(f"email/{template}.html", **values), subtype="html")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Send the e-mail; raises OSError/smtplib.SMTPException when the mail server refuses."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def new_document_message(settings: Settings, document: Document) -> EmailMessage:
    employee = document.employee
    values = {"name": employee.name, "sender": settings.display_name, "link": document_link(settings, document)}
    return portal_message(settings, subject=SUBJECT, to=(employee.name, employee.email), template="new_document",
                          values=values)


def send_new_document(settings: Settings, document: Document) -> None:
    """Send the e-mail; raises OSError/smtplib.SMTPException when the mail server refuses."""
    send(settings, new_document_message(settings, document))
