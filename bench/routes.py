"""A hello-world route for bench/bench_portal.py, registered only when the BENCH setting is on:
the baseline the dashboard and dossier are compared with on the same server in the same run."""

from flask import Blueprint

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.route("/hello")
def hello():
    return "hello"
