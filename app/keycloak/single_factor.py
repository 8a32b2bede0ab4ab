"""No single factor (issue 10): a password alone never yields a token, and nothing but the
portal's re-authentication path removes a second factor.

Keycloak creates some clients itself (admin-cli accepts the password grant by default) and adds
roles to every new realm's default roles that realm-export.json cannot take away, so this runs
after every realm create and update (realm.py) and at every Keycloak start (kc_runner).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakAdminError, guarded
from app.keycloak.ids import checked_id

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

DENIED_DIRECT_GRANT_FLOW = "arbo direct grant denied"
DENY_ACCESS = "deny-access-authenticator"
# (client id or None for a realm role, role): manage-account lets the account API and console
# delete credentials; offline_access gives 30-day offline tokens
UNWANTED_DEFAULT_ROLES = {("account", "manage-account"), ("account", "manage-account-links"), (None, "offline_access")}
# delete_credential: the account console's "remove" for a credential (the portal does not use it)
DISABLED_REQUIRED_ACTIONS = ("delete_credential",)
# replacing a second factor on request (kc_action) always asks password and second factor again; so
# does adding a passkey, which is a whole sign-in by itself (the quick path on the sign-in page)
REAUTHENTICATING_ACTIONS = ("arbo-choose-2fa", "CONFIGURE_TOTP", "webauthn-register-passwordless")


def refuse_master(realm: str) -> None:
    if realm == "master":
        raise KeycloakAdminError("de master-realm is de beheerrealm van Keycloak (the master realm is Keycloak's own); "
                                 "richt een andere realm in")


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
    refuse_master(admin.connection.realm_name)
    changes = single_factor_changes(admin, desired)
    ensure_flows(admin, desired, changes)
    if any(key == "directGrantFlow" for key, _, _ in changes) or "directGrantFlow" in desired:
        flow = desired.get("directGrantFlow") or DENIED_DIRECT_GRANT_FLOW
        guarded(admin.update_realm, admin.connection.realm_name, {"directGrantFlow": flow})
    apply_single_factor_changes(admin, changes)
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


def ensure_flows(admin: KeycloakAdmin, desired: dict, changes: list[tuple[str, object, object]]) -> None:
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
                raise KeycloakAdminError(f"flow {alias!r}: subflows worden alleen met de realm aangemaakt; "
                                         "maak de realm opnieuw aan of pas de flow aan in de beheerconsole")
            guarded(admin.create_authentication_flow_execution, {"provider": step["authenticator"]}, alias)
            added = [e for e in guarded(admin.get_authentication_flow_executions, alias)
                     if e.get("providerId") == step["authenticator"] and e.get("level", 0) == 0][-1]
            added["requirement"] = step["requirement"]
            guarded(admin.update_authentication_flow_executions, added, alias)


def _unwanted_default_roles(admin: KeycloakAdmin, served: dict) -> list[dict]:
    default_role = served.get("defaultRole") or {}
    if not default_role.get("id"):
        return []
    composites = guarded(admin.get_role_composites_by_id, checked_id(default_role["id"], "role id"))
    client_ids = {c["id"]: c["clientId"] for c in guarded(admin.get_clients)}
    unwanted = []
    for role in composites:
        owner = client_ids.get(role.get("containerId")) if role.get("clientRole") else None
        if (owner, role["name"]) in UNWANTED_DEFAULT_ROLES:
            unwanted.append(role | {"_label": f"{owner}.{role['name']}" if owner else role["name"]})
    return unwanted


def apply_single_factor_changes(admin: KeycloakAdmin, changes: list[tuple[str, object, object]]) -> None:
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
            guarded(admin.remove_realm_default_roles, unwanted)

