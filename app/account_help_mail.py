"""The e-mail a user gets when someone reset their second factor (app/account_help.py).

It tells them what happened and what to do next, and who to contact if they did not ask for it:
a reset they did not ask for is the one sign that someone talked their way past the identity
check. No names of the helper, no employer, no phone number: the mailbox may be read by others.
"""

from __future__ import annotations

import os
from email.message import EmailMessage

from app import notifications
from app.config import Settings

SUBJECT = "Uw tweede inlogstap is opnieuw ingesteld"


def support_contact() -> tuple[str, str]:
    """The arbodienst's support address and phone: the same variables and defaults as the realm's
    arboSupportEmail / arboSupportPhone in realm-export.json (the sign-in pages show those)."""
    return (os.environ.get("ARBO_SUPPORT_EMAIL") or "support@arbodienst.example",
            os.environ.get("ARBO_SUPPORT_PHONE") or "088 123 45 67")


def second_factor_reset_message(settings: Settings, person: dict) -> EmailMessage:
    values = {"name": person.get("name") or person["email"], "sender": settings.display_name,
              "link": f"{settings.portal_url}/", "support": support_contact()}
    return notifications.portal_message(settings, subject=SUBJECT, to=(person.get("name") or "", person["email"]),
                                        template="second_factor_reset", values=values)


def send_second_factor_reset(settings: Settings, person: dict) -> None:
    """Send the e-mail; raises OSError/smtplib.SMTPException when the mail server refuses."""
    notifications.send(settings, second_factor_reset_message(settings, person))
