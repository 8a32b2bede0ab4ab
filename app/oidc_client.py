"""The portal's OIDC client (authlib), with the ID-token signature algorithm pinned to RS256.

authlib accepts every algorithm the provider's discovery document lists, and Keycloak lists all
it can sign with (HS256 and others among them). The realm's portal client signs ID tokens with
RS256 (`id.token.signed.response.alg` in realm-export.json), so the portal accepts that one only:
a token with another algorithm, or none, is refused whatever the discovery document says.
"""

from __future__ import annotations

from authlib.integrations.flask_client import FlaskOAuth2App

ID_TOKEN_ALGORITHMS = ["RS256"]


class RS256OnlyClient(FlaskOAuth2App):
    def load_server_metadata(self):
        metadata = super().load_server_metadata()
        metadata["id_token_signing_alg_values_supported"] = list(ID_TOKEN_ALGORITHMS)
        return metadata
