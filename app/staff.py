"""The arbodienst's own pages: the employers a physician/staff member serves, and adding a document
(page and CLI command), which e-mails the employee a link to it.

Staff (casemanagers, the realm role "staff") also add, rename and remove employers here, through
app.employer_records, the same code path as `provision employer create|rename|delete`. Renaming and
removing are for the staff serving that employer; everyone else gets the same 404 as a wrong id."""

from __future__ import annotations

import smtplib
from pathlib import Path

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from app import access, employer_records, invitations, notifications, pending_mail, professional_records, security_log
from app import keycloak as kc
from app.documents import UploadRejected, store_document
from app.extensions import db
from app.keycloak import employers as kc_employers
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


class EmployerForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam van de werkgever in."), Length(max=100),
                                           invitations.no_forbidden_characters])
    domain = StringField("E-maildomein", validators=[
        DataRequired("Vul het e-maildomein van de werkgever in."), Length(max=255),
        Regexp(employer_records.DOMAIN.pattern + "$", message="Vul een e-maildomein in zoals ek88.nl.")],
        filters=[lambda value: (value or "").strip().lower()])


class RenameForm(FlaskForm):
    name = StringField("Nieuwe naam", validators=[DataRequired("Vul de nieuwe naam in."), Length(max=100),
                                                  invitations.no_forbidden_characters])


