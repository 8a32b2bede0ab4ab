"""app.keycloak.ids and every admin call of the package: hostile ids are refused before any request."""

from __future__ import annotations

import pytest

from app import keycloak as kc

INV_1, INV_2 = "11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-000000000000"
USER = "abcdefab-cdef-4abc-8def-abcdefabcdef"


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
    "organization_by_id": lambda a, bad: kc.organizations.organization_by_id(a, bad),
    "organization_members": lambda a, bad: kc.organizations.organization_members(a, bad),
    "find_member_by_email": lambda a, bad: kc.organizations.find_member_by_email(a, bad, "x@y.nl"),
    "ensure_role_groups": lambda a, bad: kc.roles.ensure_role_groups(a, bad),
    "employer_roles_of(org)": lambda a, bad: kc.roles.employer_roles_of(a, bad, USER),
    "employer_roles_of(user)": lambda a, bad: kc.roles.employer_roles_of(a, ORG_ID, bad),
    "grant_employer_roles(org)": lambda a, bad: kc.roles.grant_employer_roles(a, bad, USER, ["manager"]),
    "grant_employer_roles(user)": lambda a, bad: kc.roles.grant_employer_roles(a, ORG_ID, bad, ["manager"]),
    "revoke_employer_roles": lambda a, bad: kc.roles.revoke_employer_roles(a, ORG_ID, bad),
    "user_organization_ids": lambda a, bad: kc.organizations.user_organization_ids(a, bad),
    "apply_invited_roles": lambda a, bad: kc.invitations.apply_invited_roles(a, bad),
    "apply_invited_role_for_user": lambda a, bad: kc.invitations.apply_invited_role_for_user(a, bad),
    "send_invitation": lambda a, bad: kc.invitations.send_invitation(a, bad, "x@y.nl", "X", "Y"),
    "invite": lambda a, bad: kc.invitations.invite(a, bad, email="x@y.nl", first_name="X", last_name="Y"),
    "list_invitations": lambda a, bad: kc.invitations.list_invitations(a, bad),
    "invitation_overview": lambda a, bad: kc.invitations.invitation_overview(a, bad),
    "get_invitation(org)": lambda a, bad: kc.invitations.get_invitation(a, bad, INV_1),
    "get_invitation(invitation)": lambda a, bad: kc.invitations.get_invitation(a, ORG_ID, bad),
    "resend_invitation(org)": lambda a, bad: kc.invitations.resend_invitation(a, bad, INV_1),
    "resend_invitation(invitation)": lambda a, bad: kc.invitations.resend_invitation(a, ORG_ID, bad),
    "revoke_invitation(org)": lambda a, bad: kc.invitations.revoke_invitation(a, bad, INV_1),
    "revoke_invitation(invitation)": lambda a, bad: kc.invitations.revoke_invitation(a, ORG_ID, bad),
    "forget_invited_role": lambda a, bad: kc.invited_roles.forget_invited_role(a, ORG_ID, bad),
    "record_invited_role": lambda a, bad: kc.invited_roles.record_invited_role(a, ORG_ID, {"id": bad, "email": "x@y.nl"}, "manager"),
    "create_employee": lambda a, bad: kc.users.create_employee(a, bad, email="x@y.nl", first_name="X", last_name="Y",
                                                               birth_date="1990-01-01", mobile="+31612345678"),
    "ensure_user": lambda a, bad: kc.users.ensure_user(a, email="x@y.nl", first_name="X", last_name="Y", roles=[],
                                                       organization_id=bad),
    "discard_role_records": lambda a, bad: kc.invited_roles.discard_role_records(a, bad, "x@y.nl"),
    "set_redirect_url": lambda a, bad: kc.invited_roles.set_redirect_url(a, bad, "http://x/"),
    "delete_employer": lambda a, bad: kc.organizations.delete_employer(a, bad),
    "role_group_path": lambda a, bad: kc.roles.role_group_path(bad, "manager"),
}


@pytest.mark.parametrize("call", sorted(CALLS_WITH_IDS))
@pytest.mark.parametrize("bad", HOSTILE_IDS, ids=repr)
def test_hostile_ids_are_refused_before_any_request(call, bad):
    if call == "ensure_user" and bad is None:
        return  # ensure_user(organization_id=None) means: no employer
    admin = _admin_recording()
    with pytest.raises(kc.errors.InvalidId):
        CALLS_WITH_IDS[call](admin, bad)
    assert admin.connection.calls == []


def test_path_segments_are_quoted():
    from app.keycloak.ids import InvalidId, path

    assert path("organizations", "a/b", "c?d#e") == "organizations/a%2Fb/c%3Fd%23e"
    for bad in ("..", ".", ""):
        with pytest.raises(InvalidId):
            path("organizations", bad)
