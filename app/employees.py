"""The employee list of one employer: who works there, by name (issue 12: "the overview lists the
imported employees").

For the employer's managers and superusers (the employer they act for) and for the arbodienst's
physicians and staff (the employers they serve); anyone else, and any other organization id, gets
the same 404 as an id that does not exist. The employer is named by its Keycloak organization id.

Only non-medical data: name, personnel number, department, start date, absent yes/no and since when.
Server-side paged, sorted and searched in SQL, so the page costs one COUNT and one LIMIT/OFFSET
statement whatever the employer's size (indexes of migrations 0004 and 0008). Every employee shown
is a read of their personal data: one access-log row each (who, whose, what, when, employer).
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app import access, access_log
from app.auth import login_required
from app.extensions import db
from app.models import AbsenceCase, CaseStatus, Employee, Employer

bp = Blueprint("employees", __name__)

PAGE_SIZE = 50
SEARCH_MAX = 100
# sort key -> columns (each ends in the id: a stable order across pages); an unknown key is the default
SORTS = {
    "name": (Employee.name, Employee.id),
    "department": (Employee.department, Employee.name, Employee.id),
    "start_date": (Employee.start_date, Employee.name, Employee.id),
}
DEFAULT_SORT = "name"


@bp.route("/employees")
@login_required
def mine():
    """The list of the employer the manager acts for (the link in the menu and on the overview)."""
    viewer = access.current_viewer()
    if not viewer.is_manager or access.employer_for_org(viewer.acting_for) is None:
        abort(404)
    return redirect(url_for("employees.index", organization_id=viewer.acting_for))


@bp.route("/employers/<organization_id>/employees")
@login_required
def index(organization_id: str):
    """One page of the employer's employees, searched, sorted and filtered as the query asks."""
    viewer = access.current_viewer()
    employer, relation = employer_or_404(viewer, organization_id)
    filters = _filters(request.args)
    today = date.today()
    conditions = _conditions(employer, filters, today)
    matching = db.session.scalar(db.select(db.func.count()).select_from(Employee).where(*conditions))
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(filters["page"], pages)
    # plain rows, not ORM objects: the access log's commit cannot expire them into more SELECTs
    rows = db.session.execute(_page_query(conditions, filters["sort"]).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).all()
    html = render_template("employees/index.html", employer=employer, organization_id=organization_id,
                           rows=rows, filters=filters | {"page": page}, sorts=tuple(SORTS),
                           pagination={"page": page, "pages": pages, "matching": matching},
                           dossier_links=relation == access.PROFESSIONAL, today=today)
    # after rendering, as the dashboard does: a failed record still answers 500, so no list leaves unlogged
    access_log.record_list(viewer, relation, rows, access_log.EMPLOYEE_LIST)
    return html


def employer_or_404(viewer: access.Viewer, organization_id: str) -> tuple[Employer, str]:
    """The employer and the viewer's relation to it: manager where they act for it, professional where
    they serve it; 404 for everything else, whether the organization exists or not."""
    try:
        organization_id = str(uuid.UUID(organization_id))
    except (ValueError, TypeError):
        abort(404)
    employer = access.employer_for_org(organization_id)
    if employer is None:
        abort(404)
    if employer.id in access.served_employer_ids(viewer):
        return employer, access.PROFESSIONAL
    if employer.id in access.managed_employer_ids(viewer):
        return employer, access.MANAGER
    abort(404)


def _filters(args) -> dict:
    """The list's query parameters, validated: unknown values fall back to the defaults."""
    sort = args.get("sort") or DEFAULT_SORT
    try:
        page = max(1, int(args.get("page") or 1))
    except ValueError:
        page = 1
    return {"q": (args.get("q") or "").strip()[:SEARCH_MAX], "sort": sort if sort in SORTS else DEFAULT_SORT,
            "leavers": args.get("leavers") == "1", "page": min(page, 1_000_000)}


def _conditions(employer: Employer, filters: dict, today: date) -> list:
    """The WHERE of both statements: this employer, present staff unless leavers are asked for, the search."""
    conditions = [Employee.employer_id == employer.id]
    if not filters["leavers"]:  # a leaver (left_on, from the HR import) stays in the dossiers, not in the list
        conditions.append(db.or_(Employee.left_on.is_(None), Employee.left_on > today))
    if filters["q"]:
        escaped = filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(db.or_(db.func.lower(Employee.name).like(f"%{escaped}%", escape="\\"),
                                 db.func.lower(Employee.personnel_number).like(f"{escaped}%", escape="\\")))
    return conditions


def _page_query(conditions: list, sort: str):
    """The page's columns: the employee's non-medical data and since when they are absent (the first sick
    day of a case still open; none when present), read through the cases' (employee_id, status) index."""
    absent_since = (db.select(db.func.min(AbsenceCase.first_sick_day))
                    .where(AbsenceCase.employee_id == Employee.id, AbsenceCase.status.in_(CaseStatus.ABSENT))
                    .correlate(Employee).scalar_subquery())
    return (db.select(Employee.id, Employee.employer_id, Employee.name, Employee.personnel_number,
                      Employee.department, Employee.start_date, Employee.left_on,
                      absent_since.label("absent_since"))
            .where(*conditions).order_by(*SORTS[sort]))
