"""Moved to app/keycloak/ids.py. This re-export goes away when the branches in flight are merged."""

from app.keycloak.ids import InvalidId, checked_id, is_id, path, segment  # noqa: F401
