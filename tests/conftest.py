"""Fixtures: a real Keycloak (started once per run, reused if up), a real mail sink, per-test realms,
a live app server and a real browser."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import secrets
import uuid
from pathlib import Path

# The suite runs in development mode (DEV ONLY secrets, plain-http cookies): production is the
# default everywhere else. Set in os.environ at import, before any setting is read, so that every
# subprocess (the Keycloak runner, gunicorn, the provisioning CLI) inherits it.
os.environ["LOCAL_DEVELOPMENT"] = "1"

import pytest  # noqa: E402
import requests  # noqa: E402

from app import create_app  # noqa: E402
from app import keycloak as kc  # noqa: E402
from app.config import load_settings  # noqa: E402
from scripts.devsink import DevSink  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, Account, LiveServer, MailSink, free_port  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def keycloak(settings):
    """The project's Keycloak: reused when one is already up, otherwise started and stopped here."""
    from scripts import kc_runner

    started = not kc_runner.is_ready(settings)
    try:
        kc_runner.start(settings)
    except kc_runner.RunnerError as exc:
        pytest.fail(f"Keycloak could not start: {exc}")
    yield settings
    if started:
        kc_runner.stop(settings)


@pytest.fixture(scope="session")
def mail_sink(settings):
    """The development mail/SMS sink: reused when one answers, otherwise run in this process."""
    sink = None
    try:
        requests.get(f"{settings.sink_url}/api/messages", timeout=2)
    except requests.ConnectionError:
        sink = DevSink(settings.smtp_host, settings.smtp_port, settings.sink_http_port)
        sink.start()
    yield MailSink(settings.sink_url)
    if sink:
        sink.stop()


@pytest.fixture(scope="session")
def master(keycloak):
    return kc.client.master_admin(keycloak, realm="master")


@pytest.fixture
def realm_factory(keycloak, master):
    """Creates uniquely named realms from realm-export.json; deletes them afterwards."""
    created: list[str] = []

    def make(portal_url: str = "http://127.0.0.1:5999", **overrides) -> dict:
        name = f"t-{uuid.uuid4().hex[:10]}"
        placeholders = keycloak.realm_placeholders() | {"PORTAL_URL": portal_url, "PORTAL_BACKCHANNEL_URL": portal_url}
        representation = kc.realm.render_realm(placeholders, realm_name=name)
        representation.update(overrides)
        kc.realm.ensure_realm(master, representation)
        created.append(name)
        return representation

    yield make
    for name in created:
        kc.realm.delete_realm(master, name)


@pytest.fixture
def portal_factory(keycloak, mail_sink, realm_factory, tmp_path):
    """Makes test realms (with realm overrides) each with the app served against it on a free port."""
    with contextlib.ExitStack() as servers:

        def make(keycloak_host: str | None = None, **realm_overrides):
            """keycloak_host: the name the app (and so the browser) uses for Keycloak, e.g. localhost
            for passkeys; Keycloak itself still listens on 127.0.0.1 only."""
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            realm = realm_factory(portal_url=url, **realm_overrides)
            settings = dataclasses.replace(keycloak, realm=realm["realm"], portal_url=url, app_port=port,
                                           database_url=f"sqlite:///{tmp_path / (realm['realm'] + '.sqlite')}",
                                           keycloak_host=keycloak_host or keycloak.keycloak_host)
            app = create_app({"SETTINGS": settings})
            server = servers.enter_context(LiveServer(app, port))
            return Portal(server.url, realm["realm"], settings, app, kc.client.realm_admin(settings))

        yield make


@dataclasses.dataclass
class Portal:
    url: str
    realm: str
    settings: object
    app: object
    admin: object


@pytest.fixture
def portal(portal_factory):
    """A test realm and the app served against it, on free loopback ports."""
    return portal_factory()


@pytest.fixture
def manager(portal):
    """A manager of a fresh employer (an organization group of that employer, not a realm role) in the
    portal's realm, who still has to set up TOTP."""
    org_id = kc.organizations.ensure_organization(portal.admin, f"Werkgever {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:8]}.nl")
    email = f"manager-{uuid.uuid4().hex[:8]}@example.nl"
    password = "Test-" + secrets.token_urlsafe(12) + "1!"
    user_id = kc.users.ensure_user(portal.admin, email=email, first_name="Marco", last_name="van Basten",
                                   roles=[], employer_roles=["manager"], organization_id=org_id,
                                   password=password)
    return Account(email=email, password=password, user_id=user_id)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: ./dev test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot("step") keeps a numbered picture of the page in test-artifacts/<test>/ (journeys)."""
    steps = itertools.count(1)
    folder = ARTIFACTS / request.node.name

    def take(step: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{next(steps):02d}-{step}.png"), full_page=True)

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Keep a screenshot of the last page of every browser test (while its realm still exists)."""
    yield
    page = item.funcargs.get("page")
    if page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's own result
            pass
