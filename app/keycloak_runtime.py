"""Re-exports only: the portal's admin client is app.keycloak.client (bound as app.extensions.portal_admin).
This module goes away when the branches in flight are merged (/work/notes/kc-package-map.txt)."""

from app.keycloak.client import EXTENSION, portal_admin  # noqa: F401
from app.keycloak.client import portal_client as connect  # noqa: F401


def init_app(app) -> None:
    from app.extensions import portal_admin as extension

    extension.init_app(app)
