"""The superuser's page: invite managers of their OWN employer, see and manage its invitations.

The employer always comes from the signed-in user's organization claim (g.user["organizations"]),
never from the form, and every invitation id is looked up under that employer only.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app import keycloak_admin as ka
from app import keycloak_runtime
from app.auth import login_required, roles_required

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


FORBIDDEN_IN_NAMES = re.compile(r"[<>&\"$%!#?§;*~/\\|^=\[\]{}()\x00-\x1F\x7F]")


def _no_forbidden_characters(form, field):
    if FORBIDDEN_IN_NAMES.search(field.data or ""):
        raise ValidationError("Gebruik geen tekens als < > & \" in een naam.")


def _valid_email(form, field):
    if not re.fullmatch(r"[^@\s<>\"'()]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", field.data or ""):
        raise ValidationError("Vul een geldig e-mailadres in.")


class InviteForm(FlaskForm):
    email = StringField("E-mailadres", validators=[DataRequired("Vul een e-mailadres in."), Length(max=254), _valid_email])
    first_name = StringField("Voornaam", validators=[DataRequired("Vul een voornaam in."), Length(max=100), _no_forbidden_characters])
    last_name = StringField("Achternaam", validators=[DataRequired("Vul een achternaam in."), Length(max=100), _no_forbidden_characters])


class ActionForm(FlaskForm):
    """Resend/revoke buttons: CSRF only."""


def _admin() -> ka.KeycloakAdmin:
    """The app's one run-time admin client (the portal's own service account, not the provisioner)."""
    return keycloak_runtime.portal_admin()


def _own_employer() -> tuple[str, str]:
    """(alias, organization id) of the signed-in superuser's employer; 403 without one.

    The token names the employer by alias; its id is looked up here, on this page only."""
    aliases = list(g.user.get("organizations") or [])
    if not aliases:
        abort(403)
    alias = request.args.get("employer") if request.args.get("employer") in aliases else aliases[0]
    organization = ka.guarded(ka.find_organization_by_alias, _admin(), alias)
    if not organization:
        abort(403)
    return alias, organization["id"]


@bp.errorhandler(ka.KeycloakUnreachable)
@bp.errorhandler(ka.KeycloakRefused)
def _keycloak_failed(error):
    return _unavailable()


def _unavailable():
    current_app.logger.warning("Keycloak admin call failed", exc_info=True)
    return render_template("errors/error.html", status=503), 503


@bp.get("/")
@roles_required("superuser")
def index():
    alias, organization_id = _own_employer()
    try:
        invitations = [i for i in ka.invitation_overview(_admin(), organization_id)]
    except (ka.KeycloakUnreachable, ka.KeycloakRefused):
        return _unavailable()
    order = {"pending": 0, "expired": 1, "accepted": 2}
    invitations.sort(key=lambda i: (order.get(i["status"], 9), i["email"]))
    return render_template("invitations/index.html", employer=alias, invitations=invitations,
                           form=InviteForm(), action_form=ActionForm())


@bp.post("/")
@roles_required("superuser")
def create():
    alias, organization_id = _own_employer()
    form = InviteForm()
    if not form.validate_on_submit():
        try:
            invitations = ka.invitation_overview(_admin(), organization_id)
        except (ka.KeycloakUnreachable, ka.KeycloakRefused):
            return _unavailable()
        return render_template("invitations/index.html", employer=alias, invitations=invitations,
                               form=form, action_form=ActionForm()), 400
    email = form.email.data.strip().lower()
    try:
        ka.invite(_admin(), organization_id, email=email, first_name=form.first_name.data.strip(),
                  last_name=form.last_name.data.strip(), role="manager",
                  redirect_url=ka.welcome_url(current_app.config["SETTINGS"].portal_url))
        flash(f"Uitnodiging verstuurd aan {email}. De link is 3 dagen geldig.", "success")
    except ka.InvitationExists:
        flash(f"{email} heeft al een uitnodiging. Gebruik 'Opnieuw versturen'.", "error")
    except ka.AlreadyMember:
        flash(f"{email} heeft al een account bij uw organisatie.", "error")
    except ka.MailNotSent:
        flash("De e-mail kon niet worden verstuurd. Er is niets aangemaakt; probeer het later opnieuw.", "error")
    except (ka.KeycloakUnreachable, ka.KeycloakRefused):
        return _unavailable()
    except ka.KeycloakAdminError:
        current_app.logger.warning("invitation failed", exc_info=True)
        flash("De uitnodiging is niet gelukt. Controleer het e-mailadres en probeer het opnieuw.", "error")
    return redirect(url_for("invitations.index", employer=alias))


def _act(invitation_id: str, action) -> object:
    alias, organization_id = _own_employer()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        ka.get_invitation(_admin(), organization_id, invitation_id)  # 404 for another employer's id
        action(_admin(), organization_id, invitation_id)
    except ka.NotFound:
        abort(404)
    except ka.MailNotSent:
        flash("De e-mail kon niet worden verstuurd; probeer het later opnieuw.", "error")
    except (ka.KeycloakUnreachable, ka.KeycloakRefused):
        return _unavailable()
    return redirect(url_for("invitations.index", employer=alias))


@bp.post("/<invitation_id>/resend")
@roles_required("superuser")
def resend(invitation_id: str):
    def action(admin, organization_id, invitation_id):
        ka.resend_invitation(admin, organization_id, invitation_id)
        flash("Nieuwe uitnodiging verstuurd. De nieuwe link is 3 dagen geldig.", "success")

    return _act(invitation_id, action)


@bp.post("/<invitation_id>/revoke")
@roles_required("superuser")
def revoke(invitation_id: str):
    def action(admin, organization_id, invitation_id):
        email = ka.revoke_invitation(admin, organization_id, invitation_id)
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
        granted = ka.apply_invited_role_for_user(_admin(), g.user["sub"])
    except (ka.KeycloakUnreachable, ka.KeycloakRefused):
        return _unavailable()
    if granted:
        return redirect(url_for("auth.login", next=url_for("dashboard.index")))
    return redirect(url_for("dashboard.index"))


@bp.app_template_filter("epoch_date")
def epoch_date(value) -> str:
    """Keycloak's epoch seconds as a Dutch date and time (UTC)."""
    from datetime import datetime, timezone

    if not value:
        return ""
    return datetime.fromtimestamp(int(value), timezone.utc).strftime("%d-%m-%Y %H:%M UTC")
