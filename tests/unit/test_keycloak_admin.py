"""app.keycloak_admin without Keycloak: role records, error mapping, the form connection twin."""

from __future__ import annotations

import pytest

from app import keycloak_admin as ka


class FakeResponse:
    def __init__(self, status, body):
        self.status_code, self._body, self.text, self.reason = status, body, str(body), "x"

    def json(self):
        return self._body


INV_1, INV_2 = "11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-000000000000"
USER = "abcdefab-cdef-4abc-8def-abcdefabcdef"


def test_invited_roles_are_bound_to_invitation_ids():
    organization = {"attributes": {f"invite:{INV_1}": ["manager", "a@x.nl", "", "1800000000", "1799740800"],
                                   f"accepted:{INV_2}": ["superuser", "b@x.nl", USER, "2026-01-01T00:00:00Z"],
                                   "invite:c@x.nl": ["manager"],  # the old, e-mail-bound form: grants nothing
                                   "other": ["kept"]}}
    assert ka.invited_roles(organization) == {
        INV_1: {"role": "manager", "email": "a@x.nl", "user_id": "", "expires": "1800000000", "sent": "1799740800",
                "accepted": None},
        INV_2: {"role": "superuser", "email": "b@x.nl", "user_id": USER, "expires": "", "sent": "",
                "accepted": "2026-01-01T00:00:00Z"}}


def test_only_the_invited_account_counts_as_accepting():
    record = {"user_id": "", "expires": str(1_800_000_000), "sent": str(1_800_000_000 - 3 * 86400)}
    registered = {"id": USER, "createdTimestamp": (1_800_000_000 - 3600) * 1000}
    assert ka._invited_account(record, registered)
    assert not ka._invited_account(record, {"id": USER, "createdTimestamp": (1_800_000_000 + 86400) * 1000})  # later import
    assert not ka._invited_account(record, {"id": USER, "createdTimestamp": 1_000_000_000_000})  # an old account
    assert not ka._invited_account(record, None)
    existing = {"user_id": USER, "expires": "1800000000", "sent": "1799740800"}
    assert ka._invited_account(existing, {"id": USER, "createdTimestamp": 0})
    assert not ka._invited_account(existing, {"id": "another", "createdTimestamp": 0})


def test_superuser_invitation_also_grants_manager():
    assert set(ka.INVITE_ROLES["superuser"]) == {"manager", "superuser"}
    assert "employee" not in ka.INVITE_ROLES  # employees get an account and a welcome e-mail instead


@pytest.mark.parametrize("status, error", [(401, ka.KeycloakRefused), (403, ka.KeycloakRefused),
                                           (404, ka.NotFound), (500, ka.KeycloakAdminError)])
def test_error_responses_map_to_our_errors(status, error):
    with pytest.raises(error):
        ka._checked(FakeResponse(status, {"errorMessage": "nee"}), "iets")
    assert ka._checked(FakeResponse(204, None), "iets").status_code == 204


def test_record_invited_role_refuses_unknown_roles():
    with pytest.raises(ka.KeycloakAdminError, match="unknown invitation role"):
        ka.record_invited_role(object(), USER, {"id": INV_1, "email": "a@x.nl"}, "koning")


def test_realm_lists_compare_as_sets():
    assert ka._comparable(["en", "nl"]) == ka._comparable(["nl", "en"])
    assert ka._comparable({"a": 1}) == {"a": 1}


def test_form_connection_has_its_own_headers_and_shares_the_pool():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:1", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    admin = KeycloakAdmin(connection=connection)
    twin = ka._form_connection(admin)
    assert twin.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert admin.connection.headers["Content-Type"] == "application/json"
    assert twin.headers["Authorization"] == admin.connection.headers["Authorization"]
    assert twin._s is admin.connection._s  # one requests session: one connection pool
    assert ka._form_connection(admin) is twin


def test_unreachable_keycloak_is_reported_as_such():
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(server_url="http://127.0.0.1:9", realm_name="r", client_id="c",
                                          client_secret_key="s", token={"access_token": "t", "expires_in": 300})
    with pytest.raises(ka.KeycloakUnreachable):
        ka.list_invitations(KeycloakAdmin(connection=connection), USER)


# --------------------------------------------------------------------------------------------
# Hostile ids: refused before any request is sent (a connection that records every call).

HOSTILE_IDS = ["..", ".", "../..", "?x=1", "#", "%2e%2e", "../../bbbbbbbb-0000-4000-8000-00000000000b/invitations/x",
               f"{INV_1}/../..", f"{INV_1}?x=1", f"{INV_1}#", f" {INV_1}", f"{{{INV_1}}}", INV_1.replace("-", ""),
               "", "org", "1", "00000000-0000-0000-0000-00000000000g", None, 7]


