"""Sign-in steps and required actions that `provision realm` adds to a realm imported earlier.

Keycloak's realm update does not touch authentication flows or required actions, so a step added
to realm-export.json later (the recovery-code form in the 2FA sub-flow, passkeys) or a required
action added later (CONFIGURE_RECOVERY_AUTHN_CODES, webauthn-register) would exist only in realms
created after the change. realm_changes() in app/keycloak/realm.py asks step_changes() for what is
missing and apply_realm_changes() hands the same list to apply(); both are (what, served, desired)
entries like every other realm change, so `--dry-run` lists them too.

Only missing things are added, never removed or reordered: a step someone disabled on purpose in
the admin console is left alone, and a new step lands last in its sub-flow (realm-export.json lists
new steps last for the same reason). A step with a configuration (a condition) gets it on creation.
One requirement is brought in line too: a sub-flow that realm-export.json marks CONDITIONAL (the 2FA
sub-flow, skipped after a passkey sign-in) while the realm still has it REQUIRED; only that change,
so a sub-flow disabled on purpose stays disabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.keycloak.errors import guarded
from app.keycloak.rest import call as _raw

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

STEP = "flowStep."
SUBFLOW = "flowRequirement."
ACTION = "requiredActionSetup."  # not "requiredAction.": single_factor_changes() owns that prefix


def _served_steps(admin: KeycloakAdmin, alias: str) -> set[str] | None:
    """Authenticators directly in the flow (sub-flows' own steps excluded); None: no such flow."""
    from keycloak.exceptions import KeycloakGetError

    try:
        executions = guarded(admin.get_authentication_flow_executions, alias)
    except KeycloakGetError as exc:
        if exc.response_code == 404:
            return None
        raise
    return {e.get("providerId") for e in executions if e.get("level", 0) == 0 and not e.get("authenticationFlow")}


def _served_subflows(admin: KeycloakAdmin, alias: str) -> dict[str, dict]:
    """The sub-flow executions directly in the flow, by the sub-flow's alias (its displayName)."""
    return {e.get("displayName"): e for e in guarded(admin.get_authentication_flow_executions, alias)
            if e.get("level", 0) == 0 and e.get("authenticationFlow")}


def step_changes(admin: KeycloakAdmin, desired: dict) -> list[tuple[str, object, object]]:
    changes: list[tuple[str, object, object]] = []
    configs = {c["alias"] for c in desired.get("authenticatorConfig", [])}
    for flow in desired.get("authenticationFlows", []):
        # steps with a configuration only when the export defines it (a condition's settings)
        wanted = [s for s in flow["authenticationExecutions"]
                  if not s.get("authenticatorFlow") and s.get("authenticatorConfig", "") in configs | {""}]
        subflows = [s for s in flow["authenticationExecutions"]
                    if s.get("authenticatorFlow") and s.get("requirement") == "CONDITIONAL"]
        if not wanted and not subflows:
            continue
        served = _served_steps(admin, flow["alias"])
        if served is None:
            continue  # a flow the realm lacks entirely is created with the realm only (or single_factor_changes)
        for step in wanted:
            if step["authenticator"] not in served:
                changes.append((f"{STEP}{flow['alias']}.{step['authenticator']}", None, step["requirement"]))
        served_subflows = _served_subflows(admin, flow["alias"]) if subflows else {}
        for step in subflows:
            execution = served_subflows.get(step["flowAlias"])
            if execution is not None and execution.get("requirement") == "REQUIRED":
                changes.append((f"{SUBFLOW}{flow['alias']}.{step['flowAlias']}", "REQUIRED", "CONDITIONAL"))
    served_actions = {a["alias"]: a for a in guarded(admin.get_required_actions)}
    for action in desired.get("requiredActions", []):
        if not action.get("enabled"):
            continue
        served = served_actions.get(action["alias"])
        if served is None:
            changes.append((f"{ACTION}{action['alias']}", None, "enabled"))
        elif not served.get("enabled"):
            changes.append((f"{ACTION}{action['alias']}", "disabled", "enabled"))
    return changes


def apply(admin: KeycloakAdmin, desired: dict, changes: list[tuple[str, object, object]]) -> None:
    """Add the missing steps (with their requirement and configuration), make the sub-flows
    conditional, and register or enable the missing actions."""
    flows = {f["alias"]: f for f in desired.get("authenticationFlows", [])}
    configs = {c["alias"]: c for c in desired.get("authenticatorConfig", [])}
    for key, _, requirement in changes:
        if not key.startswith(STEP):
            continue
        alias, authenticator = key[len(STEP):].rsplit(".", 1)
        guarded(admin.create_authentication_flow_execution, {"provider": authenticator}, alias)
        added = [e for e in guarded(admin.get_authentication_flow_executions, alias)
                 if e.get("providerId") == authenticator and e.get("level", 0) == 0][-1]
        guarded(admin.update_authentication_flow_executions, added | {"requirement": requirement}, alias)
        step = next(s for s in flows[alias]["authenticationExecutions"] if s.get("authenticator") == authenticator)
        if step.get("authenticatorConfig"):
            config = configs[step["authenticatorConfig"]]
            _raw(admin, "POST_JSON", ("authentication", "executions", added["id"], "config"),
                 body={"alias": config["alias"], "config": config["config"]},
                 what=f"configuration {config['alias']}")
    for key, _, requirement in changes:
        if key.startswith(SUBFLOW):
            alias, subflow = key[len(SUBFLOW):].split(".", 1)
            execution = _served_subflows(admin, alias)[subflow]
            guarded(admin.update_authentication_flow_executions, execution | {"requirement": requirement}, alias)
    wanted = {a["alias"]: a for a in desired.get("requiredActions", [])}
    for key, served, _ in changes:
        if not key.startswith(ACTION):
            continue
        action = wanted[key[len(ACTION):]]
        if served is None:
            _raw(admin, "POST_JSON", "authentication/register-required-action",
                 form={"providerId": action["providerId"], "name": action["name"]},
                 what=f"required action {action['alias']}")
        current = guarded(admin.get_required_action_by_alias, action["alias"]) or {}
        config = (current.get("config") or {}) | (action.get("config") or {})
        guarded(admin.update_required_action, action["alias"],
                current | {"enabled": True, "priority": action.get("priority", current.get("priority")), "config": config})
