"""The landing page and the manager's absence dashboard.

The dashboard is built only from access.case_view(..., MANAGER) dicts, the manager's allow-list,
so no medical field can reach a manager's page or export.
"""

from __future__ import annotations

import csv
import io
import functools
import threading
from collections import OrderedDict
from calendar import monthrange
from datetime import date, timedelta

from flask import (Blueprint, Response, abort, current_app, g, redirect, render_template, request, session,
                   stream_with_context, url_for)
from markupsafe import Markup
from sqlalchemy.orm import contains_eager

from app import access, access_log, i18n
from app.auth import login_required
from app.extensions import db
from app.models import AbsenceCase, CaseStatus, Employee, Employer

bp = Blueprint("dashboard", __name__)

MONTHS = 12
CHART = {"width": 640, "height": 220, "left": 40, "bottom": 30, "top": 10}
MONTH_LABELS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
EXPORT_COLUMNS = ("employee_name", "first_sick_day", "expected_recovery", "recovered_on", "status",
                  "days_absent", "work_possible")


def landing_endpoint(viewer: access.Viewer) -> str:
    """Where a signed-in user lands: an employee and nothing else on their own dossier; anyone who
    manages an employer or works for the arbodienst (also as an employee) on the overview."""
    if "employee" in viewer.roles and not viewer.is_professional and not access.employer_choices(viewer):
        return "dossier.mine"
    return "dashboard.index"


@bp.route("/")
def home():
    """Landing page: the dossier or the overview for signed-in users, a sign-in invitation otherwise."""
    if g.user:
        return redirect(url_for(landing_endpoint(access.current_viewer())))
    return render_template("dashboard/welcome.html")


@bp.route("/dashboard")
@login_required
def index():
    """Who is signed in, what they can do, and for managers the absence overview of their employer."""
    viewer = access.current_viewer()
    if landing_endpoint(viewer) != "dashboard.index":
        # an employee has nothing here but a link to their dossier (issue 12: they land on it)
        return redirect(url_for(landing_endpoint(viewer)))
    context = {"user": g.user, "viewer": viewer, "has_dossier": access.has_own_dossier(viewer),
               "invite_endpoint": "invitations.index" if viewer.may_invite and _has_endpoint("invitations.index")
               else None}
    if viewer.is_professional:  # the employee lists of the employers they serve
        context["served_employers"] = _served_employers(viewer)
    employer = _selected_employer(viewer)
    if employer is not None:
        context |= _overview(employer, viewer)
    page = render_template("dashboard/index.html", **context)
    if employer is not None:
        # after rendering: the log's commit expires the loaded rows (they would be read again), and a
        # failed record still answers 500, so no overview leaves without its row
        access_log.record_overview(viewer, employer, access_log.DASHBOARD)
    return page


@bp.route("/dashboard/export.csv")
@login_required
def export():
    """The filtered list as CSV, with the manager's fields only."""
    viewer = access.current_viewer()
    employer = _selected_employer(viewer)
    if employer is None:
        return render_template("errors/error.html", status=404), 404
    query = _filtered_query(employer, _filters(request.args))
    access_log.record_overview(viewer, employer, access_log.DASHBOARD_EXPORT)

    def lines():
        # Streamed in batches: memory stays flat however many cases the employer has.
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(EXPORT_COLUMNS)
        for case in db.session.scalars(query.execution_options(yield_per=500)):
            row = access.case_view(case, access.MANAGER)  # the manager's allow-list, nothing else
            writer.writerow([_csv_safe(row[column]) for column in EXPORT_COLUMNS])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="verzuim.csv"'})


def _has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def _served_employers(viewer: access.Viewer) -> list[Employer]:
    ids = access.served_employer_ids(viewer)
    if not ids:
        return []
    return list(db.session.scalars(db.select(Employer).where(Employer.id.in_(ids), Employer.keycloak_org_id.is_not(None))
                                   .order_by(Employer.name)))


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


