"""Every exit code of the provisioning CLI produced by its case, as one sentence: no traceback
(only with --debug), no raw JSON, no HTML. Keycloak is played by small local HTTP servers here;
tests/integration/test_provision_errors.py does the same against the real Keycloak."""

from __future__ import annotations

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.config import ROOT
from scripts import exit_codes, provision
from tests.support import free_port

TOKEN = {"access_token": "x.y.z", "expires_in": 300, "refresh_expires_in": 0, "token_type": "Bearer"}
HTML = "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>nginx</body></html>"


class FakeServer:
    """Answers (status, content type, body) per (method, path regex); the first match wins."""

    def __init__(self, routes):
        routes = [(method, re.compile(pattern), answer) for method, pattern, answer in routes]

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                for method, pattern, (status, kind, body) in routes:
                    if method in (self.command, "*") and pattern.search(self.path):
                        break
                else:
                    status, kind, body = 404, "text/html", HTML
                data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def keycloak_at(monkeypatch):
    servers = []

    def serve(routes):
        server = FakeServer(routes)
        servers.append(server)
        monkeypatch.setenv("KEYCLOAK_PORT", str(server.port))
        return server

    yield serve
    for server in servers:
        server.close()


def _run(argv, capsys) -> tuple[int, str]:
    code = provision.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _one_clean_sentence(output: str) -> None:
    assert "Traceback" not in output
    assert "<html" not in output.lower() and "<!doctype" not in output.lower()
    assert '{"error' not in output and "{'error" not in output and "errorMessage" not in output
    assert output.count("fout:") == 1, output


JSON = "application/json"
TOKEN_ROUTE = ("POST", r"/protocol/openid-connect/token$", (200, JSON, TOKEN))


@pytest.mark.parametrize("case, routes, code, words", [
    ("a web server answering HTML to everything", [("*", ".", (200, "text/html", HTML))],
     exit_codes.EXIT_UNREACHABLE, "geen Keycloak"),
    ("a web server answering 404 HTML", [], exit_codes.EXIT_UNREACHABLE, "geen Keycloak"),
    ("a web server answering 502 HTML", [("*", ".", (502, "text/html", HTML))], exit_codes.EXIT_UNREACHABLE,
     "geen Keycloak"),
    ("wrong client secret", [("POST", "token$", (401, JSON, {"error": "unauthorized_client",
                                                              "error_description": "Invalid client credentials"}))],
     exit_codes.EXIT_REFUSED, "inloggegevens"),
    ("wrong admin password", [("POST", "token$", (401, JSON, {"error": "invalid_grant",
                                                               "error_description": "Invalid user credentials"}))],
     exit_codes.EXIT_REFUSED, "inloggegevens"),
    ("missing permission", [TOKEN_ROUTE, ("GET", "/organizations", (403, JSON, {"error": "HTTP 403 Forbidden"}))],
     exit_codes.EXIT_REFUSED, "mist een recht"),
    ("unknown realm", [("POST", "token$", (404, JSON, {"error": "Realm does not exist"}))],
     exit_codes.EXIT_BAD_INPUT, "kent dit niet"),
    ("Keycloak's internal error", [TOKEN_ROUTE, ("GET", "/organizations", (500, JSON, {"error": "unknown_error"}))],
     exit_codes.EXIT_PARTIAL, "log van Keycloak"),
])
def test_each_keycloak_answer_is_its_code_and_one_sentence(case, routes, code, words, keycloak_at, capsys):
    keycloak_at(routes)
    status, output = _run(["employer", "list"], capsys)
    assert status == code, (case, output)
    assert words in output, (case, output)
    _one_clean_sentence(output)


def test_keycloak_refusing_a_value_is_exit_2_with_its_own_words(keycloak_at, capsys):
    keycloak_at([TOKEN_ROUTE,
                 ("GET", "/organizations", (200, JSON, [])),
                 ("POST", "/organizations", (400, JSON, {"errorMessage": "Invalid domain name", "field": "domains"}))])
    status, output = _run(["employer", "create", "EK88", "--domain", "ek88.nl"], capsys)
    assert status == exit_codes.EXIT_BAD_INPUT, output
    assert "Invalid domain name" in output
    _one_clean_sentence(output)


def test_connection_refused_is_exit_3(monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_PORT", str(free_port()))  # nobody listens there
    status, output = _run(["employer", "list"], capsys)
    assert status == exit_codes.EXIT_UNREACHABLE and "niet bereikbaar" in output
    _one_clean_sentence(output)


def test_no_answer_within_the_timeout_is_exit_3(monkeypatch, capsys):
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("KEYCLOAK_PORT", str(silent.getsockname()[1]))
        status, output = _run(["--timeout", "0.5", "employer", "list"], capsys)
    assert status == exit_codes.EXIT_UNREACHABLE and "niet binnen 0.5 s" in output
    _one_clean_sentence(output)


def test_an_import_with_a_failing_row_is_exit_1_without_raw_answers(keycloak_at, tmp_path, capsys):
    organization = {"id": "0b7e2a4c-58d4-4bd4-9b3a-2d1e3c4f5a6b", "name": "EK88", "alias": "ek88", "domains": []}
    keycloak_at([TOKEN_ROUTE,
                 ("GET", r"/organizations\?", (200, JSON, [organization])),
                 ("GET", "/clients", (200, JSON, [])),
                 ("GET", r"/users\?", (500, JSON, {"error": "unknown_error", "errorMessage": "database down"}))])
    path = tmp_path / "hr.csv"
    path.write_text("email,first_name,last_name,employer,role,birth_date,mobile\n"
                    "a@ek88.nl,Anna,Aa,EK88,employee,1980-01-01,+31612345678\n", encoding="utf-8")
    status, output = _run(["import", str(path)], capsys)
    assert status == exit_codes.EXIT_PARTIAL, output
    assert "Traceback" not in output and '{"error' not in output and "<html" not in output


def test_debug_shows_the_traceback(monkeypatch, capsys):
    monkeypatch.setenv("KEYCLOAK_PORT", str(free_port()))
    status, output = _run(["--debug", "employer", "list"], capsys)
    assert status == exit_codes.EXIT_UNREACHABLE and "Traceback" in output


def test_plain_takes_keycloaks_words_out_of_json_and_drops_html():
    assert exit_codes.plain('invite: Keycloak answered 400: {"errorMessage":"Invalid email"}') == \
        "invite: Keycloak answered 400: Invalid email"
    assert "<" not in exit_codes.plain("members: Keycloak answered 502: <html><body>Bad gateway</body></html>")


# --- one table: README == --help

def _readme_codes() -> list[tuple[int, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("Exit codes of the provisioning CLI", 1)[1]
    return [(int(code), meaning.strip()) for code, meaning in re.findall(r"^\|\s*(\d)\s*\|(.+?)\|\s*$", section,
                                                                         flags=re.M)[:len(exit_codes.CODES)]]


def test_readme_table_is_the_help_table():
    assert _readme_codes() == exit_codes.CODES
    for code, text in exit_codes.CODES:
        assert f"  {code}  {text}" in provision.EXIT_CODES_HELP
