"""Sign-in through Keycloak (OIDC code flow + PKCE), sign-out, back-channel logout, and keeping
the session's roles current.

The session is server-side (app.server_sessions): the cookie is an opaque id. It holds the user
(built by `session_user_from_claims`), the ID token (for RP-initiated logout) and the refresh
token. At most every SESSION_REFRESH_SECONDS (default 60) a request refreshes the tokens at
Keycloak's token endpoint and rebuilds the user from the new ID token, so a role or membership
removed in Keycloak is gone here within a minute; a refused refresh (Keycloak session ended, user
disabled) signs the user out.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from app import pending_mail, security_log, server_sessions, sign_in_sessions, tokens
from app.redirects import safe_next
from app.extensions import csrf, oauth

bp = Blueprint("auth", __name__, url_prefix="/auth")

KEYCLOAK_DOWN = (requests.RequestException, OSError)
# authlib keeps one entry per unfinished sign-in (state, nonce, PKCE verifier) in the session for an
# hour; a few open sign-in tabs are normal, more are dropped (oldest first) so the session stays small.
MAX_PENDING_SIGN_INS = 5
STATE_PREFIX = "_state_keycloak_"
# requests that must not trigger a token refresh (sign-in/-out itself, Keycloak's calls, health, files)
NO_REFRESH_ENDPOINTS = {"static", "health.healthz", "auth.login", "auth.callback", "auth.logout",
                        "auth.backchannel_logout"}


def _settings():
    return current_app.config["SETTINGS"]


@bp.before_app_request
def load_signed_in_user():
    """Put the signed-in user on `g`, refreshing roles from Keycloak when they are due.

    Expired and back-channel-ended sessions never get here: app.server_sessions finds no row."""
    g.user = None
    user = session.get("user")
    if not user:
        return None
    if request.endpoint not in NO_REFRESH_ENDPOINTS and _refresh_due():
        outcome = _refresh_user(user)
        if outcome == "unavailable":
            return render_template("auth/unavailable.html"), 503
        if outcome == "ended":
            security_log.event("session.ended", outcome="refused", actor=user.get("sub"), target=user.get("sid"),
                               employer=_employers(user), reason="refresh refused by Keycloak")
            session.clear()
            return None
    g.user = session["user"]
    return None


def _refresh_due() -> bool:
    if not session.get("refresh_token"):
        return False  # only sessions made by the tests' fixtures lack one: auth.callback always stores it
    return time.time() - session.get("refreshed_at", 0) >= current_app.config["SESSION_REFRESH_SECONDS"]


def _refresh_user(user: dict) -> str:
    """Refresh the tokens and rebuild the user: "ok", "ended" (Keycloak refused) or "unavailable"."""
    try:
        token = oauth.keycloak.fetch_access_token(grant_type="refresh_token", refresh_token=session["refresh_token"])
        claims = oauth.keycloak.parse_id_token(token, nonce=None)  # straight from the token endpoint
    except AuthlibBaseError as exc:  # invalid_grant: session ended or expired, user disabled; bad token
        current_app.logger.info("session refresh refused: %s", exc)
        return "ended"
    except KEYCLOAK_DOWN:
        # fail closed: without Keycloak the roles cannot be confirmed; the session stays for later
        current_app.logger.warning("Keycloak unreachable on session refresh", exc_info=True)
        return "unavailable"
    if not claims or claims.get("sub") != user["sub"]:
        return "ended"
    refreshed = session_user_from_claims(claims)
    if refreshed.get("roles") != user.get("roles") or refreshed.get("employers") != user.get("employers"):
        security_log.event("session.roles-changed", actor=user["sub"], target=user["sub"],
                           employer=_employers(refreshed), roles_before=user.get("roles"),
                           roles_after=refreshed.get("roles"))
    session["user"] = refreshed
    session["id_token"] = token.get("id_token") or session.get("id_token")
    session["refresh_token"] = token.get("refresh_token") or session["refresh_token"]
    session["refreshed_at"] = time.time()
    return "ok"


def _employers(user: dict) -> list[str]:
    """The ids of the user's employers, for the security log."""
    employers = user.get("employers") or {}
    return sorted(employers) if isinstance(employers, dict) else []


def _prune_pending_sign_ins() -> None:
    """Keep at most MAX_PENDING_SIGN_INS - 1 unfinished sign-ins, so the one about to start fits."""
    pending = sorted((key for key in session if key.startswith(STATE_PREFIX)),
                     key=lambda key: (session[key] or {}).get("exp", 0) if isinstance(session[key], dict) else 0)
    for key in pending[:max(0, len(pending) - (MAX_PENDING_SIGN_INS - 1))]:
        session.pop(key, None)


