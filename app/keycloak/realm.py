"""The realm as code: realm-export.json rendered, created, and on a running server compared with
the served realm and brought in line (Keycloak's import at start-up skips realms that exist).
Created or updated, a realm ends with no single factor (single_factor.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import ROOT
from app.keycloak import realm_steps, rest
from app.keycloak.client import for_realm
from app.keycloak.errors import KeycloakAdminError, guarded
from app.keycloak.ids import checked_id
from app.keycloak.single_factor import (apply_single_factor_changes, enforce_no_single_factor, ensure_flows,
                                        refuse_master, single_factor_changes)

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

REALM_TEMPLATE = ROOT / "realm-export.json"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)(?::([^}]*))?\}")


def render_realm(placeholders: dict[str, str], realm_name: str | None = None, template: Path = REALM_TEMPLATE) -> dict:
    """realm-export.json with its ${VAR:default} placeholders filled in, as Keycloak's import does."""

    def substitute(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in placeholders:
            return json.dumps(placeholders[name])[1:-1]  # keep the JSON string valid
        if default is None:
            raise KeycloakAdminError(f"realm-export.json heeft een waarde nodig voor ${{{name}}}; zet die omgevingsvariabele")
        return default

    representation = json.loads(PLACEHOLDER.sub(substitute, template.read_text(encoding="utf-8")))
    if realm_name:
        representation["realm"] = realm_name
    return representation


def ensure_realm(admin: KeycloakAdmin, representation: dict) -> bool:
    """Create the realm unless it exists; True when it was created. A new realm gets what the
    import cannot do (enforce_no_single_factor: no password grant, no credential removal)."""
    name = representation["realm"]
    existing = {realm["realm"] for realm in guarded(admin.get_realms)}
    if name in existing:
        return False
    guarded(admin.create_realm, payload=representation, skip_exists=False)
    enforce_no_single_factor(for_realm(admin, name), representation)
    return True


def delete_realm(admin: KeycloakAdmin, name: str) -> None:
    guarded(admin.delete_realm, realm_name=name)


EMPLOYER_ROLES_MAPPER = "employer roles as groups"


def ensure_employer_roles_mapper(admin: KeycloakAdmin, realm: str, template: Path = REALM_TEMPLATE) -> bool:
    """The portal client's groups mapper (realm-export.json) on a realm imported before it existed
    (Keycloak's import skips existing realms); True when it was added. Needs an admin that may manage
    clients (the master admin)."""
    desired = json.loads(PLACEHOLDER.sub(lambda m: m.group(2) or "", template.read_text(encoding="utf-8")))
    portal = next(c for c in desired["clients"] if c["clientId"] == "portal")
    mapper = next(m for m in portal["protocolMappers"] if m["name"] == EMPLOYER_ROLES_MAPPER)
    scoped = for_realm(admin, realm)
    client_id = guarded(scoped.get_client_id, "portal")
    if not client_id:
        raise KeycloakAdminError(f"realm {realm} heeft geen portal-client; richt de realm in met 'provision realm'")
    client_id = checked_id(client_id, "client id")
    if any(m.get("name") == EMPLOYER_ROLES_MAPPER for m in guarded(scoped.get_mappers_from_client, client_id)):
        return False
    guarded(scoped.add_mapper_to_client, client_id, mapper)
    return True


# Top-level realm settings managed by `provision realm`; lists/structures handled separately.
_SKIP_KEYS = {"realm", "roles", "clients", "users", "components", "requiredActions", "localizationTexts",
              "smtpServer", "attributes", "authenticationFlows", "authenticatorConfig", "clientScopes", "groups",
              "identityProviders", "identityProviderMappers", "scopeMappings", "clientScopeMappings",
              "organizations", "keys"}
BRAND_KEYS = ("arboBrandName", "arboBrandPrimaryColor", "arboBrandLogoUrl")


PASSKEY_POLICY = "webAuthnPolicyPasswordless"  # the realm's passkey settings (realm-export.json)


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
        served_texts = rest.call(admin, "GET", ("localization", locale), what="realmteksten").json()
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
    changes += realm_steps.step_changes(admin, desired)  # sign-in steps and required actions added to the export later
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
    ensure_flows(admin, desired, changes)
    top = {key: desired[key] for key, _, _ in changes if "." not in key and key in desired}
    if any(key.startswith("smtpServer.") for key, _, _ in changes):
        top["smtpServer"] = desired["smtpServer"]
    if any(key.startswith("attributes.") for key, _, _ in changes):
        top["attributes"] = desired["attributes"]
    if any(key.startswith(PASSKEY_POLICY) for key in top):
        # Keycloak updates its passkey policy only as a whole (a lone "passkeys enabled" is ignored)
        top |= {key: value for key, value in desired.items() if key.startswith(PASSKEY_POLICY)}
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
    apply_single_factor_changes(admin, changes)
    realm_steps.apply(admin, desired, changes)


def set_realm_text(admin: KeycloakAdmin, locale: str, key: str, value: str) -> None:
    """One realm localization text (the theme reads branding from these)."""
    rest.put_text(admin, ("localization", locale, key), value, what=f"realmtekst {locale}.{key}")


def sync_realm(admin: KeycloakAdmin, desired: dict, *, dry_run: bool = False) -> tuple[str, list]:
    """Create the realm or bring it in line; ("created"|"updated"|"unchanged"|"would ...", changes).

    Created or updated, the realm ends with no client accepting the password grant (see
    single_factor_changes), also for clients Keycloak or a person added after the import."""
    refuse_master(desired["realm"])
    served = None
    if desired["realm"] in {r["realm"] for r in guarded(admin.get_realms)}:
        served = guarded(admin.get_realm, desired["realm"])
    scoped = admin if served is None else for_realm(admin, desired["realm"])
    changes = realm_changes(scoped, desired, served)
    if not changes:
        return "unchanged", []
    if dry_run:
        return ("would create" if served is None else "would update"), changes
    if served is None:
        guarded(admin.create_realm, payload=desired, skip_exists=False)
        enforce_no_single_factor(for_realm(admin, desired["realm"]), desired)
        return "created", changes
    apply_realm_changes(scoped, desired, changes)
    return "updated", changes
