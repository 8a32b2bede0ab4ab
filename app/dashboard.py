"""The landing page and the manager's absence dashboard.

The dashboard is built only from access.case_view(..., MANAGER) dicts, the manager's allow-list,
so no medical field can reach a manager's page or export.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from datetime import date

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for

from app import access, access_log
from app.auth import login_required
from app.extensions import db
from app.models import CaseStatus, Employee, Employer

bp = Blueprint("dashboard", __name__)

MONTHS = 12
CHART = {"width": 640, "height": 220, "left": 40, "bottom": 30, "top": 10}
MONTH_LABELS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
EXPORT_COLUMNS = ("employee_name", "first_sick_day", "expected_recovery", "recovered_on", "status",
                  "days_absent", "work_possible")


@bp.route("/")
def home():
    """Landing page: the dashboard for signed-in users, a sign-in invitation otherwise."""
    if g.user:
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/welcome.html")


@bp.route("/dashboard")
@login_required
def index():
    """Who is signed in, what they can do, and for managers the absence overview of their employer."""
    viewer = access.current_viewer()
    context = {"user": g.user, "viewer": viewer, "has_dossier": access.own_employee(viewer) is not None,
               "invite_endpoint": "invitations.index" if viewer.may_invite and _has_endpoint("invitations.index")
               else None}
    employer = _selected_employer(viewer)
    if employer is not None:
        context |= _overview(employer, viewer)
        access_log.record_overview(viewer, employer, access_log.DASHBOARD)
    return render_template("dashboard/index.html", **context)


@bp.route("/dashboard/export.csv")
@login_required
def export():
    """The filtered list as CSV, with the manager's fields only."""
    viewer = access.current_viewer()
    employer = _selected_employer(viewer)
    if employer is None:
        return render_template("errors/error.html", status=404), 404
    rows = _filtered(_manager_cases(employer), request.args)
    access_log.record_overview(viewer, employer, access_log.DASHBOARD_EXPORT)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(row[column]) for column in EXPORT_COLUMNS])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="verzuim.csv"'})


def _has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def _selected_employer(viewer: access.Viewer) -> Employer | None:
    """The employer the manager acts for (the switcher's choice), if they manage it and it is bound."""
    managed = access.managed_employer_ids(viewer)
    return db.session.get(Employer, managed[0]) if managed else None


@bp.post("/employer")
@login_required
def switch_employer():
    """The employer switcher: act for another employer the user holds a role at; any other id is 404."""
    wanted = (request.form.get("employer") or "").lower()
    viewer = access.current_viewer()
    if wanted not in access.employer_choices(viewer):
        abort(404)
    session[access.SESSION_KEY] = wanted
    current_app.logger.info("user %s now acts for employer %s", viewer.sub, wanted)
    return redirect(url_for("dashboard.index"))


@bp.app_context_processor
def _acting_employer() -> dict:
    """For base.html: which employer the user acts for, and the others they may switch to."""
    user = g.get("user")
    if not user:
        return {}
    viewer = access.current_viewer()
    names = {org_id: details.get("alias", "") for org_id, details in (user.get("employers") or {}).items()}

    def label(org_id):
        employer = access.employer_for_org(org_id)
        return employer.name if employer else names.get(org_id, "")

    choices = [{"id": org_id, "name": label(org_id)} for org_id in access.employer_choices(viewer)]
    acting = next((c for c in choices if c["id"] == viewer.acting_for), None)
    if session.get(access.SESSION_KEY) not in (None, viewer.acting_for):
        session.pop(access.SESSION_KEY)  # no longer one of the user's employers (checked on every request)
    return {"acting_employer": acting, "employer_choices": choices}


def _manager_cases(employer: Employer) -> list[dict]:
    return [access.case_view(case, access.MANAGER) for case in access.employer_cases([employer.id])]


def _filtered(cases: list[dict], args) -> list[dict]:
    query = (args.get("q") or "").strip().lower()
    status = args.get("status") or "absent"
    result = []
    for case in cases:
        if query and query not in case["employee_name"].lower():
            continue
        if status == "absent" and case["status"] not in CaseStatus.ABSENT:
            continue
        if status == "recovered" and case["status"] != CaseStatus.RECOVERED:
            continue
        if args.get("long") == "1" and not case["is_long"]:
            continue
        result.append(case)
    return result


def _overview(employer: Employer, viewer: access.Viewer) -> dict:
    today = date.today()
    cases = _manager_cases(employer)
    headcount = db.session.scalar(db.select(db.func.count(Employee.id)).where(Employee.employer_id == employer.id))
    absent_now = {c["employee_id"] for c in cases if c["status"] in CaseStatus.ABSENT}
    months = absence_by_month(cases, headcount, today)
    year_days = sum(m["absent_days"] for m in months)
    year_capacity = sum(m["capacity"] for m in months)
    return {
        "employer": employer,
        "headcount": headcount,
        "absent_now": len(absent_now),
        "absence_percentage": round(100 * year_days / year_capacity, 1) if year_capacity else 0.0,
        "current_percentage": months[-1]["percentage"] if months else 0.0,
        "long_cases": sum(1 for c in cases if c["is_long"]),
        "cases": _filtered(cases, request.args),
        "filters": {"q": request.args.get("q", ""), "status": request.args.get("status") or "absent",
                    "long": request.args.get("long") == "1"},
        "chart": chart(months),
    }


def absence_by_month(cases: list[dict], headcount: int, today: date, months: int = MONTHS) -> list[dict]:
    """Calendar days of absence per month (a partial return counts as absent) over the last months."""
    result = []
    year, month = today.year, today.month
    spans = [(c["first_sick_day"], c["recovered_on"] or today) for c in cases]
    for offset in range(months - 1, -1, -1):
        y, m = year, month - offset
        while m < 1:
            y, m = y - 1, m + 12
        start = date(y, m, 1)
        end = min(date(y, m, monthrange(y, m)[1]), today)
        days = (end - start).days + 1
        absent = sum(max(0, (min(last, end) - max(first, start)).days + 1) for first, last in spans)
        capacity = headcount * days
        result.append({"label": f"{MONTH_LABELS[m - 1]} {str(y)[2:]}", "absent_days": absent, "capacity": capacity,
                       "percentage": round(100 * absent / capacity, 1) if capacity else 0.0})
    return result


def chart(months: list[dict]) -> dict:
    """Bar geometry for a server-rendered SVG (no JavaScript, no inline styles: the CSP forbids both)."""
    width, height, left, bottom, top = (CHART[k] for k in ("width", "height", "left", "bottom", "top"))
    plot_height = height - bottom - top
    peak = max([m["percentage"] for m in months] + [5.0])
    scale_max = float(int(peak / 5) + 1) * 5 if peak % 5 else peak
    slot = (width - left) / max(1, len(months))
    bars = []
    for i, m in enumerate(months):
        bar_height = plot_height * m["percentage"] / scale_max
        bars.append({"x": round(left + i * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1),
                     "y": round(top + plot_height - bar_height, 1), "height": round(bar_height, 1),
                     "label_x": round(left + i * slot + slot / 2, 1), "label": m["label"],
                     "percentage": m["percentage"]})
    ticks = [{"y": round(top + plot_height - plot_height * v / scale_max, 1), "value": v}
             for v in (0, scale_max / 2, scale_max)]
    return {"width": width, "height": height, "left": left, "baseline": top + plot_height, "bars": bars,
            "ticks": ticks, "label_y": height - 8}


def _csv_safe(value) -> str:
    """No spreadsheet formula injection from free text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
