"""Security headers and friendly error pages for every response."""

from flask import Flask, render_template, request

# Pages that show health data must never be kept by a browser or proxy cache.
NO_STORE_PREFIXES = ("/dossier", "/documents", "/dashboard", "/cases", "/staff", "/settings")


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]

    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self' " + settings.keycloak_url + "; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not settings.local_development:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response

    for status in (400, 403, 404, 405, 413, 500, 503):
        app.register_error_handler(status, _error_page(status))


def _error_page(status: int):
    def handler(error):
        return render_template("errors/error.html", status=status), status

    return handler