PAGE_SIZE = 50
SEARCH_MAX = 100
# Sort keys a request may ask for (anything else falls back to the default): column, descending.
SORTS = {
    "first_sick_day": (AbsenceCase.first_sick_day, True),
    "name": (Employee.name, False),
    "status": (AbsenceCase.status, False),
    "expected_recovery": (AbsenceCase.expected_recovery, False),
}
DEFAULT_SORT = "first_sick_day"
STATUSES = ("absent", "recovered", "all")


def _filters(args) -> dict:
    """The list's query parameters, validated: unknown values fall back to the defaults."""
    status = args.get("status") or "absent"
    sort = args.get("sort") or DEFAULT_SORT
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        page = 1
    return {"q": (args.get("q") or "").strip()[:SEARCH_MAX],
            "status": status if status in STATUSES else "absent",
            "long": args.get("long") == "1",
            "sort": sort if sort in SORTS else DEFAULT_SORT,
            "page": min(page, 1_000_000)}


def _employer_cases_query(employer: Employer):
    return (db.select(AbsenceCase).join(Employee, AbsenceCase.employee_id == Employee.id)
            .where(Employee.employer_id == employer.id)
            .options(contains_eager(AbsenceCase.employee)))


def _filtered_query(employer: Employer, filters: dict, today: date | None = None):
    """The list in SQL: search, status, long cases, sort (a stable tie-break on the id)."""
    today = today or date.today()
    query = _employer_cases_query(employer)
    if filters["q"]:
        escaped = filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(db.func.lower(Employee.name).like(f"%{escaped}%", escape="\\"))
    if filters["status"] == "absent":
        query = query.where(AbsenceCase.status.in_(CaseStatus.ABSENT))
    elif filters["status"] == "recovered":
        query = query.where(AbsenceCase.status == CaseStatus.RECOVERED)
    if filters["long"]:
        query = query.where(_is_long(today))
    column, descending = SORTS[filters["sort"]]
    return query.order_by(column.desc() if descending else column.asc(), AbsenceCase.id)


def _is_long(today: date):
    """Still absent and more than LONG_CASE_DAYS calendar days since the first sick day (access.case_view's rule)."""
    return db.and_(AbsenceCase.recovered_on.is_(None),
                   AbsenceCase.first_sick_day < today - timedelta(days=access.LONG_CASE_DAYS - 1))


