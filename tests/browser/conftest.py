"""Fixtures of this layer (the real Keycloak, realms and the browser come from tests/conftest.py)."""

import contextlib

import pytest

from tests.portal_fixtures import provision_real_world, sign_in_browser


@pytest.fixture
def real_world(portal):
    """Three employers with users per role in the portal's realm, and the same world in its database."""
    return provision_real_world(portal)


@pytest.fixture
def signed_in(browser, portal):
    """signed_in(account) -> a page in its own browser context, signed in through Keycloak's pages
    (second factor set up on the way), for journeys with several people side by side."""
    with contextlib.ExitStack() as contexts:

        def open_page(account):
            context = browser.new_context(locale="nl-NL")
            contexts.callback(context.close)
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in_browser(page, portal.url, account)
            return page

        yield open_page


@pytest.fixture
def localhost_portal(portal_factory):
    """A test realm and the app served against Keycloak under the name localhost instead of
    127.0.0.1: WebAuthn (passkeys) refuses an IP address as relying party, and http://localhost is a
    secure context. Keycloak takes its address from each request (scripts/kc_runner.py), so issuer,
    sign-in pages and token endpoint are all on localhost for this portal."""
    return portal_factory(keycloak_host="localhost")

