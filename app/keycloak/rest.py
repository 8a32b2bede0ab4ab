"""Admin REST calls python-keycloak 7.1 has no method for (organization invitations, realm texts),
sent through python-keycloak's own authenticated connection: its session (one connection pool) and
its token, never a second HTTP client. Every path is built from quoted segments (ids.path)."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING

from app.keycloak.errors import KeycloakUnreachable, checked
from app.keycloak.ids import checked_id
from app.keycloak.ids import path as id_path

if TYPE_CHECKING:
    from keycloak import KeycloakAdmin

_FORM = "application/x-www-form-urlencoded"


def _twin(admin: KeycloakAdmin, content_type: str):
    """A copy of the admin connection with its own headers, sharing the requests session.

    python-keycloak swaps the shared Content-Type header around form and text calls, which is not
    thread-safe; the twin has its own headers. It keeps its own token copy and refreshes it when needed.
    """
    if admin.connection.token is None:
        admin.connection.get_token()
    twin = copy.copy(admin.connection)
    twin.headers = dict(admin.connection.headers or {}) | {"Content-Type": content_type}
    return twin


def form_connection(admin: KeycloakAdmin):
    """The form-posting twin (invite-user takes form fields), made once per admin client."""
    twin = getattr(admin, "_arbo_form_connection", None)
    if twin is None:
        twin = admin._arbo_form_connection = _twin(admin, _FORM)
    return twin


def realm_path(admin: KeycloakAdmin, *segments: str) -> str:
    """admin/realms/<realm>/<segments>, each segment quoted."""
    return id_path("admin", "realms", admin.connection.realm_name, *segments)


def organization(organization_id: str) -> tuple[str, str]:
    return ("organizations", checked_id(organization_id, "organization id"))


def call(admin: KeycloakAdmin, method: str, segments: tuple, *, body=None, what: str = "", mail: bool = False,
         **params):
    """One admin call; method GET, DELETE, PUT (JSON), POST_JSON or POST (form); our exceptions on failure.
    segments: a tuple of path segments under the realm, each quoted (a fixed path may be one string)."""
    from keycloak.exceptions import KeycloakConnectionError

    if isinstance(segments, str):
        segments = tuple(segments.split("/"))
    path = realm_path(admin, *segments)
    try:
        if method == "GET":
            response = admin.connection.raw_get(path, **params)
        elif method == "DELETE":
            response = admin.connection.raw_delete(path, **params)
        elif method == "PUT":
            response = admin.connection.raw_put(path, data=json.dumps(body), **params)
        elif method == "POST_JSON":
            response = admin.connection.raw_post(path, data=json.dumps(body), **params)
        elif method == "POST":
            response = form_connection(admin).raw_post(path, data=body or {}, **params)
        else:
            raise ValueError(f"unknown method {method!r}")
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable(f"Keycloak is niet bereikbaar op {admin.connection.server_url}",
                                  detail=str(exc)) from exc
    return checked(response, what or f"{method} {'/'.join(segments)}", mail=mail)


def put_text(admin: KeycloakAdmin, segments: tuple, text: str, *, what: str):
    """PUT a text/plain body (realm localization texts)."""
    from keycloak.exceptions import KeycloakConnectionError

    try:
        response = _twin(admin, "text/plain").raw_put(realm_path(admin, *segments), data=text.encode("utf-8"))
    except KeycloakConnectionError as exc:
        raise KeycloakUnreachable(f"Keycloak is niet bereikbaar op {admin.connection.server_url}",
                                  detail=str(exc)) from exc
    return checked(response, what)
