"""Everything that talks to Keycloak's admin API (python-keycloak), for scripts/ and app/.

    from app import keycloak as kc
    kc.invitations.invite(admin, organization_id, email=..., first_name=..., last_name=...)

One module per job:
  client         python-keycloak admin clients: the portal's one (bound in create_app, built on first
                 use: python-keycloak is imported lazily, see client.py), the CLI's
  errors         the one error boundary: Keycloak answers -> our exceptions, by status and error code
  ids            the gate for ids that go into an admin path (UUIDs only, each segment quoted)
  rest           admin calls python-keycloak has no method for, through its own connection
  organizations  employers (Keycloak organizations) and their members
  roles          per-employer roles as realm groups /werkgevers/<organization id>/<role>
  invited_roles  the role an invitation carries, recorded on the organization
  invitations    organization invitations: invite, list, resend, revoke, grant on arrival
  users          accounts, realm roles, membership; employees and their welcome mail
  realm          realm-export.json as code on a running server
  single_factor  no client accepts a password alone, nothing removes a second factor
  realm_steps    sign-in steps and required actions added to realm-export.json later, for older realms
  employers      renaming an employer's organization (id and alias stay)
  professionals  accounts of the arbodienst's physicians and staff
  accounts       whether an account is active (a password set)
  account_help   sign-in help: status, second-factor reset, set-password mail, mobile number

Every id that goes into an admin path passes ids.checked_id() first (Keycloak ids are UUIDs) and
every path segment is quoted (ids.path): an id such as "..", "../../<other employer>/invitations/<id>",
"?x=1" or "#" raises InvalidId before any request is sent. python-keycloak formats ids into its URLs
unquoted, so ids are checked before its methods are called too.

Roles of an employer (manager, superuser) are realm groups named by the organization's id. Why not
Keycloak 26.6's organization groups: their token mapper only maps the organizations the
`organization` scope resolves to, and that resolves to *no* organization for a member of several
employers unless the client requests `organization:*` - and an explicit organization scope makes
Keycloak's cookie authenticator refuse single sign-on (every portal sign-in and every return from
an invitation asks for the password again). Realm groups keep SSO and serve users of two employers.
"""

from app.keycloak import (client, errors, ids, invitations, invited_roles, organizations, realm, rest, roles,  # noqa: F401
                          single_factor, users)
