"""The one module that talks to Keycloak's admin API (python-keycloak), for scripts/ and app/.

Where python-keycloak lacks an endpoint (organization invitations, organization groups), the admin
REST API is called through python-keycloak's own authenticated connection, never with a second
HTTP client.

Every id that goes into an admin path passes app.keycloak_ids.checked_id() first (Keycloak ids are
UUIDs) and every path segment is quoted (keycloak_ids.path): an id such as "..", "../../<other
employer>/invitations/<id>", "?x=1" or "#" raises InvalidId before any request is sent. python-keycloak
formats ids into its URLs unquoted, so ids are checked before its methods are called too.

Roles of an employer (manager, superuser) are realm groups named by the organization's id:
/werkgevers/<organization id>/manager and .../superuser. A role held at employer A means nothing at
employer B; a recreated employer has a new id and so new, empty groups. The portal reads them from
the ID token's `groups` claim (full paths; a group-membership mapper on the portal client in
realm-export.json). Realm roles manager/superuser no longer exist and grant nothing.

Why not Keycloak 26.6's organization groups: their token mapper only maps the organizations the
`organization` scope resolves to, and that resolves to *no* organization for a member of several
employers unless the client requests `organization:*` - and an explicit organization scope makes
Keycloak's cookie authenticator refuse single sign-on (every portal sign-in and every return from
an invitation asks for the password again). Realm groups keep SSO and serve users of two employers.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakError

from app.config import ROOT, Settings
from app.keycloak_ids import InvalidId, checked_id, is_id
from app.keycloak_ids import path as id_path

REALM_TEMPLATE = ROOT / "realm-export.json"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)(?::([^}]*))?\}")
REALM_ROLES = ("employee", "physician", "staff")      # hold realm-wide (physicians/staff: per employer in the portal DB)
EMPLOYER_ROLES = ("manager", "superuser")             # hold for one employer: organization groups
PORTAL_ROLES = REALM_ROLES + EMPLOYER_ROLES

__all__ = ["InvalidId"]  # re-exported: callers catch ka.InvalidId (CLI exit 2, portal 404)


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


EMPLOYER_ROLES_MAPPER = "employer roles as groups"


def ensure_employer_roles_mapper(admin: KeycloakAdmin, realm: str, template: Path = REALM_TEMPLATE) -> bool:
    """The portal client's groups mapper (realm-export.json) on a realm imported before it existed
    (Keycloak's import skips existing realms); True when it was added. Needs an admin that may manage
    clients (the master admin)."""
    desired = json.loads(PLACEHOLDER.sub(lambda m: m.group(2) or "", template.read_text(encoding="utf-8")))
    portal = next(c for c in desired["clients"] if c["clientId"] == "portal")
    mapper = next(m for m in portal["protocolMappers"] if m["name"] == EMPLOYER_ROLES_MAPPER)
    clients = _checked(admin.connection.raw_get(id_path("admin", "realms", realm, "clients"), clientId="portal"),
                       "clients").json()
    if not clients:
        raise KeycloakAdminError(f"realm {realm} has no portal client")
    base = ("admin", "realms", realm, "clients", checked_id(clients[0]["id"], "client id"), "protocol-mappers", "models")
    served = _checked(admin.connection.raw_get(id_path(*base)), "protocol mappers").json()
    if any(m.get("name") == EMPLOYER_ROLES_MAPPER for m in served):
        return False
    _checked(admin.connection.raw_post(id_path(*base), data=json.dumps(mapper)), "employer roles mapper")
    return True


# --------------------------------------------------------------------------------------------
# Employers (organizations) and people

def find_organization(admin: KeycloakAdmin, name: str) -> dict | None:
    for organization in admin.get_organizations(query={"search": name, "exact": "true"}):
        if organization["name"] == name:
            return organization
    return None


def ensure_organization(admin: KeycloakAdmin, name: str, domain: str) -> str:
    """The id of the employer organization, created with its e-mail domain and role groups when missing."""
    existing = find_organization(admin, name)
    if existing:
        organization_id = checked_id(existing["id"], "organization id")
    else:
        admin.create_organization(payload={"name": name, "alias": _alias(name), "enabled": True,
                                           "domains": [{"name": domain, "verified": False}]})
        created = find_organization(admin, name)
        if not created:
            raise KeycloakAdminError(f"organization {name!r} was not found after creating it")
        organization_id = checked_id(created["id"], "organization id")
    ensure_role_groups(admin, organization_id)
    return organization_id


def find_user_by_email(admin: KeycloakAdmin, email: str) -> dict | None:
    for user in admin.get_users(query={"email": email, "exact": "true"}):
        if user.get("email", "").lower() == email.lower():
            return user
    return None


def user_organization_ids(admin: KeycloakAdmin, user_id: str) -> set[str]:
    return {o["id"] for o in guarded(admin.get_user_organizations, checked_id(user_id, "user id"))}


def ensure_user(
    admin: KeycloakAdmin, *, email: str, first_name: str, last_name: str, roles: list[str],
    organization_id: str | None = None, attributes: dict[str, str] | None = None,
    required_actions: list[str] | None = None, password: str | None = None,
    employer_roles: list[str] = (), existing_account: bool = False,
) -> str:
    """The id of the user with this e-mail, created (with realm roles and membership) when missing.

    roles are realm roles (employee, physician, staff); employer_roles (manager, superuser) are
    granted in organization_id only. Adding an account that already exists to an employer it is
    not a member of is refused unless existing_account=True: it must be an explicit act."""
    wrong = sorted(set(roles) & set(EMPLOYER_ROLES))
    if wrong:
        raise KeycloakAdminError(f"{', '.join(wrong)} hold(s) for one employer: pass employer_roles, not roles")
    unknown = sorted(set(roles) - set(REALM_ROLES)) + sorted(set(employer_roles) - set(EMPLOYER_ROLES))
    if unknown:
        raise KeycloakAdminError(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(PORTAL_ROLES)}")
    if employer_roles and organization_id is None:
        raise KeycloakAdminError("employer roles need an employer (organization_id)")
    if organization_id is not None:
        organization_id = checked_id(organization_id, "organization id")
    user = find_user_by_email(admin, email)
    if user:
        user_id = checked_id(user["id"], "user id")
        if organization_id and organization_id not in user_organization_ids(admin, user_id) and not existing_account:
            raise ExistingAccount(f"{email} already has an account; adding it to another employer must be explicit "
                                  "(--existing-account)")
    else:
        payload = {
            "username": email, "email": email, "emailVerified": True, "enabled": True,
            "firstName": first_name, "lastName": last_name,
            "attributes": {key: [value] for key, value in (attributes or {}).items()},
            "requiredActions": required_actions or [],
        }
        if password:
            payload["credentials"] = [{"type": "password", "value": password, "temporary": False}]
        user_id = checked_id(admin.create_user(payload=payload, exist_ok=False), "user id")
    try:
        if roles:
            admin.assign_realm_roles(user_id=user_id, roles=[admin.get_realm_role(role) for role in roles])
        if organization_id and organization_id not in user_organization_ids(admin, user_id):
            # a member added by any other way than its invitation must not pick up an invited role
            discard_role_records(admin, organization_id, email)
            admin.organization_user_add(user_id=user_id, organization_id=organization_id)
        if employer_roles:
            grant_employer_roles(admin, organization_id, user_id, employer_roles)
    except (KeycloakError, KeycloakAdminError):
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


class ExistingAccount(KeycloakAdminError):
    """The person has an account already; adding it to (another) employer needs an explicit flag."""


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


def _realm_path(admin: KeycloakAdmin, rest) -> str:
    """admin/realms/<realm>/<rest>; rest as a tuple of segments is quoted segment by segment."""
    if isinstance(rest, tuple):
        return id_path("admin", "realms", admin.connection.realm_name, *rest)
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


def _raw(admin: KeycloakAdmin, method: str, rest, *, form: dict | None = None, what: str = "", **params):
    """One admin call; rest is a tuple of path segments (each quoted) - or, for fixed paths, a string."""
    from keycloak.exceptions import KeycloakConnectionError

    path = _realm_path(admin, rest)
    try:
        if method == "GET":
            response = admin.connection.raw_get(path, **params)
        elif method == "DELETE":
            response = admin.connection.raw_delete(path, **params)
        elif method == "PUT":
            response = admin.connection.raw_put(path, data=json.dumps(form), **params)
        elif method == "POST_JSON":
            response = admin.connection.raw_post(path, data=json.dumps(form), **params)
        else:
            response = _form_connection(admin).raw_post(path, data=form or {}, **params)
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable(f"Keycloak is not reachable at {admin.connection.server_url}") from exc
    return _checked(response, what or f"{method} {'/'.join(rest) if isinstance(rest, tuple) else rest}")


def _org(organization_id: str) -> tuple[str, str]:
    return ("organizations", checked_id(organization_id, "organization id"))


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
    return _raw(admin, "GET", _org(organization_id), what="organization").json()


def organization_members(admin: KeycloakAdmin, organization_id: str) -> list[dict]:
    """Every member of the organization (paged through)."""
    found, first, size = [], 0, 500
    while True:
        page = _raw(admin, "GET", (*_org(organization_id), "members"), what="members",
                    first=first, max=size, briefRepresentation="true").json()
        found += page
        if len(page) < size:
            return found
        first += size


def find_member_by_email(admin: KeycloakAdmin, organization_id: str, email: str) -> dict | None:
    members = _raw(admin, "GET", (*_org(organization_id), "members"), what="members",
                   search=email, exact="true").json()
    return next((m for m in members if (m.get("email") or "").lower() == email.lower()), None)


# --------------------------------------------------------------------------------------------
# Per-employer roles: realm groups /werkgevers/<organization id>/<role>.

EMPLOYERS_GROUP = "werkgevers"
_group_lock = threading.Lock()


def role_group_path(organization_id: str, role: str) -> str:
    return f"/{EMPLOYERS_GROUP}/{checked_id(organization_id, 'organization id')}/{role}"


def _child_group(admin: KeycloakAdmin, parent_id: str | None, name: str) -> str:
    """The id of the group `name` under parent (top level when None), created when missing."""
    if parent_id is None:
        found = next((g for g in guarded(admin.get_groups, query={"search": name, "exact": "true"})
                      if g["name"] == name and g.get("path") == f"/{name}"), None)
    else:
        found = next((g for g in guarded(admin.get_group_children, checked_id(parent_id, "group id"),
                                         query={"search": name, "exact": "true", "max": 10})
                      if g["name"] == name), None)
    if found:
        return checked_id(found["id"], "group id")
    guarded(admin.create_group, {"name": name}, parent=parent_id, skip_exists=True)
    return _child_group(admin, parent_id, name)


def ensure_role_groups(admin: KeycloakAdmin, organization_id: str) -> dict[str, str]:
    """{role: group id} of the employer's role groups, creating the missing ones."""
    organization_id = checked_id(organization_id, "organization id")
    with _group_lock:
        root = _child_group(admin, None, EMPLOYERS_GROUP)
        employer = _child_group(admin, root, organization_id)
        return {role: _child_group(admin, employer, role) for role in EMPLOYER_ROLES}


def employer_roles_of(admin: KeycloakAdmin, organization_id: str, user_id: str) -> set[str]:
    """The roles this user holds at this employer."""
    prefix = f"/{EMPLOYERS_GROUP}/{checked_id(organization_id, 'organization id')}/"
    groups = guarded(admin.get_user_groups, checked_id(user_id, "user id"), query={"max": 1000})
    return {g["path"][len(prefix):] for g in groups
            if g.get("path", "").startswith(prefix) and g["path"][len(prefix):] in EMPLOYER_ROLES}


def grant_employer_roles(admin: KeycloakAdmin, organization_id: str, user_id: str, roles) -> None:
    """Make a member of the employer manager or superuser there (and nowhere else)."""
    user_id = checked_id(user_id, "user id")
    unknown = sorted(set(roles) - set(EMPLOYER_ROLES))
    if unknown:
        raise KeycloakAdminError(f"unknown employer role(s): {', '.join(unknown)}; known: {', '.join(EMPLOYER_ROLES)}")
    if checked_id(organization_id, "organization id") not in user_organization_ids(admin, user_id):
        raise NotFound(f"user {user_id} is not a member of organization {organization_id}: no role there")
    groups = ensure_role_groups(admin, organization_id)
    for role in dict.fromkeys(roles):
        guarded(admin.group_user_add, user_id, groups[role])  # idempotent in Keycloak


def delete_employer(admin: KeycloakAdmin, organization_id: str) -> None:
    """Delete the organization and its role groups: nobody keeps a role at a deleted employer."""
    organization_id = checked_id(organization_id, "organization id")
    guarded(admin.delete_organization, organization_id)
    _delete_role_groups(admin, organization_id)


def _delete_role_groups(admin: KeycloakAdmin, organization_id: str) -> None:
    root = next((g for g in guarded(admin.get_groups, query={"search": EMPLOYERS_GROUP, "exact": "true"})
                 if g.get("path") == f"/{EMPLOYERS_GROUP}"), None)
    if root is None:
        return
    for group in guarded(admin.get_group_children, checked_id(root["id"], "group id"),
                         query={"search": organization_id, "exact": "true", "max": 10}):
        if group["name"] == organization_id:
            guarded(admin.delete_group, checked_id(group["id"], "group id"))


def prune_role_groups(admin: KeycloakAdmin) -> list[str]:
    """Remove what a deletion in the admin console leaves behind: the role groups of organizations that
    no longer exist, and roles of people who are no longer members. Returns what was removed."""
    existing = {o["id"] for o in list_organizations(admin)}
    removed = []
    root = next((g for g in guarded(admin.get_groups, query={"search": EMPLOYERS_GROUP, "exact": "true"})
                 if g.get("path") == f"/{EMPLOYERS_GROUP}"), None)
    if root is None:
        return removed
    for group in guarded(admin.get_group_children, checked_id(root["id"], "group id"), query={"max": 10000}):
        if not is_id(group["name"]):
            continue
        if group["name"] not in existing:
            guarded(admin.delete_group, checked_id(group["id"], "group id"))
            removed.append(f"groups of deleted organization {group['name']}")
            continue
        members = {m["id"] for m in organization_members(admin, group["name"])}
        for role_group in guarded(admin.get_group_children, checked_id(group["id"], "group id")):
            for user in guarded(admin.get_group_members, checked_id(role_group["id"], "group id")):
                if user["id"] not in members:
                    guarded(admin.group_user_remove, checked_id(user["id"], "user id"), role_group["id"])
                    removed.append(f"{role_group['name']} of {user.get('email', user['id'])} at {group['name']}")
    return removed


def revoke_employer_roles(admin: KeycloakAdmin, organization_id: str, user_id: str, roles=EMPLOYER_ROLES) -> None:
    user_id = checked_id(user_id, "user id")
    groups = ensure_role_groups(admin, organization_id)
    held = employer_roles_of(admin, organization_id, user_id)
    for role in roles:
        if role in held:
            guarded(admin.group_user_remove, user_id, groups[role])


# --------------------------------------------------------------------------------------------
# Invitations. Keycloak's invitation carries no role, so the role someone is invited with is
# kept on the organization as attribute "invite:<invitation id>" = [role, email, user id or "",
# expiresAt]: bound to that one invitation, not to the e-mail address.
#
# Order, so that an interruption at any step leaves nothing that grants a role:
#   invite:  send the invitation first, then record its role under its id; if recording fails,
#            the invitation is deleted again. Dying in between leaves an invitation without a
#            role record: accepting it makes a plain member, nothing more.
#   revoke:  forget the record first, then delete the invitation.
#   resend:  Keycloak replaces the invitation (new id); the record moves to the new id.
#
# "Accepted" versus "deleted": Keycloak deletes an invitation both when it is used and when it is
# revoked, and records no trace of which. A record counts as accepted only when (1) its invitation
# id is no longer in Keycloak's list (neither pending nor expired), (2) a member of this employer
# now has exactly the invited e-mail, and (3) that member is the invited account: for an invitation
# of an existing account, the recorded user id; otherwise an account created while the invitation
# was valid (registering through the link creates it). Every other way our code adds a member
# (ensure_user: imports, demo) first discards the records for that e-mail, so a later import of
# the same address does not pick up the role. A record whose invitation is gone and that does not
# meet (2) and (3) grants nothing and is removed.

INVITE_ROLES = {"manager": ("manager",), "superuser": ("manager", "superuser")}
_PENDING, _ACCEPTED = "invite:", "accepted:"
_role_lock = threading.Lock()  # read-modify-write of the attributes, per process


def _update_role_records(admin: KeycloakAdmin, organization_id: str, change) -> None:
    with _role_lock:
        organization = organization_by_id(admin, organization_id)
        attributes = organization.get("attributes") or {}
        if change(attributes, organization) is False:
            return
        organization["attributes"] = attributes
        _raw(admin, "PUT", _org(organization_id), form=organization, what="organization update")


def _verified_update(admin: KeycloakAdmin, organization_id: str, change, done) -> None:
    """The lock covers one process; another process (a second portal worker, the CLI) may write the
    same organization at the same moment and overwrite us, so read back and write again if needed."""
    for _ in range(3):
        _update_role_records(admin, organization_id, change)
        if done(organization_by_id(admin, organization_id).get("attributes") or {}):
            return
    raise KeycloakAdminError("the invited role could not be recorded (concurrent updates); try again")


def set_redirect_url(admin: KeycloakAdmin, organization_id: str, redirect_url: str) -> None:
    """Where Keycloak sends an invitee after registering: the portal's /invitations/welcome."""
    def change(attributes, organization):
        if organization.get("redirectUrl") == redirect_url:
            return False
        organization["redirectUrl"] = redirect_url

    _update_role_records(admin, organization_id, change)


def _record_value(invitation: dict, role: str, existing_user_id: str) -> list[str]:
    """[role, e-mail, invited existing account id or "", expiresAt, sentDate] (epoch seconds)."""
    return [role, invitation["email"].lower(), existing_user_id or "", str(invitation.get("expiresAt") or ""),
            str(invitation.get("sentDate") or "")]


def record_invited_role(admin: KeycloakAdmin, organization_id: str, invitation: dict, role: str,
                        existing_user_id: str = "") -> None:
    """Bind the role to this one invitation (by its id)."""
    if role not in INVITE_ROLES:
        raise KeycloakAdminError(f"unknown invitation role {role!r}; known: {', '.join(INVITE_ROLES)}")
    key = _PENDING + checked_id(invitation["id"], "invitation id")
    value = _record_value(invitation, role, existing_user_id)

    def change(attributes, organization):
        attributes[key] = value

    _verified_update(admin, organization_id, change, lambda attributes: attributes.get(key) == value)


def record_invited_roles(admin: KeycloakAdmin, organization_id: str, records: list[tuple[dict, str, str]]) -> None:
    """Many records in one update (bulk invitations): [(invitation, role, existing user id)]."""
    values = {}
    for invitation, role, existing_user_id in records:
        if role not in INVITE_ROLES:
            raise KeycloakAdminError(f"unknown invitation role {role!r}; known: {', '.join(INVITE_ROLES)}")
        values[_PENDING + checked_id(invitation["id"], "invitation id")] = _record_value(invitation, role, existing_user_id)

    def change(attributes, organization):
        attributes.update(values)

    _verified_update(admin, organization_id, change, lambda a: all(a.get(k) == v for k, v in values.items()))


def forget_invited_role(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    key = _PENDING + checked_id(invitation_id, "invitation id")

    def change(attributes, organization):
        return attributes.pop(key, None) is not None

    _update_role_records(admin, organization_id, change)


def discard_role_records(admin: KeycloakAdmin, organization_id: str, email: str) -> None:
    """Drop the pending role records of an e-mail (the person joins by another way than its invitation)."""
    email = email.lower()

    def change(attributes, organization):
        stale = [k for k, v in attributes.items() if k.startswith(_PENDING) and len(v) > 1 and v[1] == email]
        for key in stale:
            attributes.pop(key)
        return bool(stale)

    _update_role_records(admin, organization_id, change)


def invited_roles(organization: dict) -> dict[str, dict]:
    """{invitation id: {"role", "email", "user_id", "expires", "accepted": date|None}} from an organization."""
    records = {}
    for key, values in (organization.get("attributes") or {}).items():
        for prefix, accepted in ((_PENDING, False), (_ACCEPTED, True)):
            if key.startswith(prefix) and is_id(key[len(prefix):]) and len(values) >= 2:
                padded = list(values) + ["", "", "", "", ""]
                records[key[len(prefix):]] = {
                    "role": padded[0], "email": padded[1], "user_id": padded[2],
                    "expires": padded[3] if not accepted else "", "sent": padded[4] if not accepted else "",
                    "accepted": padded[3] if accepted else None}
    return records


def _invited_account(record: dict, member: dict | None) -> bool:
    """Is this member the account the record's invitation was for? See the comment above."""
    if member is None:
        return False
    if record["user_id"]:
        return member.get("id") == record["user_id"]
    created = (member.get("createdTimestamp") or 0) / 1000
    expires, sent = float(record["expires"] or 0), float(record.get("sent") or 0)
    # registering through the link creates the account between sending and expiry (a minute of clock slack)
    return bool(expires and sent) and sent - 60 <= created <= expires + 60


def apply_invited_roles(admin: KeycloakAdmin, organization_id: str) -> list[str]:
    """Grant the recorded role of every used invitation; remove records whose invitation is gone unused."""
    organization_id = checked_id(organization_id, "organization id")
    pending = {i: r for i, r in invited_roles(organization_by_id(admin, organization_id)).items() if r["accepted"] is None}
    if not pending:
        return []
    live = {invitation["id"] for invitation in list_invitations(admin, organization_id)}
    gone = {i: r for i, r in pending.items() if i not in live}
    if not gone:
        return []
    members = {(m.get("email") or "").lower(): m for m in organization_members(admin, organization_id)}
    granted, stale = {}, []
    for invitation_id, record in gone.items():
        member = members.get(record["email"])
        if _invited_account(record, member):
            grant_employer_roles(admin, organization_id, member["id"], INVITE_ROLES.get(record["role"], ()))
            granted[invitation_id] = (record, member["id"])
        else:
            stale.append(invitation_id)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def change(attributes, organization):
        for invitation_id in stale:
            attributes.pop(_PENDING + invitation_id, None)
        for invitation_id, (record, user_id) in granted.items():
            attributes.pop(_PENDING + invitation_id, None)
            attributes[_ACCEPTED + invitation_id] = [record["role"], record["email"], user_id, now]

    _update_role_records(admin, organization_id, change)
    return sorted(record["email"] for record, _ in granted.values())


def apply_invited_role_for_user(admin: KeycloakAdmin, user_id: str) -> list[str]:
    """For the welcome page: grant the invited role(s) of this user in each of their employers."""
    granted = []
    for organization_id in user_organization_ids(admin, user_id):
        granted += apply_invited_roles(admin, organization_id)
    return granted


def send_invitation(admin: KeycloakAdmin, organization_id: str, email: str, first_name: str, last_name: str) -> None:
    """Keycloak's organization invitation: a registration link valid for the realm's admin
    action-token lifespan (3 days). Keycloak keeps nothing when the e-mail cannot be sent."""
    try:
        _raw(admin, "POST", (*_org(organization_id), "members", "invite-user"), what=f"invite {email}",
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
           role: str = "manager", check_member: bool = True, redirect_url: str | None = None,
           existing_account: bool = False) -> dict:
    """Invite one person with a role: send, then bind the role to the invitation's id.

    An address that already has an account is refused (ExistingAccount) unless existing_account:
    inviting someone who works for another employer into this one must be an explicit act.
    Returns the invitation."""
    organization_id = checked_id(organization_id, "organization id")
    if role not in INVITE_ROLES:
        raise KeycloakAdminError(f"unknown invitation role {role!r}; known: {', '.join(INVITE_ROLES)}")
    if check_member and find_member_by_email(admin, organization_id, email):
        raise AlreadyMember(f"{email} is already a member of this employer")
    if check_member and list_invitations(admin, organization_id, email=email):
        raise InvitationExists(f"{email} already has an invitation to this employer; use resend")
    account = guarded(find_user_by_email, admin, email)
    if account and not existing_account:
        raise ExistingAccount(f"{email} already has an account (possibly at another employer); inviting it into "
                              "this employer must be explicit (--existing-account)")
    if redirect_url:
        set_redirect_url(admin, organization_id, redirect_url)
    send_invitation(admin, organization_id, email, first_name, last_name)
    invitation = None
    try:
        invitation = next(iter(list_invitations(admin, organization_id, email=email, status="PENDING")), None)
        if invitation is None:
            raise KeycloakAdminError(f"the invitation for {email} was sent but is not listed; try again")
        record_invited_role(admin, organization_id, invitation, role, account["id"] if account else "")
    except BaseException:
        if invitation is not None:  # no invitation may stay without its role record... nor grant one
            try:
                _raw(admin, "DELETE", (*_org(organization_id), "invitations", checked_id(invitation["id"])),
                     what="undo invitation")
            except KeycloakAdminError:
                pass
        raise
    return invitation


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
        page = _raw(admin, "GET", (*_org(organization_id), "invitations"), what="invitations", **params).json()
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
        record = roles.get(invitation["id"], {})
        rows.append({"id": invitation["id"], "email": invitation["email"],
                     "firstName": invitation.get("firstName") or "", "lastName": invitation.get("lastName") or "",
                     "status": invitation["status"].lower(), "role": record.get("role", ""),
                     "sentDate": invitation.get("sentDate"), "expiresAt": invitation.get("expiresAt")})
    for record in roles.values():
        if record["accepted"] is not None:
            rows.append({"id": None, "email": record["email"], "firstName": "", "lastName": "", "status": "accepted",
                         "role": record["role"], "sentDate": None, "expiresAt": None, "acceptedAt": record["accepted"]})
    return rows


def get_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> dict:
    """One invitation, looked up under this organization only (another employer's id is not found)."""
    return _raw(admin, "GET", (*_org(organization_id), "invitations", checked_id(invitation_id, "invitation id")),
                what="invitation").json()


def resend_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> None:
    """A new e-mail with a new 3-day link; Keycloak replaces the invitation (new id), the role record moves."""
    organization_id = checked_id(organization_id, "organization id")
    invitation_id = checked_id(invitation_id, "invitation id")
    old = get_invitation(admin, organization_id, invitation_id)
    record = invited_roles(organization_by_id(admin, organization_id)).get(invitation_id)
    try:
        _raw(admin, "POST", (*_org(organization_id), "invitations", invitation_id, "resend"), what="resend")
    except (NotFound, KeycloakRefused, KeycloakUnreachable):
        raise
    except KeycloakAdminError as exc:
        if "send" in str(exc).lower():
            raise MailNotSent(f"the invitation e-mail could not be sent (is SMTP up?): {exc}") from exc
        raise
    if record is None or record["accepted"] is not None:
        return
    renewed = next((i for i in list_invitations(admin, organization_id, email=old["email"], status="PENDING")), None)
    if renewed is None or renewed["id"] == invitation_id:
        if renewed is not None:
            record_invited_role(admin, organization_id, renewed, record["role"], record["user_id"])
        return
    record_invited_role(admin, organization_id, renewed, record["role"], record["user_id"])
    forget_invited_role(admin, organization_id, invitation_id)


def revoke_invitation(admin: KeycloakAdmin, organization_id: str, invitation_id: str) -> str:
    """Forget the invitation's role, then delete it (its link stops working); returns the e-mail."""
    organization_id = checked_id(organization_id, "organization id")
    invitation_id = checked_id(invitation_id, "invitation id")
    invitation = get_invitation(admin, organization_id, invitation_id)
    forget_invited_role(admin, organization_id, invitation_id)
    _raw(admin, "DELETE", (*_org(organization_id), "invitations", invitation_id), what="revoke")
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

    organization_id = checked_id(organization_id, "organization id")
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
            # token mappers added to the export after the realm was imported (the employer-roles groups claim)
            if "protocolMappers" in served_portal or portal.get("protocolMappers"):
                served_mappers = {m.get("name") for m in served_portal.get("protocolMappers") or []}
                for mapper in portal.get("protocolMappers", []):
                    if mapper["name"] not in served_mappers:
                        changes.append((f"client.portal.protocolMapper.{mapper['name']}", None,
                                        mapper.get("protocolMapper")))
    changes += single_factor_changes(admin, desired, served)
    from app import kc_realm_steps  # steps and required actions added to the export later

    changes += kc_realm_steps.step_changes(admin, desired)
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
        served.pop("protocolMappers", None)  # added one by one below; a client update does not add them
        guarded(admin.update_client, served["id"], served)
        mappers = {m["name"]: m for m in portal.get("protocolMappers", [])}
        for key in client_changes:
            if key.startswith("client.portal.protocolMapper."):
                mapper = {k: v for k, v in mappers[key.split(".", 3)[3]].items() if k != "id"}
                guarded(admin.add_mapper_to_client, served["id"], mapper)
    _apply_single_factor_changes(admin, changes)
    from app import kc_realm_steps

    kc_realm_steps.apply(admin, desired, changes)


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
