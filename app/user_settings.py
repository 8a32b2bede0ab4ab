"""Mijn instellingen: the user's sign-in methods, and changing them through Keycloak.

This is the only page that calls Keycloak per request (its admin API, as the portal's own run-time
service account: app/keycloak/client.py), because only Keycloak knows the user's credentials; the
app stores no password or OTP secret. When Keycloak does not answer the page still renders and says so.
Changing a method goes through Keycloak's application-initiated actions (`kc_action`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from requests import RequestException

from app import keycloak as kc
from app import sign_in_sessions
from app.auth import login_required

bp = Blueprint("user_settings", __name__, url_prefix="/settings")

SECOND_FACTOR_TYPES = {"otp": "Authenticator-app", "arbo-sms": "Code per sms", "recovery-authn-codes": "Herstelcodes",
                       "webauthn-passwordless": "Passkey"}  # Keycloak's passkey (webauthn-register-passwordless)
# Keycloak's answers leave kc.errors.boundary() as KeycloakAdminError; no answer at all is requests' or the OS's
KEYCLOAK_TROUBLE = (kc.errors.KeycloakAdminError, RequestException, OSError)


def _admin():
    """The app's one run-time admin client (the portal's own service account, not the provisioner)."""
    return kc.client.portal_admin()


def sign_in_methods(credentials: list[dict]) -> list[dict]:
    """The user's second factors (type, label, since when), for display."""
    methods = []
    for credential in credentials:
        if credential.get("type") in SECOND_FACTOR_TYPES:
            methods.append({"type": credential["type"], "kind": SECOND_FACTOR_TYPES[credential["type"]],
                            "label": credential.get("userLabel") or "", "created": credential.get("createdDate")})
    return methods


@bp.route("")
@login_required
def index():
    methods, has_password, unavailable = [], False, False
    try:
        with kc.errors.boundary("sign-in methods"):
            credentials = _admin().get_credentials(user_id=g.user["sub"])
        methods = sign_in_methods(credentials)
        has_password = any(c.get("type") == "password" for c in credentials)
    except KEYCLOAK_TROUBLE:
        current_app.logger.warning("Keycloak unreachable on Mijn instellingen", exc_info=True)
        unavailable = True
    return render_template("user_settings/index.html", methods=methods, has_password=has_password,
                           unavailable=unavailable)


@bp.post("/sign-out-others")
@login_required
def sign_out_others():
    """End the user's other Keycloak sessions (other browsers and devices); this one stays."""
    settings = current_app.config["SETTINGS"]
    current_sid = g.user["sid"]
    try:
        admin = _admin()
        with kc.errors.boundary("other sessions"):
            others = [s["id"] for s in admin.get_sessions(user_id=g.user["sub"]) if s["id"] != current_sid]
            for sid in others:
                admin.connection.raw_delete(f"admin/realms/{settings.realm}/sessions/{sid}")
    except KEYCLOAK_TROUBLE:
        current_app.logger.warning("could not end other sessions", exc_info=True)
        flash(_("Uitloggen op andere apparaten lukt nu niet. Probeer het later opnieuw."), "error")
        return redirect(url_for("user_settings.index"))
    for sid in others:  # do not wait for Keycloak's back-channel call
        sign_in_sessions.end(sid=sid)
    flash(ngettext("U bent uitgelogd op %(num)s ander apparaat.", "U bent uitgelogd op %(num)s andere apparaten.",
                   len(others)) if others
          else _("U was nergens anders ingelogd."))
    return redirect(url_for("user_settings.index"))
