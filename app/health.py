"""Health endpoint for process managers and load balancers."""

from flask import Blueprint
from sqlalchemy import text

from app.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Report whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return {"status": "unhealthy", "database": "unreachable"}, 503
    return {"status": "ok"}
