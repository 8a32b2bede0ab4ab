"""Routes for bench/bench_portal.py, registered only when the BENCH setting is on.

- /bench/hello: the baseline the pages are compared with on the same server in the same run;
- /bench/floor: what every signed-in page must do before it has shown anything - read the server-side
  session, find the employer acted for by its organization id (role x employer), write and commit its
  access-log row - and no more (no page, no template). Its rate is the ceiling of any audited page on
  this stack, so the table shows how much of the gap to hello is the page and how much is the floor.
"""

from flask import Blueprint, abort

from app import access, access_log
from app.auth import login_required

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.route("/hello")
def hello():
    return "hello"


@bp.route("/floor")
@login_required
def floor():
    viewer = access.current_viewer()
    employer = access.employer_for_org(viewer.acting_for) if viewer.is_manager else None
    if employer is None:
        abort(404)
    access_log.record_overview(viewer, employer, access_log.DASHBOARD)
    return "floor"
