"""Local verification of Keycloak's JWTs against the cached JWKS (no call to Keycloak per request)."""

from __future__ import annotations

import time

from joserfc import jws, jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class InvalidToken(Exception):
    """The token is malformed, not signed by the realm, or its claims are wrong."""


def _decode(token: str, jwks: dict) -> dict:
    return jwt.decode(token, KeySet.import_key_set(jwks)).claims


def verify_logout_token(token: str, jwks_provider, issuer: str, client_id: str, max_age: int = 300) -> dict:
    """Validate a back-channel logout token (OIDC Back-Channel Logout 1.0, section 2.6).

    jwks_provider(force: bool) returns the realm's JWKS; it is asked again (force=True) only when the
    token's key is unknown, which is what a key rotation in Keycloak looks like.
    """
    if not token:
        raise InvalidToken("no logout_token")
    try:
        jws.extract_compact(token.encode())  # malformed input is refused before any key is fetched
        try:
            claims = _decode(token, jwks_provider(False))
        except InvalidKeyIdError:
            claims = _decode(token, jwks_provider(True))
        jwt.JWTClaimsRegistry(leeway=30).validate(claims)  # exp / nbf / iat when present
    except (JoseError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer or client_id not in audiences:
        raise InvalidToken("wrong issuer or audience")
    if BACKCHANNEL_LOGOUT_EVENT not in (claims.get("events") or {}):
        raise InvalidToken("not a back-channel logout event")
    if "nonce" in claims:
        raise InvalidToken("a logout token must not carry a nonce")
    if not claims.get("sid") and not claims.get("sub"):
        raise InvalidToken("neither sid nor sub")
    if not claims.get("iat") or claims["iat"] < time.time() - max_age:
        raise InvalidToken("too old")
    return claims
