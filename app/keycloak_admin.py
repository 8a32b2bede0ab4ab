"""The one module that talks to Keycloak's admin API (python-keycloak), for scripts/ and app/.

Where python-keycloak lacks an endpoint (organization invitations), the admin REST API is called
through python-keycloak's own authenticated connection, never with a second HTTP client.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakError

from app.config import ROOT, Settings

REALM_TEMPLATE = ROOT / "realm-export.json"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)(?::([^}]*))?\}")
PORTAL_ROLES = ("employee", "manager", "superuser", "physician", "staff")


class KeycloakAdminError(Exception):
    """An admin operation failed; the message is meant for the person running it."""


def master_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client signed in as the bootstrap admin of the master realm (creates realms)."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, username=settings.keycloak_admin_user,
        password=settings.keycloak_admin_password, realm_name=realm or settings.realm,
        user_realm_name="master", client_id="admin-cli", timeout=30,
    )
    return KeycloakAdmin(connection=connection)


def realm_admin(settings: Settings, realm: str | None = None) -> KeycloakAdmin:
    """An admin client for one realm, signed in as that realm's provisioning service account."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url, realm_name=realm or settings.realm,
        client_id=settings.provisioner_client_id, client_secret_key=settings.provisioner_client_secret, timeout=30,
    )
    return KeycloakAdmin(connection=connection)


