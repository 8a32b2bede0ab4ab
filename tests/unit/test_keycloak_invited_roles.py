"""app.keycloak.invited_roles without Keycloak: role records bound to invitation ids."""

from __future__ import annotations

import pytest

from app import keycloak as kc

INV_1, INV_2 = "11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-000000000000"
USER = "abcdefab-cdef-4abc-8def-abcdefabcdef"


def test_invited_roles_are_bound_to_invitation_ids():
    organization = {"attributes": {f"invite:{INV_1}": ["manager", "a@x.nl", "", "1800000000", "1799740800"],
                                   f"accepted:{INV_2}": ["superuser", "b@x.nl", USER, "2026-01-01T00:00:00Z"],
                                   "invite:c@x.nl": ["manager"],  # the old, e-mail-bound form: grants nothing
                                   "other": ["kept"]}}
    assert kc.invited_roles.invited_roles(organization) == {
        INV_1: {"role": "manager", "email": "a@x.nl", "user_id": "", "expires": "1800000000", "sent": "1799740800",
                "accepted": None},
        INV_2: {"role": "superuser", "email": "b@x.nl", "user_id": USER, "expires": "", "sent": "",
                "accepted": "2026-01-01T00:00:00Z"}}


def test_only_the_invited_account_counts_as_accepting():
    record = {"user_id": "", "expires": str(1_800_000_000), "sent": str(1_800_000_000 - 3 * 86400)}
    registered = {"id": USER, "createdTimestamp": (1_800_000_000 - 3600) * 1000}
    assert kc.invited_roles.invited_account(record, registered)
    assert not kc.invited_roles.invited_account(record, {"id": USER, "createdTimestamp": (1_800_000_000 + 86400) * 1000})  # later import
    assert not kc.invited_roles.invited_account(record, {"id": USER, "createdTimestamp": 1_000_000_000_000})  # an old account
    assert not kc.invited_roles.invited_account(record, None)
    existing = {"user_id": USER, "expires": "1800000000", "sent": "1799740800"}
    assert kc.invited_roles.invited_account(existing, {"id": USER, "createdTimestamp": 0})
    assert not kc.invited_roles.invited_account(existing, {"id": "another", "createdTimestamp": 0})


def test_superuser_invitation_also_grants_manager():
    assert set(kc.invited_roles.INVITE_ROLES["superuser"]) == {"manager", "superuser"}
    assert "employee" not in kc.invited_roles.INVITE_ROLES  # employees get an account and a welcome e-mail instead


def test_record_invited_role_refuses_unknown_roles():
    with pytest.raises(kc.errors.KeycloakAdminError, match="unknown invitation role"):
        kc.invited_roles.record_invited_role(object(), USER, {"id": INV_1, "email": "a@x.nl"}, "koning")
