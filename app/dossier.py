"""The employee's dossier (personal data, cases, documents), a case page, and the access log."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from app import access, access_log, case_records
from app.auth import login_required

bp = Blueprint("dossier", __name__)


@bp.route("/dossier")
@login_required
def mine():
    """The signed-in employee's own dossier."""
    viewer = access.current_viewer()
    employee = access.own_employee(viewer, *access.DOSSIER_LOAD)
    if employee is None:
        if viewer.is_professional:
            return redirect(url_for("staff.index"))
        return render_template("dossier/none.html")
    return _render(viewer, employee, access.SELF)


@bp.route("/dossier/<employee_id>")
@login_required
def show(employee_id: str):
    """A dossier seen by the arbodienst (or the employee themself); managers get the overview only."""
    viewer = access.current_viewer()
    employee, relation = access.employee_or_404(viewer, employee_id, options=access.DOSSIER_LOAD)
    return _render(viewer, employee, relation)


def _render(viewer, employee, relation):
    medical = access.sees_medical(viewer, relation)
    cases = [access.case_view(case, relation, medical=medical) for case in employee.cases]
    documents = access.visible_documents(employee, relation, viewer)
    page = render_template("dossier/show.html", employee=employee, relation=relation, cases=cases,
                           documents=documents, own=relation == access.SELF)
    # recorded after rendering: the log's commit expires the loaded objects, and a failed record
    # still answers 500, so no page leaves without its row
    access_log.record(viewer, relation, employee, access_log.DOSSIER, employee.id)
    return page


@bp.route("/dossier/access-log")
@login_required
def access_log_page():
    """Who looked at my dossier: the employee's own access log."""
    viewer = access.current_viewer()
    employee = access.own_employee(viewer)
    if employee is None:
        abort(404)
    return render_template("dossier/access_log.html", employee=employee, entries=access_log.entries_for(employee))


@bp.route("/cases/<case_id>")
@login_required
def case(case_id: str):
    """One absence case, with exactly the fields the viewer's relation allows."""
    viewer = access.current_viewer()
    absence_case, relation = access.case_or_404(viewer, case_id)
    physician = access.sees_medical(viewer, relation)
    # the history is the arbodienst's; medical values in it for the physician only (app.case_records)
    history = case_records.history_view(absence_case, physician) if relation == access.PROFESSIONAL else []
    page = render_template("dossier/case.html", case=access.case_view(absence_case, relation, medical=physician), relation=relation,
                           medical_fields=access.MEDICAL_FIELDS, history=history, physician=physician)
    access_log.record(viewer, relation, absence_case.employee, access_log.CASE, absence_case.id)  # after: see _render
    return page
