"""The signed-in landing page: who is signed in, with which roles."""

from flask import Blueprint, g, redirect, render_template, url_for

from app.auth import login_required

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    """Landing page: the dashboard for signed-in users, a sign-in invitation otherwise."""
    if g.user:
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/welcome.html")


@bp.route("/dashboard")
@login_required
def index():
    """The dashboard of the signed-in user."""
    return render_template("dashboard/index.html", user=g.user)
