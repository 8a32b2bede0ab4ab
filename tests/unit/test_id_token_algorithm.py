"""The portal accepts ID tokens signed with RS256 only, whatever Keycloak's discovery lists."""

import base64
import dataclasses
import json
import time

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey, RSAKey

from app import create_app
from app.config import load_settings

ISSUER = "http://127.0.0.1:1/realms/arbo"
# what Keycloak's discovery document offers (abridged): HMAC and other RSA algorithms too
DISCOVERY_ALGORITHMS = ["PS384", "RS384", "HS256", "HS512", "ES256", "RS256", "RS512", "PS256", "none"]
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
HMAC = OctKey.generate_key(256, parameters={"kid": "hmac-1"})


@pytest.fixture
def keycloak_client(tmp_path):
    from app.extensions import oauth

    settings = dataclasses.replace(load_settings(), keycloak_port=1, database_url=f"sqlite:///{tmp_path}/t.sqlite")
    app = create_app({"SETTINGS": settings, "TESTING": True})
    # as if discovery had been fetched: every algorithm listed, an HMAC key published beside the RSA key
    keys = {"keys": [RSA.as_dict(private=False), HMAC.as_dict()]}
    oauth.keycloak.server_metadata = {"issuer": ISSUER, "jwks_uri": f"{ISSUER}/certs", "_loaded_at": 0,
                                      "id_token_signing_alg_values_supported": DISCOVERY_ALGORITHMS, "jwks": keys}
    with app.app_context():
        yield oauth.keycloak


def id_token(alg: str, key) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "aud": "portal", "iat": now, "exp": now + 300, "nonce": "n-1"}
    return {"id_token": jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])}


def test_an_rs256_id_token_is_accepted(keycloak_client):
    assert keycloak_client.parse_id_token(id_token("RS256", RSA), nonce="n-1")["sub"] == "user-1"


@pytest.mark.parametrize("alg, key", [("HS256", HMAC), ("RS512", RSA), ("PS256", RSA)])
def test_an_id_token_signed_otherwise_is_refused(keycloak_client, alg, key):
    token = id_token(alg, key)  # validly signed with a published key, just not with RS256
    with pytest.raises(JoseError):
        keycloak_client.parse_id_token(token, nonce="n-1")


def test_an_unsigned_id_token_is_refused(keycloak_client):
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "aud": "portal", "iat": now, "exp": now + 300, "nonce": "n-1"}
    unsigned = ".".join([b64({"alg": "none", "kid": "rsa-1"}), b64(claims), ""])
    with pytest.raises(JoseError):
        keycloak_client.parse_id_token({"id_token": unsigned}, nonce="n-1")


def test_discovery_cannot_widen_the_algorithms(keycloak_client):
    assert keycloak_client.load_server_metadata()["id_token_signing_alg_values_supported"] == ["RS256"]
