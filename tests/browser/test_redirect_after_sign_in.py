"""After a real sign-in through Keycloak, the callback only ever returns to a path on the portal."""

from urllib.parse import quote, urlparse

import pytest

from tests.redirect_corpus import HOSTILE_NEXT
from tests.support import login

pytestmark = pytest.mark.browser


def test_hostile_next_values_end_on_the_portal(page, portal, manager):
    login(page, portal.url, manager)
    page.wait_for_url(f"{portal.url}/dashboard")
    portal_origin = urlparse(portal.url).netloc
    for target in HOSTILE_NEXT:
        # Keycloak's session is there now: /auth/login goes through Keycloak and the callback at once
        response = page.goto(f"{portal.url}/auth/login?next={quote(target, safe='')}")
        assert response is not None and response.status < 500, target
        assert urlparse(page.url).netloc == portal_origin, (target, page.url)
        assert urlparse(page.url).path in ("/", "/dashboard"), (target, page.url)
