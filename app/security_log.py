"""The portal's security log: one JSON object per line, for a SIEM.

Events: sign-in, sign-out, back-channel logout, session ended by a failed refresh, refused access
(403/404 answers), and whatever other modules report through `event()` (invitations, revocations,
role changes). Every line has the same keys: ts, event, actor, employer, target, ip, outcome (plus
any extra fields a caller adds). Written to stderr and, when SECURITY_LOG_FILE is set, to that file.

Never put personal or health data in an event: ids only.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

LOGGER_NAME = "arbo.security"
KEYS = ("ts", "event", "actor", "employer", "target", "ip", "outcome")
logger = logging.getLogger(LOGGER_NAME)


class JsonLineFormatter(logging.Formatter):
    """The record's `fields` as one JSON line, the fixed keys first."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None) or {"event": record.getMessage()}
        line = {key: fields.get(key) for key in KEYS} | {k: v for k, v in fields.items() if k not in KEYS}
        return json.dumps(line, ensure_ascii=False, default=str, separators=(",", ":"))


def event(name: str, *, outcome: str = "success", **fields) -> dict:
    """Record one security event; actor and ip default to the current request's user and address."""
    if has_request_context():
        user = g.get("user") or {}
        fields.setdefault("actor", user.get("sub"))
        fields.setdefault("ip", request.remote_addr)
    record = dict.fromkeys(KEYS) | {"ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                                    "event": name, "outcome": outcome} | fields
    logger.info(name, extra={"fields": record})
    return record


def _handler_for(stream_or_path) -> logging.Handler:
    handler = (logging.FileHandler(stream_or_path, encoding="utf-8") if isinstance(stream_or_path, str)
               else logging.StreamHandler(stream_or_path))
    handler.setFormatter(JsonLineFormatter())
    handler.set_name(f"{LOGGER_NAME}:{stream_or_path if isinstance(stream_or_path, str) else 'stderr'}")
    return handler


def init_app(app: Flask) -> None:
    """Handlers (once per process and target), the proxy setting, and the refused-access hook."""
    app.config.setdefault("SECURITY_LOG_FILE", "")
    app.config.setdefault("TRUSTED_PROXY_COUNT", 0)  # >0 only behind that many proxies setting X-Forwarded-For
    logger.setLevel(logging.INFO)
    logger.propagate = False
    names = {h.get_name() for h in logger.handlers}
    for target in (sys.stderr, app.config["SECURITY_LOG_FILE"] or None):
        if target is not None:
            handler = _handler_for(target)
            if handler.get_name() not in names:
                logger.addHandler(handler)
            else:
                handler.close()

    proxies = int(app.config["TRUSTED_PROXY_COUNT"] or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def log_refused_access(response):
        # a refusal answers 404 like a nonexistent id; both are logged, with the path that was asked for
        if response.status_code in (403, 404) and request.endpoint != "static":
            event("access.refused", outcome="refused", target=request.path, status=response.status_code)
        return response
