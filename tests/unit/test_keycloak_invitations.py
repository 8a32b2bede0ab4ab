"""app.keycloak.invitations without Keycloak: what a 409 or a 500 from invite-user means."""

from __future__ import annotations

from unittest import mock

import pytest

from app.keycloak import errors, invitations

ORG = "aaaaaaaa-0000-4000-8000-00000000000a"


def _refused(status):
    return mock.patch.object(invitations.rest, "call", side_effect=errors.classify(status, b'{"errorMessage":"x"}',
                                                                                    "uitnodiging", mail=True))


def test_a_conflict_on_invite_user_is_told_apart_by_asking_keycloak():
    with _refused(409), mock.patch.object(invitations, "find_member_by_email", return_value={"id": "m"}):
        with pytest.raises(errors.AlreadyMember):
            invitations.send_invitation(object(), ORG, "a@x.nl", "A", "B")
    with _refused(409), mock.patch.object(invitations, "find_member_by_email", return_value=None):
        with pytest.raises(errors.InvitationExists):
            invitations.send_invitation(object(), ORG, "a@x.nl", "A", "B")


def test_a_server_error_on_invite_user_is_a_mail_not_sent():
    with _refused(500), pytest.raises(errors.MailNotSent):
        invitations.send_invitation(object(), ORG, "a@x.nl", "A", "B")


def test_welcome_url():
    assert invitations.welcome_url("https://portaal.example/") == "https://portaal.example/invitations/welcome"
