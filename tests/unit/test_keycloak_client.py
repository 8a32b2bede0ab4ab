"""The portal's run-time admin client: its own service account, bound once per app."""

import ast
import dataclasses
from unittest import mock

from app import create_app
from app import keycloak as kc
from app.config import ROOT, load_settings
from tests.portal_fixtures import sign_in

# Names through which code could reach the provisioning client or a master-realm credential.
PRIVILEGED_NAMES = {"realm_admin", "master_admin", "provisioner_client_id", "provisioner_client_secret",
                    "keycloak_admin_password", "keycloak_admin_user", "PROVISIONER_CLIENT_SECRET",
                    "KEYCLOAK_ADMIN_PASSWORD"}
# config.py reads every setting; keycloak/client.py builds realm_admin/master_admin for scripts/ (the CLI).
ALLOWED = {"app/config.py", "app/keycloak/client.py"}


def test_portal_code_never_touches_the_provisioner_or_a_master_credential():
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = getattr(node, "attr", None) or getattr(node, "id", None) or getattr(node, "value", None)
            if isinstance(name, str) and name in PRIVILEGED_NAMES:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert offenders == []


def test_create_app_binds_one_client_of_the_portals_own_service_account(tmp_path):
    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'p.sqlite'}",
                                   portal_admin_client_id="portal-admin-x", portal_admin_client_secret="s3cret")
    with mock.patch("requests.sessions.Session.request", side_effect=AssertionError("no HTTP call at start")):
        app = create_app({"SETTINGS": settings})
    with app.app_context():
        admin = kc.client.portal_admin()  # built on first use, the same one ever after
    assert (admin.connection.client_id, admin.connection.client_secret_key) == ("portal-admin-x", "s3cret")
    assert admin.connection.realm_name == settings.realm and admin.connection.server_url == settings.keycloak_url
    with app.app_context():
        assert kc.client.portal_admin() is admin


def test_pages_share_the_one_client_across_requests(app, client, world):  # noqa: F811
    sign_in(client, app, "employee-a1")
    bound = app.extensions[kc.client.EXTENSION].get()
    seen = []
    with mock.patch.object(bound, "get_credentials", side_effect=lambda **kw: seen.append(bound) or []):
        client.get("/settings")
        client.get("/settings")
    assert seen == [bound, bound]
