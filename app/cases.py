"""Working absence cases in the portal (issue 12, part 2).

- The arbodienst (physician and staff of the employer's arbodienst) opens a case (ziekmelding),
  updates it (partly back at work, expected recovery, work still possible) and closes it
  (hersteldmelding); the physician alone records diagnosis, cause and medical notes.
- A manager of the employer acted for reports a sick employee and a recovery: the two things the
  employer reports in the Dutch process. A manager never sees or enters a medical field: the
  manager's forms have none, and app.case_records refuses medical changes from anyone but a physician.

Every route loads its object through app.access (role x employer x object; anything else is the same
404 as an id that does not exist) and logs each page that shows personal data (app.access_log).
All changes go through app.case_records, which keeps the history.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import access, access_log, case_records
from app.auth import login_required
from app.case_records import Actor, CaseRefused
from app.extensions import db
from app.models import AbsenceCase, CaseStatus, Employee

bp = Blueprint("cases", __name__)

# access-log actions of the pages here (the case page itself logs access_log.CASE)
CASE_FORM, REPORT_FORM = "case-form", "case-report-form"

_DATE_REQUIRED = _l("Vul een geldige datum in.")


class SickReportForm(FlaskForm):
    """A ziekmelding: the same fields for the arbodienst and the manager (never medical)."""

    first_sick_day = DateField(validators=[InputRequired(_DATE_REQUIRED)], default=date.today)
    expected_weeks = IntegerField(validators=[Optional(), NumberRange(1, case_records.MAX_WEEKS,
                                                                      _l("Vul een aantal weken van 1 tot en met 104 in."))])
    work_possible = TextAreaField(validators=[Length(max=case_records.MAX_TEXT)])


class ManagerSickReportForm(SickReportForm):
    employee_id = SelectField(validators=[DataRequired(_l("Kies een werknemer."))], validate_choice=True)


class UpdateForm(FlaskForm):
    status = SelectField(choices=[SelectChoice(CaseStatus.OPEN, _l("Afwezig")),
                                  SelectChoice(CaseStatus.PARTIAL, _l("Gedeeltelijk hersteld"))])
    expected_recovery = DateField(validators=[Optional()])
    work_possible = TextAreaField(validators=[Length(max=case_records.MAX_TEXT)])


class MedicalForm(FlaskForm):
    diagnosis = TextAreaField(validators=[Length(max=case_records.MAX_TEXT)])
    cause = TextAreaField(validators=[Length(max=case_records.MAX_TEXT)])
    medical_notes = TextAreaField(validators=[Length(max=case_records.MAX_TEXT)])


class RecoveryForm(FlaskForm):
    recovered_on = DateField(validators=[InputRequired(_DATE_REQUIRED)], default=date.today)


class ManagerRecoveryForm(RecoveryForm):
    case_id = SelectField(validators=[DataRequired(_l("Kies een werknemer."))], validate_choice=True)


def _actor(viewer: access.Viewer, relation: str) -> Actor:
    return Actor(sub=viewer.sub, name=viewer.name, role=viewer.role_for(relation))


def _is_physician(viewer: access.Viewer, relation: str) -> bool:
    return access.sees_medical(viewer, relation)


def _render(template: str, form, status: int = 200, error: str | None = None, **values):
    return render_template(template, form=form, error=error, **values), (400 if error or form.errors else status)


# --- the arbodienst ------------------------------------------------------------------------------------

@bp.route("/employees/<employee_id>/cases/new", methods=["GET", "POST"])
@login_required
def new(employee_id: str):
    """A ziekmelding by the arbodienst."""
    viewer = access.current_viewer()
    employee, relation = access.employee_or_404(viewer, employee_id, allowed=(access.PROFESSIONAL,))
    form = SickReportForm()
    if form.validate_on_submit():
        try:
            case = case_records.open_case(
                employee, _actor(viewer, relation), first_sick_day=form.first_sick_day.data,
                expected_recovery=case_records.expected_recovery_from_weeks(form.first_sick_day.data,
                                                                             form.expected_weeks.data),
                work_possible=form.work_possible.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/new.html", form, error=str(exc), employee=employee)
        flash(_("De ziekmelding is opgeslagen."))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record(viewer, relation, employee, CASE_FORM, employee.id)
    return _render("cases/new.html", form, employee=employee)


def _case(allowed: tuple[str, ...]):
    """The case (and the viewer's relation) when the viewer may act on it; otherwise 404."""
    def load(case_id: str):
        viewer = access.current_viewer()
        absence_case, relation = access.case_or_404(viewer, case_id)
        if relation not in allowed:
            abort(404)
        return viewer, absence_case, relation
    return load


@bp.route("/cases/<case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: str):
    """Progress of an open case (the arbodienst): never a medical field, whoever posts one."""
    viewer, case, relation = _case((access.PROFESSIONAL,))(case_id)
    if case.status == CaseStatus.RECOVERED:
        abort(404)
    form = UpdateForm(data={"status": case.status, "expected_recovery": case.expected_recovery,
                            "work_possible": case.work_possible})
    if form.validate_on_submit():
        try:
            changes = case_records.update_case(case, _actor(viewer, relation), status=form.status.data,
                                               expected_recovery=form.expected_recovery.data,
                                               work_possible=form.work_possible.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/edit.html", form, error=str(exc), case=_view(case))
        flash(_("De verzuimmelding is bijgewerkt.") if changes else _("Er is niets gewijzigd."))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record(viewer, relation, case.employee, CASE_FORM, case.id)
    return _render("cases/edit.html", form, case=_view(case))


@bp.route("/cases/<case_id>/medical", methods=["GET", "POST"])
@login_required
def medical(case_id: str):
    """Diagnosis, cause and medical notes: the physician only (anyone else: 404)."""
    viewer, case, relation = _case((access.PROFESSIONAL,))(case_id)
    if not _is_physician(viewer, relation):
        abort(404)
    form = MedicalForm(data={"diagnosis": case.diagnosis, "cause": case.cause, "medical_notes": case.medical_notes})
    if form.validate_on_submit():
        try:
            changes = case_records.record_medical(case, _actor(viewer, relation), diagnosis=form.diagnosis.data,
                                                  cause=form.cause.data, medical_notes=form.medical_notes.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/medical.html", form, error=str(exc), case=_view(case))
        flash(_("De medische gegevens zijn opgeslagen.") if changes else _("Er is niets gewijzigd."))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record(viewer, relation, case.employee, CASE_FORM, case.id)
    return _render("cases/medical.html", form, case=_view(case))


@bp.route("/cases/<case_id>/recovery", methods=["GET", "POST"])
@login_required
def recovery(case_id: str):
    """A hersteldmelding for one case: the arbodienst, or a manager of the employee's employer."""
    viewer, case, relation = _case((access.PROFESSIONAL, access.MANAGER))(case_id)
    if case.status == CaseStatus.RECOVERED:
        abort(404)
    form = RecoveryForm()
    if form.validate_on_submit():
        try:
            case_records.close_case(case, _actor(viewer, relation), recovered_on=form.recovered_on.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/recovery.html", form, error=str(exc), case=_view(case, relation))
        flash(_("De hersteldmelding is opgeslagen."))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record(viewer, relation, case.employee, CASE_FORM, case.id)
    return _render("cases/recovery.html", form, case=_view(case, relation))


def _view(case: AbsenceCase, relation: str = access.MANAGER) -> dict:
    """What a form page shows of the case: the allow-listed view (never medical unless professional)."""
    return access.case_view(case, relation)


# --- the employer's manager ----------------------------------------------------------------------------

def _acting_employer(viewer: access.Viewer):
    """The portal employer the manager acts for, or 404 for anyone who is not a manager there."""
    if not viewer.is_manager:
        abort(404)
    employer = access.employer_for_org(viewer.acting_for)
    if employer is None:
        abort(404)
    return employer


@bp.route("/report/sick", methods=["GET", "POST"])
@login_required
def report_sick():
    """A manager reports an employee of the employer acted for as sick (ziekmelding)."""
    viewer = access.current_viewer()
    employer = _acting_employer(viewer)
    # the manager's own record is not theirs to report here (the relation would be "self")
    employees = list(db.session.scalars(
        db.select(Employee).where(Employee.employer_id == employer.id,
                                  db.or_(Employee.keycloak_user_id.is_(None), Employee.keycloak_user_id != viewer.sub),
                                  db.or_(Employee.left_on.is_(None), Employee.left_on >= date.today()),  # not leavers
                                  ~Employee.cases.any(AbsenceCase.status.in_(CaseStatus.ABSENT)))
        .order_by(Employee.name)))
    form = ManagerSickReportForm()
    form.employee_id.choices = [SelectChoice("", _("Kies een werknemer"))] + [SelectChoice(e.id, e.name) for e in employees]
    if form.validate_on_submit():
        employee, relation = access.employee_or_404(viewer, form.employee_id.data, allowed=(access.MANAGER,))
        try:
            case = case_records.open_case(
                employee, _actor(viewer, relation), first_sick_day=form.first_sick_day.data,
                expected_recovery=case_records.expected_recovery_from_weeks(form.first_sick_day.data,
                                                                             form.expected_weeks.data),
                work_possible=form.work_possible.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/report_sick.html", form, error=str(exc), employer=employer)
        flash(_("De ziekmelding van %(name)s is opgeslagen.", name=employee.name))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record_overview(viewer, employer, REPORT_FORM)  # the list of the employer's employees
    return _render("cases/report_sick.html", form, employer=employer)


@bp.route("/report/recovery", methods=["GET", "POST"])
@login_required
def report_recovery():
    """A manager reports that an absent employee of the employer acted for is back (hersteldmelding)."""
    viewer = access.current_viewer()
    employer = _acting_employer(viewer)
    open_cases = list(db.session.scalars(
        db.select(AbsenceCase).join(Employee).where(Employee.employer_id == employer.id,
                                                     AbsenceCase.status.in_(CaseStatus.ABSENT))
        .order_by(Employee.name)))
    form = ManagerRecoveryForm()
    form.case_id.choices = [SelectChoice("", _("Kies een werknemer"))] + [SelectChoice(c.id, c.employee.name)
                                                                          for c in open_cases]
    if form.validate_on_submit():
        case, relation = access.case_or_404(viewer, form.case_id.data)
        if relation != access.MANAGER:
            abort(404)
        try:
            case_records.close_case(case, _actor(viewer, relation), recovered_on=form.recovered_on.data)
        except CaseRefused as exc:
            db.session.rollback()
            return _render("cases/report_recovery.html", form, error=str(exc), employer=employer)
        flash(_("De hersteldmelding van %(name)s is opgeslagen.", name=case.employee.name))
        return redirect(url_for("dossier.case", case_id=case.id))
    access_log.record_overview(viewer, employer, REPORT_FORM)
    return _render("cases/report_recovery.html", form, employer=employer)
