"""The arbodienst's own pages: the employers a physician/staff member serves, and adding a document
(page and CLI command), which e-mails the employee a link to it."""

from __future__ import annotations

import smtplib
from pathlib import Path

import click
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app import access, notifications, pending_mail
from app.documents import UploadRejected, store_document
from app.extensions import db
from app.models import Audience, Document, DocumentKind, Employee, Employer

bp = Blueprint("staff", __name__, url_prefix="/staff", cli_group=None)

KIND_LABELS = {DocumentKind.INVITATION: "Uitnodiging bedrijfsarts", DocumentKind.ABSENCE: "Verzuimdocument",
               DocumentKind.COACHING: "Coachingsplan"}
AUDIENCE_LABELS = {Audience.EMPLOYEE: "Alleen de werknemer", Audience.EMPLOYER: "Werknemer en werkgever",
                   Audience.PHYSICIAN: "Alleen bedrijfsarts en arbodienst (medisch)"}


class DocumentForm(FlaskForm):
    kind = SelectField("Soort", choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()])
    title = StringField("Titel", validators=[DataRequired(), Length(max=200)])
    audience = SelectField("Wie mag het zien", choices=[SelectChoice(value, label) for value, label in AUDIENCE_LABELS.items()])
    file = FileField("Bestand", validators=[FileRequired("Kies een bestand.")])


@bp.route("")
@access.require("physician", "staff")
def index():
    viewer = access.current_viewer()
    ids = access.served_employer_ids(viewer)
    employers = list(db.session.scalars(db.select(Employer).where(Employer.id.in_(ids)).order_by(Employer.name)))
    return render_template("staff/index.html", employers=employers)


@bp.route("/employees/<employee_id>/documents/new", methods=["GET", "POST"])
@access.require("physician", "staff")
def new_document(employee_id: str):
    viewer = access.current_viewer()
    employee, _ = access.employee_or_404(viewer, employee_id, allowed=(access.PROFESSIONAL,))
    form = DocumentForm()
    error = None
    if form.validate_on_submit():
        try:
            document = store_document(employee, kind=form.kind.data, title=form.title.data,
                                      audience=form.audience.data, filename=form.file.data.filename,
                                      data=form.file.data.read(), created_by=viewer.name)
        except UploadRejected as exc:
            error = str(exc)
        else:
            flash(_notify(document))
            return redirect(url_for("dossier.show", employee_id=employee.id))
    return render_template("staff/new_document.html", form=form, employee=employee, error=error), (400 if error else 200)


def _notify(document: Document) -> str:
    """E-mail the employee when the document is meant for them; the result as a message for staff."""
    if document.audience == Audience.PHYSICIAN:
        return _("Document opgeslagen (alleen voor de arbodienst; de werknemer krijgt geen e-mail).")
    if not pending_mail.has_account(document.employee):  # a link nobody can follow yet: wait for the account
        pending_mail.mark_pending(document)
        return _("Document opgeslagen; de werknemer heeft nog geen account en krijgt de e-mail zodra dat actief is.")
    try:
        notifications.send_new_document(current_app.config["SETTINGS"], document)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("new-document e-mail for %s not sent", document.id, exc_info=True)
        return _("Document opgeslagen, maar de e-mail aan de werknemer kon niet worden verstuurd.")
    return _("Document opgeslagen en de werknemer is per e-mail geïnformeerd.")


@bp.cli.command("bind-employer")
@click.option("--employer", "employer_ref", required=True, help="The portal's employer id or name.")
@click.option("--organization-id", required=True, help="The Keycloak organization id (provision employer list).")
def bind_employer_command(employer_ref: str, organization_id: str):
    """Bind a portal employer to its Keycloak organization by id (the only key the portal matches on).

    Employers from before migration 0002 that had only an alias match nobody until bound here."""
    from app.keycloak.ids import InvalidId, checked_id

    try:
        organization_id = checked_id(organization_id, "organization id")
    except InvalidId as exc:
        raise click.UsageError(str(exc)) from exc
    employer = db.session.get(Employer, employer_ref) or db.session.scalar(
        db.select(Employer).where(Employer.name == employer_ref))
    if employer is None:
        raise click.UsageError(f"no employer {employer_ref!r} in the portal")
    taken = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization_id))
    if taken is not None and taken.id != employer.id:
        raise click.UsageError(f"organization {organization_id} is already bound to employer {taken.name!r}")
    employer.keycloak_org_id = organization_id
    db.session.commit()
    click.echo(f"employer {employer.name} ({employer.id}) bound to organization {organization_id}")


@bp.cli.command("add-document")
@click.option("--employee-email", required=True, help="E-mail address of the employee in the portal.")
@click.option("--kind", type=click.Choice(DocumentKind.ALL), required=True)
@click.option("--title", required=True)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--audience", type=click.Choice(Audience.ALL), default=Audience.EMPLOYEE, show_default=True)
@click.option("--by", "created_by", default="arbodienst (CLI)", show_default=True)
def add_document_command(employee_email: str, kind: str, title: str, path: Path, audience: str, created_by: str):
    """Add a document to an employee's dossier and e-mail them a link to it."""
    employee = db.session.scalar(db.select(Employee).where(db.func.lower(Employee.email) == employee_email.lower()))
    if employee is None:
        raise click.ClickException(f"no employee with e-mail {employee_email} in the portal")
    try:
        document = store_document(employee, kind=kind, title=title, audience=audience, filename=path.name,
                                  data=path.read_bytes(), created_by=created_by)
    except UploadRejected as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"document {document.id} added for {employee.email}")
    click.echo(_notify(document))
