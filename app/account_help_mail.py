"""The e-mail a user gets when someone reset their second factor (app/account_help.py).

It tells them what happened and what to do next, and who to contact if they did not ask for it:
a reset they did not ask for is the one sign that someone talked their way past the identity
check. No names of the helper, no employer, no phone number: the mailbox may be read by others.
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import render_template

from app.config import Settings

SUBJECT = "Uw tweede inlogstap is opnieuw ingesteld"


def support_contact() -> tuple[str, str]:
    """The arbodienst's support address and phone: the same variables and defaults as the realm's
    arboSupportEmail / arboSupportPhone in realm-export.json (the sign-in pages show those)."""
    return (os.environ.get("ARBO_SUPPORT_EMAIL") or "support@arbodienst.example",
            os.environ.get("ARBO_SUPPORT_PHONE") or "088 123 45 67")


def second_factor_reset_message(settings: Settings, person: dict) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = formataddr((settings.mail_from_name, settings.mail_from))
    message["Reply-To"] = formataddr((settings.mail_reply_to_name, settings.mail_reply_to))
    message["To"] = formataddr((person.get("name") or "", person["email"]))
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    values = {"name": person.get("name") or person["email"], "sender": settings.display_name,
              "link": f"{settings.portal_url}/", "support": support_contact()}
    # Jinja escapes the HTML part (a name may contain markup); the text part is plain text
    message.set_content(render_template("email/second_factor_reset.txt", **values))
    message.add_alternative(render_template("email/second_factor_reset.html", **values), subtype="html")
    return message


def send_second_factor_reset(settings: Settings, person: dict) -> None:
    """Send the e-mail; raises OSError/smtplib.SMTPException when the mail server refuses."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(second_factor_reset_message(settings, person))
