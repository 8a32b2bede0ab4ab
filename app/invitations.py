"""The superuser's page: invite managers of the employer they act for, see and manage its invitations.

The employer is always the one the user acts for (the switcher's choice, checked against the
token's employers), and only when they are superuser *of that employer*; never from the form or the
URL. Every invitation id is checked (a Keycloak id) and looked up under that employer only. Every
refusal is the same 404 as a page that does not exist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app import access
from app import keycloak as kc
from app import security_log, validation
from app.auth import login_required

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


FORBIDDEN_IN_NAMES = re.compile(r"[<>&\"$%!#?§;*~/\\|^=\[\]{}()\x00-\x1F\x7F]")


def no_forbidden_characters(form, field):
    if FORBIDDEN_IN_NAMES.search(field.data or ""):
        raise ValidationError("Gebruik geen tekens als < > & \" in een naam.")


def _valid_email(form, field):
    if not validation.is_email((field.data or "").strip()):
        raise ValidationError("Vul een geldig e-mailadres in.")


class InviteForm(FlaskForm):
    email = StringField("E-mailadres", validators=[DataRequired("Vul een e-mailadres in."), Length(max=254), _valid_email])
    first_name = StringField("Voornaam", validators=[DataRequired("Vul een voornaam in."), Length(max=100), no_forbidden_characters])
    last_name = StringField("Achternaam", validators=[DataRequired("Vul een achternaam in."), Length(max=100), no_forbidden_characters])
    # shown only after the portal found an existing account for the address: adding it is explicit
    existing_account = BooleanField("Ja, nodig dit bestaande account uit voor deze werkgever")


class ActionForm(FlaskForm):
    """Resend/revoke buttons: CSRF only."""


def _admin() -> KeycloakAdmin:
    """The app's one run-time admin client (the portal's own service account, not the provisioner)."""
    return kc.client.portal_admin()


def _own_employer() -> tuple[str, str]:
    """(display name, organization id) of the employer the user acts for, where they are superuser; 404 otherwise."""
    viewer = access.current_viewer()
    if not viewer.may_invite:
        abort(404)
    employer = access.employer_for_org(viewer.acting_for)
    alias = (g.user.get("employers") or {}).get(viewer.acting_for, {}).get("alias", "")
    return (employer.name if employer else alias), viewer.acting_for


@bp.errorhandler(kc.errors.InvalidId)
@bp.errorhandler(kc.errors.NotFound)
def invalid_id(error):
    # an id that is not a Keycloak id (nothing was sent) or one Keycloak does not know: the app's own 404 page
    return render_template("errors/error.html", status=404), 404


@bp.errorhandler(kc.errors.KeycloakUnreachable)
@bp.errorhandler(kc.errors.KeycloakRefused)
def keycloak_failed(error):
    return _unavailable()


def _unavailable():
    current_app.logger.warning("Keycloak admin call failed", exc_info=True)
    return render_template("errors/error.html", status=503), 503


@bp.get("/")
@login_required
def index():
    alias, organization_id = _own_employer()
    try:
        invitations = [i for i in kc.invitations.invitation_overview(_admin(), organization_id)]
    except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
        return _unavailable()
    order = {"pending": 0, "expired": 1, "accepted": 2}
    invitations.sort(key=lambda i: (order.get(i["status"], 9), i["email"]))
    return render_template("invitations/index.html", employer=alias, invitations=invitations,
                           form=InviteForm(), action_form=ActionForm())


@bp.post("/")
@login_required
def create():
    alias, organization_id = _own_employer()
    form = InviteForm()
    if not form.validate_on_submit():
        try:
            invitations = kc.invitations.invitation_overview(_admin(), organization_id)
        except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
            return _unavailable()
        return render_template("invitations/index.html", employer=alias, invitations=invitations,
                               form=form, action_form=ActionForm()), 400
    email = form.email.data.strip().lower()
    existing_account = bool(form.existing_account.data)
    try:
        kc.invitations.invite(_admin(), organization_id, email=email, first_name=form.first_name.data.strip(),
                              last_name=form.last_name.data.strip(), role="manager", existing_account=existing_account,
                              redirect_url=kc.invitations.welcome_url(current_app.config["SETTINGS"].portal_url))
        if existing_account:
            current_app.logger.warning("existing account %s invited into employer %s by %s (confirmed)",
                                       email, organization_id, g.user["sub"])
        security_log.event("invitation.sent", actor=g.user["sub"], employer=organization_id, target=email,
                           role="manager", existing_account=existing_account)
        flash(f"Uitnodiging verstuurd aan {email}. De link is 3 dagen geldig.", "success")
    except kc.errors.ExistingAccount:
        # not silent: the same form again, asking for an explicit confirmation
        try:
            invitations = kc.invitations.invitation_overview(_admin(), organization_id)
        except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
            return _unavailable()
        return render_template("invitations/index.html", employer=alias, invitations=invitations, form=form,
                               action_form=ActionForm(), confirm_existing=True), 409
    except kc.errors.InvitationExists:
        flash(f"{email} heeft al een uitnodiging. Gebruik 'Opnieuw versturen'.", "error")
    except kc.errors.AlreadyMember:
        flash(f"{email} heeft al een account bij uw organisatie.", "error")
    except kc.errors.MailNotSent:
        flash("De e-mail kon niet worden verstuurd. Er is niets aangemaakt; probeer het later opnieuw.", "error")
    except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
        return _unavailable()
    except kc.errors.KeycloakAdminError:
        current_app.logger.warning("invitation failed", exc_info=True)
        flash("De uitnodiging is niet gelukt. Controleer het e-mailadres en probeer het opnieuw.", "error")
    return redirect(url_for("invitations.index"))


def _act(invitation_id: str, action) -> object:
    alias, organization_id = _own_employer()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        invitation_id = kc.ids.checked_id(invitation_id, "invitation id")  # before anything is sent
        kc.invitations.get_invitation(_admin(), organization_id, invitation_id)  # 404 for another employer's id
        action(_admin(), organization_id, invitation_id)
    except (kc.errors.NotFound, kc.errors.InvalidId):
        abort(404)
    except kc.errors.MailNotSent:
        flash("De e-mail kon niet worden verstuurd; probeer het later opnieuw.", "error")
    except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
        return _unavailable()
    return redirect(url_for("invitations.index"))


@bp.post("/<invitation_id>/resend")
@login_required
def resend(invitation_id: str):
    def action(admin, organization_id, invitation_id):
        kc.invitations.resend_invitation(admin, organization_id, invitation_id)
        security_log.event("invitation.resent", actor=g.user["sub"], employer=organization_id, target=invitation_id)
        flash("Nieuwe uitnodiging verstuurd. De nieuwe link is 3 dagen geldig.", "success")

    return _act(invitation_id, action)


@bp.post("/<invitation_id>/revoke")
@login_required
def revoke(invitation_id: str):
    def action(admin, organization_id, invitation_id):
        email = kc.invitations.revoke_invitation(admin, organization_id, invitation_id)
        security_log.event("invitation.revoked", actor=g.user["sub"], employer=organization_id, target=email)
        flash(f"Uitnodiging voor {email} ingetrokken. De link werkt niet meer.", "success")

    return _act(invitation_id, action)


@bp.get("/welcome")
@login_required
def welcome():
    """Where Keycloak sends an invitee after registration (the employer's redirect URL).

    Keycloak's invitation carries no role, so the role recorded at invitation time is granted
    here; a fresh (silent, single sign-on) sign-in then puts it in the session's token.
    """
    try:
        granted = kc.invitations.apply_invited_role_for_user(_admin(), g.user["sub"])
    except (kc.errors.KeycloakUnreachable, kc.errors.KeycloakRefused):
        return _unavailable()
    if granted:
        security_log.event("role.granted", actor=g.user["sub"], target=g.user["sub"], granted=granted,
                           reason="accepted invitation")
        return redirect(url_for("auth.login", next=url_for("dashboard.index")))
    return redirect(url_for("dashboard.index"))


@bp.app_template_filter("epoch_date")
def epoch_date(value) -> str:
    """Keycloak's epoch seconds as a date and time in the page's language, UTC ("3 december 2026 14:05 UTC")."""
    from datetime import datetime, timezone

    from flask_babel import format_datetime

    if not value:
        return ""
    return format_datetime(datetime.fromtimestamp(int(value), timezone.utc), "d MMMM y HH:mm", rebase=False) + " UTC"