EMPLOYER_ROLES = ("manager", "superuser")  # hold for one employer: groups /werkgevers/<org id>/<role>
EMPLOYER_GROUPS = "werkgevers"


def employer_memberships(claims: dict) -> dict[str, dict]:
    """{organization id: {"alias": ..., "roles": [...]}} from the ID token.

    Roles come from the `groups` claim (full paths /werkgevers/<organization id>/<role>, see
    app/keycloak/roles.py); a path whose middle part is not a Keycloak id is ignored. The alias, for display
    only, comes from the `organization` claim when it carries ids. Employers are matched by id only."""
    from app.keycloak.ids import is_id

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


# application-initiated actions the portal starts from Mijn instellingen (templates/user_settings)
APPLICATION_ACTIONS = frozenset({"arbo-choose-2fa", "CONFIGURE_TOTP", "UPDATE_PASSWORD", "CONFIGURE_RECOVERY_AUTHN_CODES",
                                 "webauthn-register-passwordless"})


@bp.route("/login")
def login():
    """Send the browser to Keycloak's sign-in page."""
    session["next"] = safe_next(request.args.get("next"))
    redirect_uri = _settings().portal_url + url_for("auth.callback")
    extra = {}
    # only the actions Mijn instellingen offers: Keycloak also knows others (delete_credential:<id>,
    # webauthn-register, …) that a crafted link must not be able to start
    if request.args.get("kc_action") in APPLICATION_ACTIONS:
        extra["kc_action"] = request.args["kc_action"]
    locale = session.get("locale")
    if locale:
        extra["ui_locales"] = locale
    _prune_pending_sign_ins()
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
            return redirect(safe_next(session.pop("next", None)))
        return render_template("auth/error.html", error=request.args.get("error")), 400
    try:
        token = oauth.keycloak.authorize_access_token()
    except OAuthError as exc:
        current_app.logger.info("sign-in refused: %s", exc)
        security_log.event("sign-in", outcome="refused", reason=exc.error)
        return render_template("auth/error.html", error=exc.error), 400
    except KEYCLOAK_DOWN:
        return render_template("auth/unavailable.html"), 503
    claims = token["userinfo"]
    next_url = session.pop("next", None)
    locale = session.get("locale")
    session.clear()
    server_sessions.regenerate(session)  # a new id at sign-in: no session fixation
    if locale:
        session["locale"] = locale
    user = session_user_from_claims(claims)
    session["user"] = user
    session["id_token"] = token.get("id_token")
    session["refresh_token"] = token.get("refresh_token")
    session["refreshed_at"] = time.time()
    security_log.event("sign-in", actor=user["sub"], target=user["sid"], employer=_employers(user))
    pending_mail.send_pending(user["sub"])  # new-document mails that waited for the account (app.pending_mail)
    from app import dossier_mobile  # the number proven at SMS setup, into the dossier

    dossier_mobile.fill_from_keycloak(user["sub"])
    target = safe_next(next_url)
    if target == url_for("dashboard.home"):  # no page asked for: straight to the landing page, one hop less
        from app import access
        from app.dashboard import landing_endpoint

        target = url_for(landing_endpoint(access.Viewer.from_user(user, None)))
    return redirect(target)


@bp.post("/logout")
def logout():
    """End the app session, then Keycloak's (RP-initiated logout with id_token_hint)."""
    user, id_token = session.get("user"), session.get("id_token")
    if user:
        security_log.event("sign-out", actor=user["sub"], target=user["sid"], employer=_employers(user))
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
        security_log.event("backchannel-logout", outcome="refused", reason=str(exc))
        return {"error": "invalid_request"}, 400
    except KEYCLOAK_DOWN:
        return {"error": "temporarily_unavailable"}, 503
    ended = sign_in_sessions.end(sid=claims.get("sid"), subject=None if claims.get("sid") else claims.get("sub"))
    current_app.logger.info("back-channel logout ended %d session(s)", ended)
    security_log.event("backchannel-logout", actor=claims.get("sub"), target=claims.get("sid") or claims.get("sub"),
                       sessions_ended=ended)
    return "", 200


def _jwks(force: bool) -> dict:
    """The realm's signing keys, cached by authlib; fetched again only on an unknown key id."""
    return oauth.keycloak.fetch_jwk_set(force=force)
