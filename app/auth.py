"""Sign-in through Keycloak (OIDC code flow + PKCE), sign-out, and back-channel logout."""

from __future__ import annotations

import functools
from urllib.parse import urlencode, urlparse

import requests
from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from app import sign_in_sessions, tokens
from app.extensions import csrf, oauth

bp = Blueprint("auth", __name__, url_prefix="/auth")

KEYCLOAK_DOWN = (requests.RequestException, OSError)


def _settings():
    return current_app.config["SETTINGS"]


def _safe_next(target: str | None) -> str:
    """Only same-site paths may be returned to after sign-in (no open redirect)."""
    if not target:
        return url_for("dashboard.home")
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.home")
    return target


@bp.before_app_request
def load_signed_in_user() -> None:
    """Put the signed-in user on `g`; a session ended by Keycloak (back-channel) is dropped here."""
    user = session.get("user")
    if user and not sign_in_sessions.is_active(user["sid"]):
        session.clear()
        user = None
    g.user = user


EMPLOYER_ROLES = ("manager", "superuser")  # hold for one employer: groups /werkgevers/<org id>/<role>
EMPLOYER_GROUPS = "werkgevers"


def employer_memberships(claims: dict) -> dict[str, dict]:
    """{organization id: {"alias": ..., "roles": [...]}} from the ID token.

    Roles come from the `groups` claim (full paths /werkgevers/<organization id>/<role>, see
    keycloak_admin); a path whose middle part is not a Keycloak id is ignored. The alias, for display
    only, comes from the `organization` claim when it carries ids. Employers are matched by id only."""
    from app.keycloak_ids import is_id

    memberships: dict[str, dict] = {}
    groups = claims.get("groups") if isinstance(claims.get("groups"), list) else []
    for group in groups:
        parts = group.split("/") if isinstance(group, str) else []
        if len(parts) == 4 and parts[0] == "" and parts[1] == EMPLOYER_GROUPS and is_id(parts[2]) \
                and parts[3] in EMPLOYER_ROLES:
            entry = memberships.setdefault(parts[2].lower(), {"alias": "", "roles": []})
            entry["roles"] = sorted(set(entry["roles"]) | {parts[3]})
    organizations = claims.get("organization")
    if isinstance(organizations, dict):
        for alias, details in organizations.items():
            org_id = details.get("id") if isinstance(details, dict) else None
            if is_id(org_id) and org_id.lower() in memberships:
                memberships[org_id.lower()]["alias"] = str(alias)
    return memberships


def session_user_from_claims(claims: dict) -> dict:
    """The session's user from the ID token's claims.

    roles: realm roles only (employee, physician, staff); realm roles named manager or superuser are
    dropped, they grant nothing. employers: {organization id: {"alias", "roles"}}, the employers where
    the user holds a role, and the roles held at each."""
    return {
        "sub": claims["sub"],
        "sid": claims.get("sid") or claims["sub"],
        "email": claims.get("email", ""),
        "name": claims.get("name") or claims.get("email", ""),
        "roles": sorted(set(claims.get("roles", [])) - set(EMPLOYER_ROLES)),
        "employers": employer_memberships(claims),
    }


def login_required(view):
    """Send anonymous visitors to sign in, and back to this page afterwards."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def roles_required(*roles: str):
    """Allow the view to users holding at least one of these realm roles; 403 otherwise."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(**kwargs):
            if not set(roles) & set(g.user["roles"]):
                abort(403)
            return view(**kwargs)

        return wrapped

    return decorator


@bp.route("/login")
def login():
    """Send the browser to Keycloak's sign-in page."""
    session["next"] = _safe_next(request.args.get("next"))
    redirect_uri = _settings().portal_url + url_for("auth.callback")
    extra = {}
    if request.args.get("kc_action"):
        extra["kc_action"] = request.args["kc_action"]
    locale = session.get("locale")
    if locale:
        extra["ui_locales"] = locale
    try:
        return oauth.keycloak.authorize_redirect(redirect_uri, **extra)
    except KEYCLOAK_DOWN:
        current_app.logger.warning("Keycloak unreachable on sign-in", exc_info=True)
        return render_template("auth/unavailable.html"), 503


@bp.route("/callback")
def callback():
    """Finish the code flow: check state, PKCE and the ID token, then start the app session."""
    if request.args.get("error"):
        # e.g. the user cancelled an application-initiated action: nothing changed, go back
        if session.get("user"):
            return redirect(session.pop("next", None) or url_for("dashboard.home"))
        return render_template("auth/error.html", error=request.args.get("error")), 400
    try:
        token = oauth.keycloak.authorize_access_token()
    except OAuthError as exc:
        current_app.logger.info("sign-in refused: %s", exc)
        return render_template("auth/error.html", error=exc.error), 400
    except KEYCLOAK_DOWN:
        return render_template("auth/unavailable.html"), 503
    claims = token["userinfo"]
    next_url = session.pop("next", None) or url_for("dashboard.home")
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    session["user"] = session_user_from_claims(claims)
    session["id_token"] = token.get("id_token")
    sign_in_sessions.record_start(session["user"]["sid"], claims["sub"])
    return redirect(_safe_next(next_url))


@bp.post("/logout")
def logout():
    """End the app session, then Keycloak's (RP-initiated logout with id_token_hint)."""
    user, id_token = session.get("user"), session.get("id_token")
    if user:
        sign_in_sessions.end(sid=user["sid"])
    session.clear()
    settings = _settings()
    try:
        end_session = oauth.keycloak.load_server_metadata()["end_session_endpoint"]
    except KEYCLOAK_DOWN:
        return redirect(url_for("dashboard.home"))
    params = {"post_logout_redirect_uri": settings.portal_url + "/", "client_id": settings.portal_client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return redirect(f"{end_session}?{urlencode(params)}")


@bp.post("/backchannel-logout")
@csrf.exempt  # called server-to-server by Keycloak, authenticated by the signed logout token
def backchannel_logout():
    """Keycloak ended a session: end it here too."""
    settings = _settings()
    try:
        claims = tokens.verify_logout_token(
            request.form.get("logout_token", ""), _jwks, settings.issuer, settings.portal_client_id)
    except tokens.InvalidToken as exc:
        current_app.logger.warning("back-channel logout refused: %s", exc)
        return {"error": "invalid_request"}, 400
    except KEYCLOAK_DOWN:
        return {"error": "temporarily_unavailable"}, 503
    ended = sign_in_sessions.end(sid=claims.get("sid"), subject=None if claims.get("sid") else claims.get("sub"))
    current_app.logger.info("back-channel logout ended %d session(s)", ended)
    return "", 200


def _jwks(force: bool) -> dict:
    """The realm's signing keys, cached by authlib; fetched again only on an unknown key id."""
    return oauth.keycloak.fetch_jwk_set(force=force)