class ProfessionalForm(invitations.InviteForm):
    """A company doctor or casemanager, with the employers they serve (of those the inviter serves)."""

    role = SelectField("Rol", choices=[SelectChoice("physician", "Bedrijfsarts"), SelectChoice("staff", "Casemanager")])
    employers = SelectMultipleField("Werkgevers die deze persoon bedient", choices=[],
                                    validators=[DataRequired("Kies minstens één werkgever.")],
                                    widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
    existing_account = BooleanField("Ja, geef dit bestaande account deze rol")


class ConfirmForm(FlaskForm):
    """The archive button: CSRF only."""


# Keycloak's answers become the app's own pages, as on the invitation pages
for _error in (kc.errors.InvalidId, kc.errors.NotFound):
    bp.register_error_handler(_error, invitations.invalid_id)
for _error in (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
    bp.register_error_handler(_error, invitations.keycloak_failed)


@bp.route("")
@access.require("physician", "staff")
def index():
    viewer = access.current_viewer()
    ids = access.served_employer_ids(viewer)
    employers = list(db.session.scalars(db.select(Employer).where(Employer.id.in_(ids)).order_by(Employer.name)))
    return render_template("staff/index.html", employers=employers, manages_employers="staff" in viewer.roles)


def _served_employer_or_404(organization_id: str) -> Employer:
    """The employer with this organization id, when the staff member serves it (archived: none)."""
    viewer = access.current_viewer()
    employer = access.employer_for_org(kc.ids.checked_id(organization_id, "organization id"))
    if employer is None or employer.id not in access.served_employer_ids(viewer):
        abort(404)
    return employer


@bp.route("/employers/new", methods=["GET", "POST"])
@access.require("staff")
def new_employer():
    form, error = EmployerForm(), None
    if form.validate_on_submit():
        name = form.name.data.strip()
        admin = kc.client.portal_admin()
        # an existing organization is not taken over from here: it would hand its dossiers to this staff member
        if kc.errors.guarded(kc.organizations.find_organization, admin, name):
            error = _("Er is al een werkgever met deze naam.")
        else:
            organization_id, _created, _portal = employer_records.create_employer(admin, name, form.domain.data)
            employer = access.employer_for_org(organization_id)
            professional_records.assign(access.current_viewer().sub, [employer])  # who adds it, serves it
            security_log.event("employer.created", employer=organization_id, target=organization_id)
            flash(_("Werkgever %(name)s is aangemaakt.", name=name))
            return redirect(url_for("staff.index"))
    return render_template("staff/new_employer.html", form=form, error=error), (400 if error else 200)


@bp.route("/employers/<organization_id>/rename", methods=["GET", "POST"])
@access.require("staff")
def rename_employer(organization_id: str):
    employer = _served_employer_or_404(organization_id)
    form, error = RenameForm(data={"name": employer.name}), None
    if form.validate_on_submit():
        admin = kc.client.portal_admin()
        organization = kc.organizations.organization_by_id(admin, employer.keycloak_org_id)
        old_name = employer.name
        try:
            employer_records.rename_employer(admin, organization, form.name.data.strip())
        except kc_employers.EmployerExists:
            error = _("Er is al een werkgever met deze naam.")
        else:
            security_log.event("employer.renamed", employer=employer.keycloak_org_id, target=employer.keycloak_org_id)
            flash(_("Werkgever %(old)s heet nu %(new)s.", old=old_name, new=employer.name))
            return redirect(url_for("staff.index"))
    return (render_template("staff/rename_employer.html", form=form, employer=employer, error=error),
            (400 if error else 200))


@bp.route("/people/invite", methods=["GET", "POST"])
@access.require("staff")
def invite_professional():
    """Invite a company doctor or casemanager for employers this staff member serves: the same path as
    `provision invite --role physician|staff` (app.professional_records.invite)."""
    viewer = access.current_viewer()
    served = list(db.session.scalars(db.select(Employer).where(Employer.id.in_(access.served_employer_ids(viewer)))
                                     .order_by(Employer.name)))
    form, error, confirm_existing = ProfessionalForm(), None, False
    form.employers.choices = [SelectChoice(e.keycloak_org_id, e.name) for e in served]
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        chosen = [e for e in served if e.keycloak_org_id in form.employers.data]
        settings = current_app.config["SETTINGS"]
        try:
            user_id, outcome, _added = professional_records.invite(
                kc.client.portal_admin(), email=email, first_name=form.first_name.data.strip(),
                last_name=form.last_name.data.strip(), role=form.role.data, employers=chosen,
                existing_account=bool(form.existing_account.data), client_id=settings.portal_client_id,
                redirect_uri=settings.portal_url.rstrip("/") + "/")  # the portal client's base URL, as the CLI uses
        except kc.errors.ExistingAccount:
            confirm_existing = True  # not silent: the same form again, asking for an explicit confirmation
        except kc.errors.MailNotSent:
            error = _("De e-mail kon niet worden verstuurd. Er is niets aangemaakt; probeer het later opnieuw.")
        else:
            security_log.event("professional.invited", target=user_id, role=form.role.data, outcome=outcome,
                               employer=[e.keycloak_org_id for e in chosen])
            flash(str(_PROFESSIONAL_OUTCOME[outcome]) % {"email": email})
            return redirect(url_for("staff.index"))
    status = 409 if confirm_existing else 400 if (error or form.errors) else 200
    return render_template("staff/invite_professional.html", form=form, error=error,
                           confirm_existing=confirm_existing), status


_PROFESSIONAL_OUTCOME = {
    "invited": _l("Uitnodiging verstuurd aan %(email)s. De link is 3 dagen geldig; bij de eerste keer inloggen stelt die persoon een authenticator-app in."),  # noqa: E501
    "role added": _l("Het bestaande account %(email)s heeft de rol gekregen."),
    "unchanged": _l("%(email)s had die rol al; de werkgevers zijn bijgewerkt, er is geen nieuwe uitnodiging verstuurd."),
}


@bp.route("/employers/<organization_id>/archive", methods=["GET", "POST"])
@access.require("staff")
def archive_employer(organization_id: str):
    employer = _served_employer_or_404(organization_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name, organization_id = employer.name, employer.keycloak_org_id
        employer_records.remove_employer(kc.client.portal_admin(), organization_id)
        security_log.event("employer.archived", employer=organization_id, target=organization_id)
        flash(_("Werkgever %(name)s is verwijderd; de dossiers zijn gearchiveerd en worden %(years)s jaar bewaard.",
                name=name, years=employer_records.RETENTION_YEARS))
        return redirect(url_for("staff.index"))
    return render_template("staff/archive_employer.html", form=form, employer=employer,
                           kept=employer_records.kept_records(employer), years=employer_records.RETENTION_YEARS)


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
