"""`provision realm` (sync_realm) brings token mappers added to realm-export.json into a realm that was
imported before them: Keycloak's start-up import skips existing realms, so without this a realm made
by an older release would never carry the employer roles (the groups claim)."""

import pytest

from app import keycloak as kc

pytestmark = pytest.mark.integration


def _portal(admin):
    return next(c for c in admin.get_clients() if c["clientId"] == "portal")


def test_sync_realm_adds_the_employer_roles_mapper_to_an_older_realm(keycloak, realm_factory, master):
    desired = realm_factory()
    admin = kc.client.master_admin(keycloak, realm=desired["realm"])
    portal = _portal(admin)
    mapper = next(m for m in admin.get_mappers_from_client(portal["id"]) if m["name"] == kc.realm.EMPLOYER_ROLES_MAPPER)
    admin.remove_client_mapper(portal["id"], mapper["id"])  # as in a realm imported before the mapper existed

    outcome, changes = kc.realm.sync_realm(master, desired, dry_run=True)
    assert outcome == "would update"
    assert f"client.portal.protocolMapper.{kc.realm.EMPLOYER_ROLES_MAPPER}" in [key for key, _, _ in changes]

    assert kc.realm.sync_realm(master, desired)[0] == "updated"
    served = {m["name"]: m for m in admin.get_mappers_from_client(portal["id"])}
    assert served[kc.realm.EMPLOYER_ROLES_MAPPER]["config"]["claim.name"] == "groups"
    assert kc.realm.sync_realm(master, desired) == ("unchanged", [])

