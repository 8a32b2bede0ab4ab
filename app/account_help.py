"""Helping a user back in (issue 12.3): a user's sign-in status, resetting their second factor after
their identity was checked, and Keycloak's "set your password" e-mail.

Who may help whom:
- arbodienst staff (realm role staff): members of the employers they serve (ProfessionalAssignment);
- a superuser: members of the employer they act for, but not arbodienst staff or physicians.
Nobody helps themself here (their own methods are under Mijn instellingen, behind a fresh sign-in).
Anything else - another employer's member, a guessed id, a non-id - is the same 404 as a page
that does not exist. The target's employers come from Keycloak (organization ids), never from the
form or the URL.
"""

from __future__ import annotations

import re
import smtplib

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, ValidationError

from app import access, access_log, account_help_mail, security_log
from app.keycloak import account_help as kc_account_help
from app.keycloak import client as kc_client
from app import keycloak as kc
from app.auth import login_required
from app.extensions import db
from app.keycloak.ids import is_id
from app.models import Employee, Employer

bp = Blueprint("account_help", __name__, url_prefix="/account-help")

# How the identity was checked / why the reset: fixed choices, so the security log holds no free text
IDENTITY_CHECKS = [
    ("callback", _l("Teruggebeld op het bij ons bekende telefoonnummer")),
    ("in-person", _l("Persoonlijk, met een geldig identiteitsbewijs")),
    ("video", _l("Videogesprek, met een geldig identiteitsbewijs")),
]
REASONS = [
    ("phone-lost", _l("Telefoon kwijt of gestolen")),
    ("new-phone", _l("Nieuwe telefoon, de oude is niet meer beschikbaar")),
    ("app-removed", _l("Authenticator-app verwijderd")),
    ("number-changed", _l("Ander mobiel nummer")),
]
DOSSIER_MOBILE = "dossier-mobile"  # access-log action: staff read the dossier's mobile number here
PROTECTED_ROLES = {"staff", "physician"}  # a superuser cannot reset the arbodienst's own people


class ResetForm(FlaskForm):
    identity_checked = BooleanField(_l("Ik heb de identiteit van deze persoon gecontroleerd"),
                                    validators=[DataRequired(_l("Bevestig dat u de identiteit heeft gecontroleerd."))])
    how = SelectField(_l("Hoe heeft u de identiteit gecontroleerd?"), choices=IDENTITY_CHECKS,
                      validators=[AnyOf([c for c, _ in IDENTITY_CHECKS])])
    reason = SelectField(_l("Reden"), choices=REASONS, validators=[AnyOf([c for c, _ in REASONS])])


