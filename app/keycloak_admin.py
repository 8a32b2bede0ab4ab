"""Re-exports only: the Keycloak admin code lives in the package app/keycloak/ (one module per job).

This module goes away when the branches in flight (which still import app.keycloak_admin) are
merged and rewritten with /work/notes/kc-package-map.txt. Add nothing here."""

from keycloak import KeycloakAdmin  # noqa: F401

from app.keycloak.client import for_realm as _admin_for_realm, master_admin, realm_admin  # noqa: F401
from app.keycloak.errors import (  # noqa: F401
    AlreadyMember, ExistingAccount, InvalidId, InvitationExists, KeycloakAdminError, KeycloakRefused,
    KeycloakUnreachable, MailNotSent, NotFound, checked as _checked, guarded)
from app.keycloak.ids import checked_id, path as id_path, is_id  # noqa: F401
from app.keycloak.invitations import (  # noqa: F401
    apply_invited_role_for_user, apply_invited_roles, get_invitation, invitation_overview, invite,
    list_invitations, resend_invitation, revoke_invitation, send_invitation, welcome_url)
from app.keycloak.invited_roles import (  # noqa: F401
    INVITE_ROLES, ACCEPTED as _ACCEPTED, PENDING as _PENDING, invited_account as _invited_account,
    update_records as _update_role_records, discard_role_records, forget_invited_role, invited_roles,
    record_invited_role, record_invited_roles, set_redirect_url)
from app.keycloak.organizations import (  # noqa: F401
    alias as _alias, delete_employer, ensure_organization, find_member_by_email, find_organization,
    find_organization_by_alias, list_organizations, organization_by_id, organization_members,
    user_organization_ids)
from app.keycloak.realm import (  # noqa: F401
    BRAND_KEYS, EMPLOYER_ROLES_MAPPER, PLACEHOLDER, REALM_TEMPLATE, _comparable, apply_realm_changes,
    delete_realm, ensure_employer_roles_mapper, ensure_realm, realm_changes, render_realm,
    set_realm_text, sync_realm)
from app.keycloak.rest import (  # noqa: F401
    form_connection as _form_connection, organization as _org, call as _raw, realm_path as _realm_path)
from app.keycloak.roles import (  # noqa: F401
    EMPLOYERS_GROUP, EMPLOYER_ROLES, PORTAL_ROLES, REALM_ROLES, delete_role_groups as
    _delete_role_groups, employer_roles_of, ensure_role_groups, grant_employer_roles, prune_role_groups,
    revoke_employer_roles, role_group_path)
from app.keycloak.single_factor import (  # noqa: F401
    DENIED_DIRECT_GRANT_FLOW, DENY_ACCESS, DISABLED_REQUIRED_ACTIONS, REAUTHENTICATING_ACTIONS,
    UNWANTED_DEFAULT_ROLES, apply_single_factor_changes as _apply_single_factor_changes, ensure_flows as
    _ensure_flows, refuse_master as _refuse_master, enforce_no_single_factor, single_factor_changes)
from app.keycloak.users import (  # noqa: F401
    WELCOME_LINK_LIFESPAN, create_employee, ensure_user, find_user_by_email)
