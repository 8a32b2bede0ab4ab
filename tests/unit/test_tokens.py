"""Back-channel logout tokens are checked locally against the JWKS."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from app.tokens import BACKCHANNEL_LOGOUT_EVENT, InvalidToken, verify_logout_token

ISSUER = "http://127.0.0.1:8080/realms/arbo"


@pytest.fixture(scope="module")
def key():
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})


def jwks_of(*keys):
    return KeySet(list(keys)).as_dict(private=False)


def make_token(key, **overrides):
    claims = {"iss": ISSUER, "aud": "portal", "iat": int(time.time()), "exp": int(time.time()) + 60,
              "jti": "j", "sid": "session-1", "sub": "user-1", "events": {BACKCHANNEL_LOGOUT_EVENT: {}}}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def verify(token, jwks):
    return verify_logout_token(token, lambda force: jwks, ISSUER, "portal")


def test_a_valid_logout_token_is_accepted(key):
    assert verify(make_token(key), jwks_of(key))["sid"] == "session-1"


@pytest.mark.parametrize("overrides", [
    {"iss": "http://evil/realms/arbo"},
    {"aud": "other-client"},
    {"events": {"something-else": {}}},
    {"nonce": "n"},
    {"sid": None, "sub": None},
    {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 60},
    {"exp": int(time.time()) - 120},
])
def test_wrong_claims_are_refused(key, overrides):
    with pytest.raises(InvalidToken):
        verify(make_token(key, **overrides), jwks_of(key))


def test_a_token_signed_by_another_key_is_refused(key):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
    with pytest.raises(InvalidToken):
        verify(make_token(stranger), jwks_of(key))


def test_an_unknown_key_id_fetches_the_keys_again_once(key):
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2", "use": "sig", "alg": "RS256"})
    calls = []

    def provider(force):
        calls.append(force)
        return jwks_of(key, rotated) if force else jwks_of(key)

    assert verify_logout_token(make_token(rotated), provider, ISSUER, "portal")["sub"] == "user-1"
    assert calls == [False, True]


def test_garbage_is_refused():
    with pytest.raises(InvalidToken):
        verify("not-a-jwt", {"keys": []})
    with pytest.raises(InvalidToken):
        verify("", {"keys": []})
