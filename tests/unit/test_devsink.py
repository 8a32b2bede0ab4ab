"""The development mail/SMS sink keeps what it receives and serves it over HTTP."""

import smtplib
from email.message import EmailMessage

import pytest
import requests

from scripts.devsink import DevSink
from tests.support import free_port


@pytest.fixture
def sink():
    sink = DevSink("127.0.0.1", free_port(), free_port())
    sink.start()
    yield sink
    sink.stop()


def base(sink):
    return f"http://127.0.0.1:{sink.http.server_address[1]}"


def send(sink, subject="Wachtwoord wijzigen", to="marco@ek88.nl"):
    message = EmailMessage()
    message["From"] = "Inloggen <inloggen@portaal.example>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Open https://portaal.example/reset?key=a&x=1")
    message.add_alternative('<p><a href="https://portaal.example/reset?key=a&amp;x=1">Stel uw wachtwoord opnieuw in</a></p>', subtype="html")
    with smtplib.SMTP("127.0.0.1", sink.smtp.port) as smtp:
        smtp.send_message(message)


def test_mail_is_listed_and_readable_with_its_links(sink):
    send(sink)
    listing = requests.get(f"{base(sink)}/api/messages", timeout=5).json()
    assert [m["subject"] for m in listing] == ["Wachtwoord wijzigen"]
    message = requests.get(f"{base(sink)}/api/messages/{listing[0]['id']}", timeout=5).json()
    assert message["links"] == ["https://portaal.example/reset?key=a&x=1"]
    assert message["headers"]["From"].startswith("Inloggen")
    page = requests.get(f"{base(sink)}/messages/{listing[0]['id']}", timeout=5).text
    assert 'href="https://portaal.example/reset?key=a&amp;x=1"' in page


def test_html_in_a_subject_is_escaped_in_the_inbox(sink):
    send(sink, subject="<script>alert(1)</script>")
    assert "<script>alert(1)" not in requests.get(base(sink), timeout=5).text


def test_sms_needs_a_bearer_token_and_json(sink):
    url = f"{base(sink)}/api/sms"
    assert requests.post(url, json={"to": "+31612345678", "text": "x"}, timeout=5).status_code == 401
    auth = {"Authorization": "Bearer t"}
    assert requests.post(url, data="nonsense", headers=auth, timeout=5).status_code == 400
    assert requests.post(url, json={"to": "+31612345678", "text": "Uw code is 123456"}, headers=auth, timeout=5).status_code == 201
    assert requests.get(url, timeout=5).json()[0]["text"] == "Uw code is 123456"


def test_delete_empties_the_inbox(sink):
    send(sink)
    requests.delete(f"{base(sink)}/api/messages", timeout=5)
    assert requests.get(f"{base(sink)}/api/messages", timeout=5).json() == []