def _days_between(later, earlier):
    """Whole days from earlier to later, in the database (SQLite has no date subtraction)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return db.cast(db.func.julianday(later) - db.func.julianday(earlier), db.Integer)
    return later - earlier  # PostgreSQL: date - date is an integer


def _month_windows(today: date, months: int = MONTHS) -> list[tuple[date, date, str]]:
    result = []
    for offset in range(months - 1, -1, -1):
        y, m = today.year, today.month - offset
        while m < 1:
            y, m = y - 1, m + 12
        result.append((date(y, m, 1), min(date(y, m, monthrange(y, m)[1]), today), f"{MONTH_LABELS[m - 1]} {str(y)[2:]}"))
    return result


def _aggregates(employer: Employer, today: date) -> dict:
    """Headcount, absent now, long cases and the absence days per month: one SQL statement, no per-case loop."""
    windows = _month_windows(today)
    last = db.func.coalesce(AbsenceCase.recovered_on, today)
    columns = [db.func.count(db.distinct(db.case((AbsenceCase.status.in_(CaseStatus.ABSENT), AbsenceCase.employee_id)))),
               db.func.count(db.case((_is_long(today), AbsenceCase.id)))]
    for start, end, _label in windows:
        overlap_end = db.case((last < end, last), else_=end)
        overlap_start = db.case((AbsenceCase.first_sick_day > start, AbsenceCase.first_sick_day), else_=start)
        columns.append(db.func.coalesce(db.func.sum(db.case(
            (db.and_(AbsenceCase.first_sick_day <= end, last >= start),
             _days_between(overlap_end, overlap_start) + 1), else_=0)), 0))
    # the employer's people now: a leaver (left_on, from the HR import) stays in the dossiers, not in the count
    headcount = (db.select(db.func.count(Employee.id))
                 .where(Employee.employer_id == employer.id,
                        db.or_(Employee.left_on.is_(None), Employee.left_on > today))
                 .scalar_subquery())
    row = db.session.execute(db.select(headcount, *columns).select_from(AbsenceCase)
                             .join(Employee, AbsenceCase.employee_id == Employee.id)
                             .where(Employee.employer_id == employer.id)).one()
    headcount_value, absent_now, long_cases, *days = row
    months = []
    for (start, end, label), absent in zip(windows, days):
        capacity = (headcount_value or 0) * ((end - start).days + 1)
        months.append({"label": label, "absent_days": int(absent or 0), "capacity": capacity,
                       "percentage": round(100 * int(absent or 0) / capacity, 1) if capacity else 0.0})
    return {"headcount": headcount_value or 0, "absent_now": absent_now or 0, "long_cases": long_cases or 0,
            "months": months}


class VersionedCache:
    """Figures computed from an employer's data, kept per (employer id, data_version, day, ...) in this
    worker: a write to the employer's employees or cases raises data_version (app/data_version.py),
    so a stale entry is never used again; the oldest entries go first when it is full."""

    def __init__(self, size: int = 512) -> None:
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple, compute):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()  # outside the lock: two threads may compute the same value once each
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


CACHE = VersionedCache()


def _overview(employer: Employer, viewer: access.Viewer) -> dict:
    today = date.today()
    filters = _filters(request.args)
    version = (employer.id, employer.data_version, today)
    # the aggregates and the list's count cover the whole employer: computed once per data version
    totals = CACHE.get(("aggregates", *version), lambda: _aggregates(employer, today))
    months = totals["months"]
    # the list's statement is built only when its count or its page is not cached (building it is a
    # good part of a cached request's CPU)
    query = functools.cache(lambda: _filtered_query(employer, filters, today))
    matching = CACHE.get(("matching", *version, filters["q"], filters["status"], filters["long"]),
                         lambda: db.session.scalar(db.select(db.func.count()).select_from(query().order_by(None).subquery())))
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(filters["page"], pages)
    pagination = {"page": page, "pages": pages, "matching": matching}

    def cases_html() -> Markup:
        # one page of the list, rendered: the same for every manager of this employer until the next write
        cases = [access.case_view(case, access.MANAGER, today)
                 for case in db.session.scalars(query().limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))]
        return Markup(render_template("dashboard/_cases.html", cases=cases, filters=filters | {"page": page},
                                      pagination=pagination))

    list_key = ("list", *version, filters["q"], filters["status"], filters["long"], filters["sort"], page,
                i18n.select_locale())
    year_days = sum(m["absent_days"] for m in months)
    year_capacity = sum(m["capacity"] for m in months)
    figures = {
        "headcount": totals["headcount"],
        "absent_now": totals["absent_now"],
        "absence_percentage": round(100 * year_days / year_capacity, 1) if year_capacity else 0.0,
        "current_percentage": months[-1]["percentage"] if months else 0.0,
        "long_cases": totals["long_cases"],
        "chart": chart(months),
    }
    locale = i18n.select_locale()
    return figures | {
        "employer": employer,
        # the figures and the chart, rendered (Babel's percentages, the SVG): the same until the next write
        "summary_html": CACHE.get(("summary", *version, locale),
                                  lambda: Markup(render_template("dashboard/_summary.html", **figures))),
        "cases_html": CACHE.get(list_key, cases_html),
        "filters": filters | {"page": page},
        "pagination": pagination,
        "sorts": tuple(SORTS),
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