def normalize_mobile(raw: str | None) -> str | None:
    """+31612345678 from "06 12345678", "+31 6-1234 5678" or "0031612345678"; None when it is not a
    mobile number in the form the realm's user profile accepts (+ and 8 to 15 digits)."""
    number = re.sub(r"[\s\-().]", "", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif re.fullmatch(r"06\d{8}", number):
        number = "+31" + number[1:]
    return number if re.fullmatch(r"\+[1-9]\d{7,14}", number) else None


def _mobile_number(form, field):
    if normalize_mobile(field.data) is None:
        raise ValidationError(_l("Vul een geldig mobiel nummer in, bijvoorbeeld 06 12345678 of +31 6 12345678."))


class MobileForm(FlaskForm):
    mobile = StringField(_l("Mobiel nummer in het dossier"), validators=[_mobile_number])


class ActionForm(FlaskForm):
    """A button: CSRF only."""


def _admin():
    return kc_client.portal_admin()


@bp.app_context_processor
def _navigation() -> dict:
    """For base.html: whether to show "Hulp bij inloggen" (staff, or superuser of the employer acted for)."""
    if not g.get("user"):
        return {}
    viewer = access.current_viewer()
    return {"may_help_sign_in": "staff" in viewer.roles or "superuser" in viewer.acting_roles}


# Every admin call here passes the error boundary (kc.errors.guarded): what Keycloak answers arrives
# as its exception. A user id Keycloak does not know (NotFound) answers exactly like one the viewer
# may not help; any other refusal or failure is the 503 page.
@bp.errorhandler(kc.errors.InvalidId)
@bp.errorhandler(kc.errors.NotFound)
def _not_found(error):
    return render_template("errors/error.html", status=404), 404


@bp.errorhandler(kc.errors.KeycloakUnreachable)
@bp.errorhandler(kc.errors.KeycloakRefused)
@bp.errorhandler(kc.errors.KeycloakRejected)
def _keycloak_failed(error):
    current_app.logger.warning("Keycloak admin call failed", exc_info=True)
    return render_template("errors/error.html", status=503), 503


def helped_organizations(viewer: access.Viewer) -> dict[str, str]:
    """{organization id: employer name} whose members this viewer may help, and as what."""
    organizations: dict[str, str] = {}
    if "staff" in viewer.roles:
        organizations.update(_served_orgs(viewer))
    if "superuser" in viewer.acting_roles and viewer.acting_for:
        employer = access.employer_for_org(viewer.acting_for)
        organizations.setdefault(viewer.acting_for, employer.name if employer else "")
    return organizations


def _target_or_404(viewer: access.Viewer, user_id: str) -> tuple[dict, str]:
    """(status of the user, the organization id through which the viewer may help); 404 otherwise."""
    if not is_id(user_id) or user_id.lower() == viewer.sub:
        abort(404)
    organizations = helped_organizations(viewer)
    if not organizations:
        abort(404)
    admin = _admin()
    shared = sorted(kc.organizations.user_organization_ids(admin, user_id) & set(organizations))
    if not shared:
        abort(404)
    if not ("staff" in viewer.roles and set(_served_orgs(viewer)) & set(shared)):  # helping as superuser
        realm_roles = {r["name"] for r in kc.errors.guarded(admin.get_realm_roles_of_user, user_id.lower())}
        if realm_roles & PROTECTED_ROLES:
            abort(404)
    return kc_account_help.status(admin, user_id), shared[0]


def _served_orgs(viewer: access.Viewer) -> dict[str, str]:
    """{organization id: name} of the employers this staff member serves."""
    served = access.served_employer_ids(viewer)
    if not served:
        return {}
    return {e.keycloak_org_id: e.name for e in db.session.scalars(db.select(Employer).where(Employer.id.in_(served)))
            if e.keycloak_org_id}


@bp.get("/")
@login_required
def index():
    viewer = access.current_viewer()
    organizations = helped_organizations(viewer)
    if not organizations:
        abort(404)
    admin = _admin()
    employers = []
    for organization_id, name in sorted(organizations.items(), key=lambda item: item[1]):
        members = [m for m in kc.organizations.organization_members(admin, organization_id) if m.get("id") != viewer.sub]
        members.sort(key=lambda m: (m.get("lastName") or "", m.get("firstName") or "", m.get("email") or ""))
        # invited, no account yet (pending or expired): not a member, so helped by resending the invitation
        invited = sorted(kc.invitations.list_invitations(admin, organization_id), key=lambda i: i["email"])
        employers.append({"name": name, "organization_id": organization_id, "members": members, "invited": invited})
    return render_template("account_help/index.html", employers=employers, action_form=ActionForm())


@bp.post("/employers/<organization_id>/invitations/<invitation_id>/resend")
@login_required
def resend_invitation(organization_id: str, invitation_id: str):
    """A new invitation e-mail (new 3-day link, the invited role kept) for someone of an employer the
    viewer helps; another employer's invitation id is not found under this one (404)."""
    viewer = access.current_viewer()
    if not is_id(organization_id) or organization_id.lower() not in helped_organizations(viewer):
        abort(404)
    organization_id = organization_id.lower()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        kc.invitations.resend_invitation(_admin(), organization_id, invitation_id)
    except kc.errors.MailNotSent:
        flash(_("De e-mail kon niet worden verstuurd. Probeer het later opnieuw."), "error")
        return redirect(url_for("account_help.index"))
    security_log.event("account-help.invitation-resent", actor=viewer.sub, employer=organization_id,
                       target=invitation_id)
    flash(_("De uitnodiging is opnieuw verstuurd (de nieuwe link is 3 dagen geldig)."))
    return redirect(url_for("account_help.index"))


@bp.get("/<user_id>")
@login_required
def show(user_id: str):
    viewer = access.current_viewer()
    status, _organization = _target_or_404(viewer, user_id)
    return _page(viewer, status, ResetForm(), MobileForm())


def _dossier_for_staff(viewer: access.Viewer, user_id: str) -> Employee | None:
    """The target's dossier when the viewer is staff serving its employer (the only ones who correct it)."""
    if "staff" not in viewer.roles:
        return None
    employee = db.session.scalar(db.select(Employee).where(Employee.keycloak_user_id == user_id))
    if employee is None or access.relation_to(viewer, employee) != access.PROFESSIONAL:
        return None
    return employee


def _page(viewer, status, form, mobile_form, code=200):
    employee = _dossier_for_staff(viewer, status["id"])
    if employee is not None:
        access_log.record(viewer, access.PROFESSIONAL, employee, DOSSIER_MOBILE, employee.id)
        if not mobile_form.is_submitted():
            mobile_form.mobile.data = employee.mobile or ""
    return render_template("account_help/show.html", person=status, form=form, mobile_form=mobile_form,
                           employee=employee, action_form=ActionForm()), code


@bp.post("/<user_id>/reset-second-factor")
@login_required
def reset_second_factor(user_id: str):
    viewer = access.current_viewer()
    status, organization_id = _target_or_404(viewer, user_id)
    form = ResetForm()
    if not form.validate_on_submit():
        return _page(viewer, status, form, MobileForm(formdata=None), 400)
    removed = kc_account_help.reset_second_factor(_admin(), status["id"])
    security_log.event("account-help.second-factor-reset", actor=viewer.sub, employer=organization_id,
                       target=status["id"], identity_check=form.how.data, reason=form.reason.data,
                       removed=len(removed))
    try:
        account_help_mail.send_second_factor_reset(current_app.config["SETTINGS"], status)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("second-factor reset mail not sent", exc_info=True)
        flash(_("De tweede inlogstap is opnieuw ingesteld, maar de e-mail aan deze persoon kon niet worden verstuurd."),
              "error")
    else:
        flash(_("De tweede inlogstap is opnieuw ingesteld. Deze persoon stelt bij de volgende keer inloggen een nieuwe in en heeft daarover een e-mail gekregen."))
    return redirect(url_for("account_help.show", user_id=status["id"]))


@bp.post("/<user_id>/set-password-mail")
@login_required
def set_password_mail(user_id: str):
    viewer = access.current_viewer()
    status, organization_id = _target_or_404(viewer, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    settings = current_app.config["SETTINGS"]
    try:
        kc_account_help.send_set_password_mail(_admin(), status["id"], client_id=settings.portal_client_id,
                                               redirect_uri=f"{settings.portal_url}/")
    except kc.errors.MailNotSent:
        flash(_("De e-mail kon niet worden verstuurd. Probeer het later opnieuw."), "error")
        return redirect(url_for("account_help.show", user_id=status["id"]))
    security_log.event("account-help.set-password-mail", actor=viewer.sub, employer=organization_id,
                       target=status["id"], state=status["state"])
    flash(_("De e-mail om een wachtwoord in te stellen is verstuurd (de link is 3 dagen geldig)."))
    return redirect(url_for("account_help.show", user_id=status["id"]))


@bp.post("/<user_id>/mobile")
@login_required
def correct_mobile(user_id: str):
    """Staff correct a wrong mobile number in the dossier; Keycloak's copy (what the SMS setup sends
    the code to) follows, so the next SMS setup uses the corrected number."""
    viewer = access.current_viewer()
    status, organization_id = _target_or_404(viewer, user_id)
    employee = _dossier_for_staff(viewer, status["id"])
    if employee is None:
        abort(404)
    form = MobileForm()
    if not form.validate_on_submit():
        return _page(viewer, status, ResetForm(formdata=None), form, 400)
    mobile = normalize_mobile(form.mobile.data)
    kc_account_help.set_mobile(_admin(), status["id"], mobile)
    employee.mobile = mobile
    db.session.commit()
    security_log.event("account-help.mobile-corrected", actor=viewer.sub, employer=organization_id,
                       target=status["id"], employee=employee.id)
    flash(_("Het mobiele nummer in het dossier is aangepast."))
    return redirect(url_for("account_help.show", user_id=status["id"]))
