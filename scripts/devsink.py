"""Development mail and SMS sink: keeps every message so that tests and a person can read them.

SMTP on 127.0.0.1:1025 (aiosmtpd) and HTTP on 127.0.0.1:8025:
  /                      the inbox, newest first; /messages/<id> one message (links clickable)
  /sms                   the SMS outbox
  GET /api/messages      [{id, from, to, subject, date}]   DELETE /api/messages
  GET /api/messages/<id> {id, from, to, subject, date, headers, text, html, links}
  POST /api/sms          {"to": "+316...", "text": "..."} (Bearer token)   GET/DELETE /api/sms
Nothing is ever delivered anywhere. In docker-compose, Mailpit takes the mail part of this role.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import signal
import sys
import threading
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from aiosmtpd.controller import Controller

LINK_PATTERN = re.compile(r"""https?://[^\s"'<>]+""")


class Store:
    """Thread-safe in-memory store of mails and text messages, newest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.mails: list[dict] = []
        self.sms: list[dict] = []

    def add_mail(self, raw: bytes, envelope_to: list[str]) -> dict:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        text_part = message.get_body(preferencelist=("plain",))
        html_part = message.get_body(preferencelist=("html",))
        text = text_part.get_content() if text_part else ""
        body_html = html_part.get_content() if html_part else ""
        links = list(dict.fromkeys(html.unescape(link) for link in LINK_PATTERN.findall(body_html + "\n" + text)))
        with self._lock:
            entry = {
                "id": str(next(self._ids)),
                "from": str(message.get("From", "")),
                "to": str(message.get("To", "")) or ", ".join(envelope_to),
                "subject": str(message.get("Subject", "")),
                "date": _now(),
                "headers": {key: str(value) for key, value in message.items()},
                "text": text,
                "html": body_html,
                "links": links,
            }
            self.mails.insert(0, entry)
        return entry

    def add_sms(self, to: str, text: str) -> dict:
        with self._lock:
            entry = {"id": str(next(self._ids)), "to": to, "text": text, "date": _now()}
            self.sms.insert(0, entry)
        return entry

    def find_mail(self, message_id: str) -> dict | None:
        with self._lock:
            return next((m for m in self.mails if m["id"] == message_id), None)

    def clear(self, kind: str) -> None:
        with self._lock:
            getattr(self, kind).clear()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SmtpHandler:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.store.add_mail(envelope.original_content or envelope.content, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def make_http_handler(store: Store):
    class Handler(BaseHTTPRequestHandler):
        server_version = "devsink/1"

        def log_message(self, fmt, *args):  # quiet: tests poll this a lot
            pass

        def _send(self, status: int, body: str | bytes, content_type: str = "application/json") -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False))

        def do_GET(self):  # noqa: N802
            path = urlparse(self.path).path.rstrip("/") or "/"
            if path == "/api/messages":
                return self._json(200, [{k: m[k] for k in ("id", "from", "to", "subject", "date")} for m in store.mails])
            if path.startswith("/api/messages/"):
                mail = store.find_mail(path.rsplit("/", 1)[1])
                return self._json(200, mail) if mail else self._json(404, {"error": "no such message"})
            if path == "/api/sms":
                return self._json(200, store.sms)
            if path == "/":
                return self._send(200, render_inbox(store.mails), "text/html")
            if path == "/sms":
                return self._send(200, render_sms(store.sms), "text/html")
            if path.startswith("/messages/"):
                mail = store.find_mail(path.rsplit("/", 1)[1])
                return self._send(200, render_mail(mail), "text/html") if mail else self._send(404, "Not found", "text/plain")
            return self._json(404, {"error": "not found"})

        def do_DELETE(self):  # noqa: N802
            path = urlparse(self.path).path.rstrip("/")
            kinds = {"/api/messages": "mails", "/api/sms": "sms"}
            if path not in kinds:
                return self._json(404, {"error": "not found"})
            store.clear(kinds[path])
            return self._json(200, {"deleted": True})

        def do_POST(self):  # noqa: N802
            if urlparse(self.path).path.rstrip("/") != "/api/sms":
                return self._json(404, {"error": "not found"})
            if not self.headers.get("Authorization", "").startswith("Bearer "):
                return self._json(401, {"error": "a Bearer token is required"})
            try:
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                to, text = str(payload["to"]), str(payload["text"])
            except (ValueError, KeyError, TypeError):
                return self._json(400, {"error": 'expected JSON {"to": "...", "text": "..."}'})
            return self._json(201, store.add_sms(to, text))

    return Handler


_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}td,th{{padding:.3rem .6rem;text-align:left}}
tr:nth-child(even){{background:#f3f3f3}}pre{{white-space:pre-wrap}}iframe{{width:100%;height:32rem;border:1px solid #ccc}}</style>
</head><body><p><a href="/">E-mail</a> · <a href="/sms">SMS</a> — development sink, nothing is delivered</p>{body}</body></html>"""


def render_inbox(mails: list[dict]) -> str:
    rows = "".join(
        f'<tr><td>{html.escape(m["date"])}</td><td>{html.escape(m["to"])}</td>'
        f'<td><a href="/messages/{m["id"]}">{html.escape(m["subject"]) or "(geen onderwerp)"}</a></td></tr>'
        for m in mails
    )
    return _PAGE.format(title="E-mail", body=f"<h1>E-mail ({len(mails)})</h1><table><tr><th>Datum</th><th>Aan</th><th>Onderwerp</th></tr>{rows}</table>")


def render_mail(mail: dict) -> str:
    headers = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in mail["headers"].items())
    links = "".join(f'<li><a href="{html.escape(link)}">{html.escape(link)}</a></li>' for link in mail["links"])
    # the HTML body is shown in a sandboxed frame so a message cannot script the sink
    frame = f'<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="{html.escape(mail["html"])}"></iframe>' if mail["html"] else ""
    body = (f"<h1>{html.escape(mail['subject'])}</h1><table>{headers}</table><h2>Links</h2><ul>{links}</ul>"
            f"{frame}<h2>Tekst</h2><pre>{html.escape(mail['text'])}</pre>")
    return _PAGE.format(title=html.escape(mail["subject"]), body=body)


def render_sms(messages: list[dict]) -> str:
    rows = "".join(f"<tr><td>{html.escape(s['date'])}</td><td>{html.escape(s['to'])}</td><td>{html.escape(s['text'])}</td></tr>" for s in messages)
    return _PAGE.format(title="SMS", body=f"<h1>SMS ({len(messages)})</h1><table><tr><th>Datum</th><th>Aan</th><th>Tekst</th></tr>{rows}</table>")


class DevSink:
    """SMTP and HTTP servers around one store; start() returns once both listen."""

    def __init__(self, host: str = "127.0.0.1", smtp_port: int = 1025, http_port: int = 8025) -> None:
        self.store = Store()
        self.smtp = Controller(SmtpHandler(self.store), hostname=host, port=smtp_port)
        self.http = ThreadingHTTPServer((host, http_port), make_http_handler(self.store))
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def start(self) -> None:
        self.smtp.start()
        self._thread.start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.smtp.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args(argv)
    try:
        sink = DevSink(args.host, args.smtp_port, args.http_port)
        sink.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host} ({exc.strerror}); is another sink running? Set SMTP_PORT / MAIL_SINK_HTTP_PORT.", file=sys.stderr)
        return 1
    print(f"Mail/SMS sink: SMTP {args.host}:{args.smtp_port}, inbox http://{args.host}:{args.http_port}/", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
