"""The new-document e-mail: Dutch, a link straight to the document, nothing sensitive."""

import dataclasses
import re

from app.config import load_settings
from app.extensions import db
from app.models import Document
from app.notifications import new_document_message
from tests.portal_fixtures import MEDICAL_DOCUMENT_TITLE, app, world  # noqa: F401


def test_message_links_to_the_document_and_says_nothing_sensitive(app, world):
    settings = dataclasses.replace(load_settings(), portal_url="https://portaal.example")
    with app.app_context():
        document = db.session.get(Document, world.a1_physician)
        message = new_document_message(settings, document)
        body = message.get_content()
    assert message["To"].endswith("<a1@example.nl>")
    assert "nieuw document" in message["Subject"]
    links = re.findall(r"https?://\S+", body)
    assert links == [f"https://portaal.example/documents/{world.a1_physician}"]
    for sensitive in (MEDICAL_DOCUMENT_TITLE, "bedrijfsarts", "Werkgever A", "a1_physician.pdf", "diagnose"):
        assert sensitive.lower() not in (body + message["Subject"]).lower()
    assert "mobiele telefoon" in body  # says up front that a phone will not open it
