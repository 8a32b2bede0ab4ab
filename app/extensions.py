"""Flask extensions, created once and bound to the app in the factory."""

from authlib.integrations.flask_client import OAuth
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.keycloak.client import PortalAdmin


class FactoryOAuth(OAuth):
    """authlib's registry keeps the first client made under a name for the whole process. With an
    app factory that would keep a stale client (other realm, other secret) once a second app is
    created, as the tests do per realm; so each registration replaces the client."""

    def register(self, name, overwrite=False, **kwargs):
        self._clients.pop(name, None)
        return super().register(name, overwrite=overwrite, **kwargs)


oauth = FactoryOAuth()
db = SQLAlchemy()
csrf = CSRFProtect()
# the portal's one Keycloak admin client (its own service account; app/keycloak/client.py)
portal_admin = PortalAdmin()