class RecordingConnection:
    realm_name, server_url, token, headers = "r", "http://127.0.0.1:9", {"access_token": "t"}, {}

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.calls.append((name, args))
            raise AssertionError(f"a request was sent: {name} {args}")
        return record


def _admin_recording():
    class Admin:
        connection = RecordingConnection()

        def __getattr__(self, name):  # python-keycloak's own methods
            def record(*args, **kwargs):
                self.connection.calls.append((name, args, kwargs))
                raise AssertionError(f"python-keycloak was called: {name}")
            return record

    return Admin()


ORG_ID = "aaaaaaaa-0000-4000-8000-00000000000a"
CALLS_WITH_IDS = {
    "organization_by_id": lambda a, bad: ka.organization_by_id(a, bad),
    "organization_members": lambda a, bad: ka.organization_members(a, bad),
    "find_member_by_email": lambda a, bad: ka.find_member_by_email(a, bad, "x@y.nl"),
    "ensure_role_groups": lambda a, bad: ka.ensure_role_groups(a, bad),
    "employer_roles_of(org)": lambda a, bad: ka.employer_roles_of(a, bad, USER),
    "employer_roles_of(user)": lambda a, bad: ka.employer_roles_of(a, ORG_ID, bad),
    "grant_employer_roles(org)": lambda a, bad: ka.grant_employer_roles(a, bad, USER, ["manager"]),
    "grant_employer_roles(user)": lambda a, bad: ka.grant_employer_roles(a, ORG_ID, bad, ["manager"]),
    "revoke_employer_roles": lambda a, bad: ka.revoke_employer_roles(a, ORG_ID, bad),
    "user_organization_ids": lambda a, bad: ka.user_organization_ids(a, bad),
    "apply_invited_roles": lambda a, bad: ka.apply_invited_roles(a, bad),
    "apply_invited_role_for_user": lambda a, bad: ka.apply_invited_role_for_user(a, bad),
    "send_invitation": lambda a, bad: ka.send_invitation(a, bad, "x@y.nl", "X", "Y"),
    "invite": lambda a, bad: ka.invite(a, bad, email="x@y.nl", first_name="X", last_name="Y"),
    "list_invitations": lambda a, bad: ka.list_invitations(a, bad),
    "invitation_overview": lambda a, bad: ka.invitation_overview(a, bad),
    "get_invitation(org)": lambda a, bad: ka.get_invitation(a, bad, INV_1),
    "get_invitation(invitation)": lambda a, bad: ka.get_invitation(a, ORG_ID, bad),
    "resend_invitation(org)": lambda a, bad: ka.resend_invitation(a, bad, INV_1),
    "resend_invitation(invitation)": lambda a, bad: ka.resend_invitation(a, ORG_ID, bad),
    "revoke_invitation(org)": lambda a, bad: ka.revoke_invitation(a, bad, INV_1),
    "revoke_invitation(invitation)": lambda a, bad: ka.revoke_invitation(a, ORG_ID, bad),
    "forget_invited_role": lambda a, bad: ka.forget_invited_role(a, ORG_ID, bad),
    "record_invited_role": lambda a, bad: ka.record_invited_role(a, ORG_ID, {"id": bad, "email": "x@y.nl"}, "manager"),
    "create_employee": lambda a, bad: ka.create_employee(a, bad, email="x@y.nl", first_name="X", last_name="Y",
                                                          birth_date="1990-01-01", mobile="+31612345678"),
    "ensure_user": lambda a, bad: ka.ensure_user(a, email="x@y.nl", first_name="X", last_name="Y", roles=[],
                                                 organization_id=bad),
    "discard_role_records": lambda a, bad: ka.discard_role_records(a, bad, "x@y.nl"),
    "set_redirect_url": lambda a, bad: ka.set_redirect_url(a, bad, "http://x/"),
    "delete_employer": lambda a, bad: ka.delete_employer(a, bad),
    "role_group_path": lambda a, bad: ka.role_group_path(bad, "manager"),
}


@pytest.mark.parametrize("call", sorted(CALLS_WITH_IDS))
@pytest.mark.parametrize("bad", HOSTILE_IDS, ids=repr)
def test_hostile_ids_are_refused_before_any_request(call, bad):
    if call == "ensure_user" and bad is None:
        return  # ensure_user(organization_id=None) means: no employer
    admin = _admin_recording()
    with pytest.raises(ka.InvalidId):
        CALLS_WITH_IDS[call](admin, bad)
    assert admin.connection.calls == []


def test_path_segments_are_quoted():
    from app.keycloak_ids import InvalidId, path

    assert path("organizations", "a/b", "c?d#e") == "organizations/a%2Fb/c%3Fd%23e"
    for bad in ("..", ".", ""):
        with pytest.raises(InvalidId):
            path("organizations", bad)