def render_realm(placeholders: dict[str, str], realm_name: str | None = None, template: Path = REALM_TEMPLATE) -> dict:
    """realm-export.json with its ${VAR:default} placeholders filled in, as Keycloak's import does."""

    def substitute(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in placeholders:
            return json.dumps(placeholders[name])[1:-1]  # keep the JSON string valid
        if default is None:
            raise KeycloakAdminError(f"realm-export.json needs a value for ${{{name}}}")
        return default

    representation = json.loads(PLACEHOLDER.sub(substitute, template.read_text(encoding="utf-8")))
    if realm_name:
        representation["realm"] = realm_name
    return representation


def ensure_realm(admin: KeycloakAdmin, representation: dict) -> bool:
    """Create the realm unless it exists; True when it was created. A new realm gets what the
    import cannot do (enforce_no_single_factor: no password grant, no credential removal)."""
    name = representation["realm"]
    existing = {realm["realm"] for realm in admin.get_realms()}
    if name in existing:
        return False
    admin.create_realm(payload=representation, skip_exists=False)
    enforce_no_single_factor(_admin_for_realm(admin, name), representation)
    return True


def delete_realm(admin: KeycloakAdmin, name: str) -> None:
    admin.delete_realm(realm_name=name)


def find_organization(admin: KeycloakAdmin, name: str) -> dict | None:
    for organization in admin.get_organizations(query={"search": name, "exact": "true"}):
        if organization["name"] == name:
            return organization
    return None


def ensure_organization(admin: KeycloakAdmin, name: str, domain: str) -> str:
    """The id of the employer organization, created with its e-mail domain when missing."""
    existing = find_organization(admin, name)
    if existing:
        return existing["id"]
    admin.create_organization(payload={"name": name, "alias": _alias(name), "enabled": True,
                                       "domains": [{"name": domain, "verified": False}]})
    created = find_organization(admin, name)
    if not created:
        raise KeycloakAdminError(f"organization {name!r} was not found after creating it")
    return created["id"]


def find_user_by_email(admin: KeycloakAdmin, email: str) -> dict | None:
    for user in admin.get_users(query={"email": email, "exact": "true"}):
        if user.get("email", "").lower() == email.lower():
            return user
    return None


def ensure_user(
    admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, roles: list[str],
    organization_id: str | None = None, attributes: dict[str, str] | None = None,
    required_actions: list[str] | None = None, password: str | None = None,
) -> str:
    """The id of the user with this e-mail, created (with roles and membership) when missing."""
    unknown = sorted(set(roles) - set(PORTAL_ROLES))
    if unknown:
        raise KeycloakAdminError(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(PORTAL_ROLES)}")
    user = find_user_by_email(admin, email)
    if user:
        user_id = user["id"]
    else:
        payload = {
            "username": email, "email": email, "emailVerified": True, "enabled": True,
            "firstName": first_name, "lastName": last_name,
            "attributes": {key: [value] for key, value in (attributes or {}).items()},
            "requiredActions": required_actions or [],
        }
        if password:
            payload["credentials"] = [{"type": "password", "value": password, "temporary": False}]
        user_id = admin.create_user(payload=payload, exist_ok=False)
    try:
        admin.assign_realm_roles(user_id=user_id, roles=[admin.get_realm_role(role) for role in roles])
        if organization_id and not any(o["id"] == organization_id for o in admin.get_user_organizations(user_id)):
            admin.organization_user_add(user_id=user_id, organization_id=organization_id)
    except KeycloakError:
        if not user:  # nothing half-created: a user we just made goes again when the rest fails
            admin.delete_user(user_id=user_id)
        raise
    return user_id


def _alias(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"


# --------------------------------------------------------------------------------------------
# Errors the provisioning CLI and the portal tell apart (exit codes, Dutch messages).

class KeycloakUnreachable(KeycloakAdminError):
    """Keycloak did not answer (down, wrong URL)."""


class KeycloakRefused(KeycloakAdminError):
    """Keycloak refused our credentials or the operation (401/403)."""


class InvitationExists(KeycloakAdminError):
    """The person already has a pending invitation to this employer."""


class AlreadyMember(KeycloakAdminError):
    """The person is already a member of this employer."""


class MailNotSent(KeycloakAdminError):
    """Keycloak could not send the e-mail (SMTP down or refused); nothing was kept."""


class NotFound(KeycloakAdminError):
    """The organization or invitation does not exist (or is not this employer's)."""


def guarded(call, *args, **kwargs):
    """Run a python-keycloak call, turning transport and auth failures into our own errors."""
    from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError

    try:
        return call(*args, **kwargs)
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable(f"Keycloak is not reachable: {exc}") from exc
    except KeycloakAuthenticationError as exc:
        raise KeycloakRefused(f"Keycloak refused the credentials: {exc.error_message!r}") from exc


# --------------------------------------------------------------------------------------------
# Raw admin REST calls through python-keycloak's own connection (its session, pool and token).

_FORM = "application/x-www-form-urlencoded"


def _form_connection(admin: KeycloakAdmin):
    """A twin of the admin connection that posts HTML forms (invite-user takes form fields).

    python-keycloak swaps the shared Content-Type header around such calls, which is not
    thread-safe; the twin shares the requests session (one connection pool) but has its own
    headers. It keeps its own token copy and refreshes it when needed.
    """
    twin = getattr(admin, "_arbo_form_connection", None)
    if twin is None:
        import copy

        admin.connection.get_token() if admin.connection.token is None else None
        twin = copy.copy(admin.connection)
        twin.headers = dict(admin.connection.headers or {}) | {"Content-Type": _FORM}
        admin._arbo_form_connection = twin
    return twin


def _realm_path(admin: KeycloakAdmin, rest: str) -> str:
    return f"admin/realms/{admin.connection.realm_name}/{rest}"


def _message(response) -> str:
    try:
        body = response.json()
        return body.get("errorMessage") or body.get("error_description") or body.get("error") or response.text
    except ValueError:
        return response.text or response.reason


def _checked(response, what: str):
    if response.status_code < 300:
        return response
    message = _message(response)
    if response.status_code in (401, 403):
        raise KeycloakRefused(f"{what}: Keycloak refused ({response.status_code}): {message}")
    if response.status_code == 404:
        raise NotFound(f"{what}: not found ({message})")
    raise KeycloakAdminError(f"{what}: Keycloak answered {response.status_code}: {message}")


def _raw(admin: KeycloakAdmin, method: str, rest: str, *, form: dict | None = None, what: str = "", **params):
    from keycloak.exceptions import KeycloakConnectionError

    path = _realm_path(admin, rest)
    try:
        if method == "GET":
            response = admin.connection.raw_get(path, **params)
        elif method == "DELETE":
            response = admin.connection.raw_delete(path, **params)
        elif method == "PUT":
            response = admin.connection.raw_put(path, data=json.dumps(form), **params)
        else:
            response = _form_connection(admin).raw_post(path, data=form or {}, **params)
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable(f"Keycloak is not reachable at {admin.connection.server_url}") from exc
    return _checked(response, what or f"{method} {rest}")


# --------------------------------------------------------------------------------------------
# Employers (organizations)

def list_organizations(admin: KeycloakAdmin) -> list[dict]:
    """Every organization of the realm (paged through)."""
    found, first = [], 0
    while True:
        page = guarded(admin.get_organizations, query={"first": first, "max": 100, "briefRepresentation": "false"})
        found += page
        if len(page) < 100:
            return found
        first += 100


def find_organization_by_alias(admin: KeycloakAdmin, alias: str) -> dict | None:
    """Keycloak's search matches names and domains, not aliases: so look through the list."""
    return next((o for o in list_organizations(admin) if o.get("alias") == alias), None)


def organization_by_id(admin: KeycloakAdmin, organization_id: str) -> dict:
    return _raw(admin, "GET", f"organizations/{organization_id}", what="organization").json()


def organization_members(admin: KeycloakAdmin, organization_id: str) -> list[dict]:
    """Every member of the organization (paged through)."""
    found, first, size = [], 0, 500
    while True:
        page = _raw(admin, "GET", f"organizations/{organization_id}/members", what="members",
                    first=first, max=size, briefRepresentation="true").json()
        found += page
        if len(page) < size:
            return found
        first += size


def find_member_by_email(admin: KeycloakAdmin, organization_id: str, email: str) -> dict | None:
    members = _raw(admin, "GET", f"organizations/{organization_id}/members", what="members",
                   search=email, exact="true").json()
    return next((m for m in members if (m.get("email") or "").lower() == email.lower()), None)


# --------------------------------------------------------------------------------------------
# Invitations. Keycloak's invitation carries no role, so the role someone is invited with is
# kept on the organization as attribute "invite:<email>" = [role]. When that person shows up
# as a member (they registered through the link), apply_invited_roles() grants the role and
# renames the attribute to "accepted:<email>" = [role, date] - which is also how "accepted"
# invitations are listed (Keycloak deletes an invitation once it is used).

INVITE_ROLES = {"manager": ("manager",), "superuser": ("manager", "superuser")}
_PENDING, _ACCEPTED = "invite:", "accepted:"
_role_lock = __import__("threading").Lock()  # read-modify-write of the attributes, per process


def _update_role_records(admin: KeycloakAdmin, organization_id: str, change) -> None:
    with _role_lock:
        organization = organization_by_id(admin, organization_id)
        attributes = organization.get("attributes") or {}
        if change(attributes, organization) is False:
            return
        organization["attributes"] = attributes
        _raw(admin, "PUT", f"organizations/{organization_id}", form=organization, what="organization update")


def record_invited_roles(admin: KeycloakAdmin, organization_id: str, roles_by_email: dict[str, str],
                         redirect_url: str | None = None) -> None:
    """Remember the role of each invited e-mail (one update for many: the fast path).

    redirect_url becomes the organization's redirect URL: where Keycloak sends the invitee after
    registering and setting up 2FA - the portal's /invitations/welcome, which grants the role.
    """
    for role in roles_by_email.values():
        if role not in INVITE_ROLES:
            raise KeycloakAdminError(f"unknown invitation role {role!r}; known: {', '.join(INVITE_ROLES)}")

    def change(attributes, organization):
        for email, role in roles_by_email.items():
            attributes[_PENDING + email.lower()] = [role]
        if redirect_url:
            organization["redirectUrl"] = redirect_url

    # The lock covers one process; another process (a second portal worker, the CLI) may write the
    # same organization at the same moment and overwrite us, so read back and write again if needed.
    for _ in range(3):
        _update_role_records(admin, organization_id, change)
        attributes = organization_by_id(admin, organization_id).get("attributes") or {}
        if all(attributes.get(_PENDING + email.lower()) == [role] for email, role in roles_by_email.items()):
            return
    raise KeycloakAdminError("the invited role could not be recorded (concurrent updates); try again")


def forget_invited_role(admin: KeycloakAdmin, organization_id: str, email: str) -> None:
    def change(attributes, organization):
        return attributes.pop(_PENDING + email.lower(), None) is not None

    _update_role_records(admin, organization_id, change)


def invited_roles(organization: dict) -> dict[str, dict]:
    """{email: {"role":..., "accepted": date|None}} from an organization representation."""
    records = {}
    for key, values in (organization.get("attributes") or {}).items():
        if key.startswith(_PENDING) and values:
            records[key[len(_PENDING):]] = {"role": values[0], "accepted": None}
        elif key.startswith(_ACCEPTED) and values:
            records[key[len(_ACCEPTED):]] = {"role": values[0], "accepted": values[1] if len(values) > 1 else ""}
    return records


def apply_invited_roles(admin: KeycloakAdmin, organization_id: str) -> list[str]:
    """Grant the recorded role to every invited person who has since become a member."""
    from datetime import datetime, timezone

    organization = organization_by_id(admin, organization_id)
    pending = {email: r for email, r in invited_roles(organization).items() if r["accepted"] is None}
    if not pending:
        return []
    members = {(m.get("email") or "").lower(): m for m in organization_members(admin, organization_id)}
    granted: dict[str, str] = {}
    for email, record in pending.items():
        member = members.get(email)
        if member:
            roles = [guarded(admin.get_realm_role, role) for role in INVITE_ROLES.get(record["role"], ())]
            guarded(admin.assign_realm_roles, user_id=member["id"], roles=roles)
            granted[email] = record["role"]
    if granted:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

        def change(attributes, organization):
            for email, role in granted.items():
                attributes.pop(_PENDING + email, None)
                attributes[_ACCEPTED + email] = [role, now]

        _update_role_records(admin, organization_id, change)
    return sorted(granted)


def apply_invited_role_for_user(admin: KeycloakAdmin, user_id: str) -> list[str]:
    """For a sign-in hook: grant the invited role(s) of this user in each of their employers."""
    granted = []
    for organization in guarded(admin.get_user_organizations, user_id):
        granted += apply_invited_roles(admin, organization["id"])
    return granted


def send_invitation(admin: KeycloakAdmin, organization_id: str, email: str, first_name: str, last_name: str) -> None:
    """Keycloak's organization invitation: a registration link valid for the realm's admin
    action-token lifespan (3 days). Keycloak keeps nothing when the e-mail cannot be sent."""
    try:
        _raw(admin, "POST", f"organizations/{organization_id}/members/invite-user", what=f"invite {email}",
             form={"email": email, "firstName": first_name, "lastName": last_name})
    except NotFound:
        raise
    except KeycloakAdminError as exc:
        text = str(exc)
        if "pending invitation" in text:
            raise InvitationExists(f"{email} already has a pending invitation; use resend") from exc
        if "already a member" in text.lower():
            raise AlreadyMember(f"{email} is already a member of this employer") from exc
        if "send" in text.lower() and "email" in text.lower():
            raise MailNotSent(f"the invitation e-mail to {email} could not be sent (is SMTP up?)") from exc
        raise


def welcome_url(portal_url: str) -> str:
    """The portal page an invitee lands on after registering (grants the invited role)."""
    return portal_url.rstrip("/") + "/invitations/welcome"


def invite(admin: KeycloakAdmin, organization_id: str, *, email: str, first_name: str, last_name: str,
           role: str = "manager", check_member: bool = True, redirect_url: str | None = None) -> None:
    """Invite one person with a role: record the role, then send; undo the record on failure."""
    if role not in INVITE_ROLES:
        raise KeycloakAdminError(f"unknown invitation role {role!r}; known: {', '.join(INVITE_ROLES)}")
    if check_member and find_member_by_email(admin, organization_id, email):
        raise AlreadyMember(f"{email} is already a member of this employer")
    if check_member and list_invitations(admin, organization_id, email=email):
        raise InvitationExists(f"{email} already has an invitation to this employer; use resend")
    record_invited_roles(admin, organization_id, {email: role}, redirect_url=redirect_url)
    try:
        send_invitation(admin, organization_id, email, first_name, last_name)
    except InvitationExists:
        raise  # the earlier invitation stays, with the role just recorded
    except KeycloakAdminError:
        forget_invited_role(admin, organization_id, email)
        raise


def list_invitations(admin: KeycloakAdmin, organization_id: str, *, status: str | None = None,
                     email: str | None = None) -> list[dict]:
    """Keycloak's invitations (PENDING or EXPIRED) of one organization, paged through."""
    found, first = [], 0
    params = {"first": 0, "max": 200}
    if status:
        params["status"] = status.upper()
    if email:
        params["email"] = email
    while True:
        params["first"] = first
        page = _raw(admin, "GET", f"organizations/{organization_id}/invitations", what="invitations", **params).json()
        found += page
        if len(page) < params["max"]:
            break
        first += params["max"]
    if email:
        found = [i for i in found if i["email"].lower() == email.lower()]
    return found


def invitation_overview(admin: KeycloakAdmin, organization_id: str) -> list[dict]:
    """Pending, expired and accepted invitations, each with its role: what a person wants to see."""
    apply_invited_roles(admin, organization_id)
    roles = invited_roles(organization_by_id(admin, organization_id))
    rows = []
    for invitation in list_invitations(admin, organization_id):
        email = invitation["email"].lower()
        rows.append({"id": invitation["id"], "email": invitation["email"],
                     "firstName": invitation.get("firstName") or "", "lastName": invitation.get("lastName") or "",
                     "status": invitation["status"].lower(), "role": roles.get(email, {}).get("role", ""),
                     "sentDate": invitation.get("sentDate"), "expiresAt": invitation.get("expiresAt")})
    for email, record in roles.items():
        if record["accepted"] is not None:
            rows.append({"id": None, "email": email, "firstName": "", "lastName": "", "status": "accepted",
                         "role": record["role"], "sentDate": None, "expiresAt": None, "acceptedAt": record["accepted"]})
    return rows


def get_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> dict:
    """One invitation, looked up under this organization only (another employer's id is not found)."""
    return _raw(admin, "GET", f"organizations/{organization_id}/invitations/{invitation_id}", what="invitation").json()


def resend_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    """A new e-mail with a new 3-day link; Keycloak replaces the invitation (new id)."""
    try:
        _raw(admin, "POST", f"organizations/{organization_id}/invitations/{invitation_id}/resend", what="resend")
    except (NotFound, KeycloakRefused, KeycloakUnreachable):
        raise
    except KeycloakAdminError as exc:
        if "send" in str(exc).lower():
            raise MailNotSent(f"the invitation e-mail could not be sent (is SMTP up?): {exc}") from exc
        raise


def revoke_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> str:
    """Delete the invitation (its link stops working) and forget its role; returns the e-mail."""
    invitation = get_invitation(admin, organization_id, invitation_id)
    _raw(admin, "DELETE", f"organizations/{organization_id}/invitations/{invitation_id}", what="revoke")
    forget_invited_role(admin, organization_id, invitation["email"])
    return invitation["email"]


# --------------------------------------------------------------------------------------------
# Employees: an account with birth date and mobile number, and Keycloak's execute-actions
# e-mail (UPDATE_PASSWORD) as the welcome mail. Nothing half-created: when the e-mail cannot
# be sent the new user is deleted again, so a re-run creates and mails them once more.

WELCOME_LINK_LIFESPAN = 3 * 24 * 3600


def create_employee(admin: KeycloakAdmin, organization_id: str, *, email: str, first_name: str, last_name: str,
                    birth_date: str, mobile: str, client_id: str | None = None, redirect_uri: str | None = None) -> str:
    """Create, link to the employer, give the employee role and send the welcome e-mail."""
    from keycloak.exceptions import KeycloakConnectionError

    user_id = guarded(ensure_user, admin, email=email, first_name=first_name, last_name=last_name,
                      roles=["employee"], organization_id=organization_id,
                      attributes={"birthDate": birth_date, "mobile": mobile})
    try:
        guarded(admin.send_update_account, user_id=user_id, payload=["UPDATE_PASSWORD"],
                lifespan=WELCOME_LINK_LIFESPAN, client_id=client_id, redirect_uri=redirect_uri)
    except KeycloakConnectionError as exc:  # pragma: no cover - guarded() converts it
        raise KeycloakUnreachable(str(exc)) from exc
    except KeycloakError as exc:
        try:
            admin.delete_user(user_id=user_id)
        except KeycloakError:
            pass
        if getattr(exc, "response_code", None) == 500 or "send" in str(exc).lower():
            raise MailNotSent(f"the welcome e-mail to {email} could not be sent (is SMTP up?); "
                              "the account was not kept, a re-run creates it again") from exc
        raise KeycloakAdminError(f"welcome e-mail to {email} failed: {exc}") from exc
    except KeycloakAdminError:
        admin.delete_user(user_id=user_id)
        raise
    return user_id


# --------------------------------------------------------------------------------------------
# Realm as code on a running server: compare the rendered realm-export.json with the served
# realm and apply only what differs (realm import at start-up skips realms that exist).

# Top-level realm settings managed by `provision realm`; lists/structures handled separately.
_SKIP_KEYS = {"realm", "roles", "clients", "users", "components", "requiredActions", "localizationTexts",
              "smtpServer", "attributes", "authenticationFlows", "authenticatorConfig", "clientScopes", "groups",
              "identityProviders", "identityProviderMappers", "scopeMappings", "clientScopeMappings",
              "organizations", "keys"}
BRAND_KEYS = ("arboBrandName", "arboBrandPrimaryColor", "arboBrandLogoUrl")


def realm_changes(admin: KeycloakAdmin, desired: dict, served: dict | None) -> list[tuple[str, object, object]]:
    """[(what, served value, desired value)] for everything that differs; [] when in sync."""
    if served is None:
        return [("realm", None, desired["realm"])]
    changes = []
    for key, value in desired.items():
        if key in _SKIP_KEYS:
            continue
        if key not in served and isinstance(value, (list, dict)):
            continue  # a structure the realm GET does not return (created with the realm only)
        if _comparable(served.get(key)) != _comparable(value):
            changes.append((key, served.get(key), value))
    served_smtp = served.get("smtpServer") or {}
    for key, value in (desired.get("smtpServer") or {}).items():
        if str(served_smtp.get(key, "")) != str(value):
            changes.append((f"smtpServer.{key}", served_smtp.get(key), value))
    served_attributes = served.get("attributes") or {}
    for key, value in (desired.get("attributes") or {}).items():
        if str(served_attributes.get(key)) != str(value):
            changes.append((f"attributes.{key}", served_attributes.get(key), value))
    served_roles = {role["name"] for role in guarded(admin.get_realm_roles)}
    for role in desired.get("roles", {}).get("realm", []):
        if role["name"] not in served_roles:
            changes.append((f"role.{role['name']}", None, role.get("description", "")))
    for locale, texts in (desired.get("localizationTexts") or {}).items():
        served_texts = _raw(admin, "GET", f"localization/{locale}", what="realm texts").json()
        for key, value in texts.items():
            if served_texts.get(key) != value:
                changes.append((f"localizationTexts.{locale}.{key}", served_texts.get(key), value))
    portal = next((c for c in desired.get("clients", []) if c["clientId"] == "portal"), None)
    if portal:
        served_clients = guarded(admin.get_clients)
        served_portal = next((c for c in served_clients if c["clientId"] == "portal"), None)
        if served_portal:
            for key in ("rootUrl", "baseUrl", "redirectUris"):
                if _comparable(served_portal.get(key)) != _comparable(portal.get(key)):  # URIs: a set
                    changes.append((f"client.portal.{key}", served_portal.get(key), portal.get(key)))
            for key, value in portal.get("attributes", {}).items():
                if served_portal.get("attributes", {}).get(key) != value:
                    changes.append((f"client.portal.attributes.{key}", served_portal.get("attributes", {}).get(key), value))
    changes += single_factor_changes(admin, desired, served)
    return changes


def _comparable(value):
    # Keycloak returns set-like lists (locales, OTP apps, event types) in its own order
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return sorted(value)
    # a number filled in from a ${VAR:default} placeholder arrives as text ("34560000")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def apply_realm_changes(admin: KeycloakAdmin, desired: dict, changes: list[tuple[str, object, object]]) -> None:
    """Apply the changes found by realm_changes() to the running realm (no restart needed)."""
    name = desired["realm"]
    _ensure_flows(admin, desired, changes)
    top = {key: desired[key] for key, _, _ in changes if "." not in key and key in desired}
    if any(key.startswith("smtpServer.") for key, _, _ in changes):
        top["smtpServer"] = desired["smtpServer"]
    if any(key.startswith("attributes.") for key, _, _ in changes):
        top["attributes"] = desired["attributes"]
    if top:
        guarded(admin.update_realm, name, top)
    descriptions = {r["name"]: r.get("description", "") for r in desired.get("roles", {}).get("realm", [])}
    for key, _, _ in changes:
        if key.startswith("role."):
            role = key.split(".", 1)[1]
            guarded(admin.create_realm_role, {"name": role, "description": descriptions.get(role, "")}, skip_exists=True)
    for key, _, value in changes:
        if key.startswith("localizationTexts."):
            _, locale, text_key = key.split(".", 2)
            set_realm_text(admin, locale, text_key, str(value))
    client_changes = [key for key, _, _ in changes if key.startswith("client.portal.")]
    if client_changes:
        portal = next(c for c in desired["clients"] if c["clientId"] == "portal")
        served = next(c for c in guarded(admin.get_clients) if c["clientId"] == "portal")
        served.update({k: portal[k] for k in ("rootUrl", "baseUrl", "redirectUris") if k in portal})
        served["attributes"] = (served.get("attributes") or {}) | portal.get("attributes", {})
        guarded(admin.update_client, served["id"], served)
    _apply_single_factor_changes(admin, changes)


def set_realm_text(admin: KeycloakAdmin, locale: str, key: str, value: str) -> None:
    """One realm localization text (the theme reads branding from these)."""
    from keycloak.exceptions import KeycloakConnectionError
    import copy as _copy

    twin = _copy.copy(admin.connection)
    twin.headers = dict(admin.connection.headers or {}) | {"Content-Type": "text/plain"}
    try:
        response = twin.raw_put(_realm_path(admin, f"localization/{locale}/{key}"), data=value.encode("utf-8"))
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable("Keycloak is not reachable") from exc
    _checked(response, f"realm text {locale}.{key}")


def sync_realm(admin: KeycloakAdmin, desired: dict, *, dry_run: bool = False) -> tuple[str, list]:
    """Create the realm or bring it in line; ("created"|"updated"|"unchanged"|"would ...", changes).

    Created or updated, the realm ends with no client accepting the password grant (see
    single_factor_changes), also for clients Keycloak or a person added after the import."""
    _refuse_master(desired["realm"])
    served = None
    if desired["realm"] in {r["realm"] for r in guarded(admin.get_realms)}:
        served = guarded(admin.get_realm, desired["realm"])
    scoped = admin if served is None else _admin_for_realm(admin, desired["realm"])
    changes = realm_changes(scoped, desired, served)
    if not changes:
        return "unchanged", []
    if dry_run:
        return ("would create" if served is None else "would update"), changes
    if served is None:
        guarded(admin.create_realm, payload=desired, skip_exists=False)
        enforce_no_single_factor(_admin_for_realm(admin, desired["realm"]), desired)
        return "created", changes
    apply_realm_changes(scoped, desired, changes)
    return "updated", changes


def _copy_for_realm(connection, realm: str):
    import copy as _copy

    twin = _copy.copy(connection)
    twin.headers = dict(connection.headers or {})
    twin.realm_name = realm
    return twin


def _admin_for_realm(admin: KeycloakAdmin, realm: str) -> KeycloakAdmin:
    """The same signed-in admin, its calls aimed at another realm (the master admin manages all)."""
    scoped = KeycloakAdmin(connection=admin.connection)
    scoped.connection = _copy_for_realm(admin.connection, realm)
    return scoped


# --------------------------------------------------------------------------------------------
# No single factor (issue 10): a password alone never yields a token, and nothing but the
# portal's re-authentication path removes a second factor. Keycloak creates some clients itself
# (admin-cli accepts the password grant by default) and adds roles to every new realm's default
# roles that realm-export.json cannot take away, so this runs after every create and update.

DENIED_DIRECT_GRANT_FLOW = "arbo direct grant denied"
DENY_ACCESS = "deny-access-authenticator"
# (client id or None for a realm role, role): manage-account lets the account API and console
# delete credentials; offline_access gives 30-day offline tokens
UNWANTED_DEFAULT_ROLES = {("account", "manage-account"), ("account", "manage-account-links"), (None, "offline_access")}
# delete_credential: the account console's "remove" for a credential (the portal does not use it)
DISABLED_REQUIRED_ACTIONS = ("delete_credential",)
# replacing a second factor on request (kc_action) always asks password and second factor again
REAUTHENTICATING_ACTIONS = ("arbo-choose-2fa", "CONFIGURE_TOTP")


def _refuse_master(realm: str) -> None:
    if realm == "master":
        raise KeycloakAdminError("the master realm is Keycloak's own administration realm; provision another realm")


def single_factor_changes(admin: KeycloakAdmin, desired: dict, served: dict | None = None) -> list[tuple[str, object, object]]:
    """What stands between the served realm and "no single factor", as realm_changes() entries."""
    changes = []
    for client in guarded(admin.get_clients):
        if client.get("directAccessGrantsEnabled"):
            changes.append((f"client.{client['clientId']}.directAccessGrantsEnabled", True, False))
        override = (client.get("authenticationFlowBindingOverrides") or {}).get("direct_grant")
        if override:
            changes.append((f"client.{client['clientId']}.authenticationFlowBindingOverrides.direct_grant", override, None))
    flow = desired.get("directGrantFlow") or DENIED_DIRECT_GRANT_FLOW
    executions = _flow_executions(admin, flow)
    if executions is None:
        changes.append((f"authenticationFlow.{flow}", None, f"{DENY_ACCESS} REQUIRED"))
    elif not _always_denies(executions):
        described = ", ".join(f"{e.get('providerId') or e.get('displayName')} {e.get('requirement')}" for e in executions)
        changes.append((f"authenticationFlow.{flow}", described, f"{DENY_ACCESS} REQUIRED"))
    if served is None:
        served = guarded(admin.get_realm, admin.connection.realm_name)
    if served.get("directGrantFlow") != flow and "directGrantFlow" not in desired:
        changes.append(("directGrantFlow", served.get("directGrantFlow"), flow))
    for role in _unwanted_default_roles(admin, served):
        changes.append((f"defaultRole.{role['_label']}", True, False))
    for action in guarded(admin.get_required_actions):
        if action["alias"] in DISABLED_REQUIRED_ACTIONS and action.get("enabled"):
            changes.append((f"requiredAction.{action['alias']}.enabled", True, False))
        max_age = (action.get("config") or {}).get("max_auth_age")
        if action["alias"] in REAUTHENTICATING_ACTIONS and max_age != "0":
            changes.append((f"requiredAction.{action['alias']}.config.max_auth_age", max_age, "0"))
    return changes


def enforce_no_single_factor(admin: KeycloakAdmin, desired: dict) -> list[tuple[str, object, object]]:
    """Find and apply the single-factor changes for the admin's realm; returns what was changed."""
    _refuse_master(admin.connection.realm_name)
    changes = single_factor_changes(admin, desired)
    _ensure_flows(admin, desired, changes)
    if any(key == "directGrantFlow" for key, _, _ in changes) or "directGrantFlow" in desired:
        flow = desired.get("directGrantFlow") or DENIED_DIRECT_GRANT_FLOW
        guarded(admin.update_realm, admin.connection.realm_name, {"directGrantFlow": flow})
    _apply_single_factor_changes(admin, changes)
    return changes


def _flow_executions(admin: KeycloakAdmin, alias: str) -> list[dict] | None:
    """The executions of a top-level flow, or None when the realm has no flow by that name."""
    if alias not in {f["alias"] for f in guarded(admin.get_authentication_flows)}:
        return None
    return guarded(admin.get_authentication_flow_executions, alias)


def _always_denies(executions: list[dict]) -> bool:
    """A flow that cannot succeed: a REQUIRED deny step at its top level."""
    return any(e.get("providerId") == DENY_ACCESS and e.get("requirement") == "REQUIRED" and e.get("level", 0) == 0
               for e in executions)


def _ensure_flows(admin: KeycloakAdmin, desired: dict, changes: list[tuple[str, object, object]]) -> None:
    """Create (or repair) the flows named in authenticationFlow.* changes from their flat definition
    in realm-export.json; only flows of single steps (like the denied direct grant) are supported."""
    for key, served, _ in changes:
        if not key.startswith("authenticationFlow."):
            continue
        alias = key.split(".", 1)[1]
        definition = next((f for f in desired.get("authenticationFlows", []) if f["alias"] == alias), None)
        if definition is None:  # the realm names a flow the template does not define: deny
            definition = {"alias": alias, "description": "Always refused", "providerId": "basic-flow",
                          "topLevel": True, "builtIn": False,
                          "authenticationExecutions": [{"authenticator": DENY_ACCESS, "requirement": "REQUIRED"}]}
        if served is None:
            guarded(admin.create_authentication_flow, {k: definition[k] for k in
                    ("alias", "description", "providerId", "topLevel", "builtIn") if k in definition})
        else:  # the flow exists but no longer denies: replace its steps
            for execution in guarded(admin.get_authentication_flow_executions, alias):
                if execution.get("level", 0) == 0:
                    guarded(admin.delete_authentication_flow_execution, execution["id"])
        for step in sorted(definition["authenticationExecutions"], key=lambda e: e.get("priority", 0)):
            if step.get("authenticatorFlow"):
                raise KeycloakAdminError(f"flow {alias!r}: sub-flows are created with the realm only")
            guarded(admin.create_authentication_flow_execution, {"provider": step["authenticator"]}, alias)
            added = [e for e in guarded(admin.get_authentication_flow_executions, alias)
                     if e.get("providerId") == step["authenticator"] and e.get("level", 0) == 0][-1]
            added["requirement"] = step["requirement"]
            guarded(admin.update_authentication_flow_executions, added, alias)


def _unwanted_default_roles(admin: KeycloakAdmin, served: dict) -> list[dict]:
    default_role = served.get("defaultRole") or {}
    if not default_role.get("id"):
        return []
    composites = _raw(admin, "GET", f"roles-by-id/{default_role['id']}/composites", what="default roles").json()
    client_ids = {c["id"]: c["clientId"] for c in guarded(admin.get_clients)}
    unwanted = []
    for role in composites:
        owner = client_ids.get(role.get("containerId")) if role.get("clientRole") else None
        if (owner, role["name"]) in UNWANTED_DEFAULT_ROLES:
            unwanted.append(role | {"_label": f"{owner}.{role['name']}" if owner else role["name"]})
    return unwanted


def _apply_single_factor_changes(admin: KeycloakAdmin, changes: list[tuple[str, object, object]]) -> None:
    keys = [key for key, _, _ in changes]
    clients = {c["clientId"]: c for c in guarded(admin.get_clients)} if any(k.startswith("client.") for k in keys) else {}
    for key in keys:
        parts = key.split(".")
        if parts[0] == "client" and parts[-1] in ("directAccessGrantsEnabled", "direct_grant") and parts[1] in clients:
            client = clients[parts[1]]
            client["directAccessGrantsEnabled"] = False
            (client.get("authenticationFlowBindingOverrides") or {}).pop("direct_grant", None)
            guarded(admin.update_client, client["id"], client)
        elif parts[0] == "requiredAction":
            action = guarded(admin.get_required_action_by_alias, parts[1])
            if action and parts[-1] == "enabled":
                guarded(admin.update_required_action, parts[1], action | {"enabled": False})
            elif action and parts[-1] == "max_auth_age":
                config = (action.get("config") or {}) | {"max_auth_age": "0"}
                guarded(admin.update_required_action, parts[1], action | {"config": config})
    if any(k.startswith("defaultRole.") for k in keys):
        served = guarded(admin.get_realm, admin.connection.realm_name)
        unwanted = [{k: v for k, v in role.items() if k != "_label"} for role in _unwanted_default_roles(admin, served)]
        if unwanted:
            response = admin.connection.raw_delete(
                _realm_path(admin, f"roles-by-id/{served['defaultRole']['id']}/composites"), data=json.dumps(unwanted))
            _checked(response, "default roles")
