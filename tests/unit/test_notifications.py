"""The new-document e-mail: Dutch, a link straight to the document, nothing sensitive."""

import dataclasses
import re

from app.config import load_settings
from app.extensions import db
from app.models import Document
from app.notifications import new_document_message
from tests.support import check_snapshot
from tests.portal_fixtures import MEDICAL_DOCUMENT_TITLE


def test_message_links_to_the_document_and_says_nothing_sensitive(app, world):
    settings = dataclasses.replace(load_settings(), portal_url="https://portaal.example")
    with app.app_context():
        document = db.session.get(Document, world.a1_physician)
        message = new_document_message(settings, document)
        body = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
    assert message["To"].endswith("<a1@example.nl>")
    assert "nieuw document" in message["Subject"]
    links = re.findall(r"https?://\S+", body)
    assert links == [f"https://portaal.example/documents/{world.a1_physician}"]
    for sensitive in (MEDICAL_DOCUMENT_TITLE, "bedrijfsarts", "Werkgever A", "a1_physician.pdf", "diagnose"):
        assert sensitive.lower() not in (body + message["Subject"]).lower()
    assert "mobiele telefoon" in body  # says up front that a phone will not open it
    assert re.findall(r'href="([^"]+)"', html) == links
    assert message["From"] == "Arbodienst Voorbeeld <inloggen@portaal.example>"
    assert message["Reply-To"] == "Niet beantwoorden <noreply@portaal.example>"


def test_new_document_email_snapshot_and_escaping(app, world):
    settings = dataclasses.replace(load_settings(), portal_url="https://portaal.example")
    with app.app_context():
        document = db.session.get(Document, world.a1_physician)
        document.employee.name = "Anna <b>A1</b>"
        message = new_document_message(settings, document)
    parts = {"to": str(message["To"]), "text": message.get_body(("plain",)).get_content(),
             "html": message.get_body(("html",)).get_content()}
    assert "Anna &lt;b&gt;A1&lt;/b&gt;" in parts["html"] and "<b>A1" not in parts["html"]
    check_snapshot("new-document", parts)
