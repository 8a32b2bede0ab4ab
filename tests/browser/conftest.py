import contextlib

import pytest

from tests.portal_fixtures import real_world, sign_in_browser  # noqa: F401 - shared fixture


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
