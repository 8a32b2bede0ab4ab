"""The support contact and first-sign-in help on Keycloak's sign-in page (theme arbo-support.ftl)."""

import base64
import hashlib
import html
import secrets

import pytest
import requests

pytestmark = pytest.mark.integration


def _login_page(keycloak, realm: str, portal_url: str, locale: str = "nl") -> str:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {"client_id": "portal", "response_type": "code", "scope": "openid", "redirect_uri": f"{portal_url}/auth/callback",
             "state": secrets.token_urlsafe(8), "code_challenge": challenge, "code_challenge_method": "S256",
             "ui_locales": locale}
    response = requests.get(f"{keycloak.keycloak_url}/realms/{realm}/protocol/openid-connect/auth", params=query, timeout=10)
    assert response.status_code == 200
    return html.unescape(response.text)


def test_sign_in_page_shows_the_configured_support_contact(keycloak, realm_factory):
    defaults = realm_factory()["attributes"]  # as rendered from realm-export.json
    representation = realm_factory(attributes=defaults | {"arboSupportEmail": "helpdesk@arbo-oost.example",
                                                          "arboSupportPhone": "+31 88 765 43 21"})
    page = _login_page(keycloak, representation["realm"], "http://127.0.0.1:5999")
    assert 'id="arbo-support"' in page
    assert 'href="mailto:helpdesk@arbo-oost.example"' in page
    assert 'href="tel:+31887654321"' in page and "+31 88 765 43 21" in page
    assert "Eerste keer inloggen?" in page
    assert "Neemt u dan contact op met de helpdesk" in page


def test_support_contact_has_a_development_default_and_is_never_empty(keycloak, realm_factory):
    representation = realm_factory()
    assert representation["attributes"]["arboSupportEmail"] == "support@arbodienst.example"
    page = _login_page(keycloak, representation["realm"], "http://127.0.0.1:5999")
    assert 'href="mailto:support@arbodienst.example"' in page

    emptied = realm_factory(attributes=representation["attributes"] | {"arboSupportEmail": " ", "arboSupportPhone": ""})
    page = _login_page(keycloak, emptied["realm"], "http://127.0.0.1:5999")
    assert 'href="mailto:support@arbodienst.example"' in page and "088 123 45 67" in page


def test_support_contact_in_english(keycloak, realm_factory):
    representation = realm_factory()
    page = _login_page(keycloak, representation["realm"], "http://127.0.0.1:5999", locale="en")
    assert "Signing in for the first time?" in page and "Having trouble signing in?" in page
