"""app.keycloak.realm without Keycloak: comparing the served realm with realm-export.json."""

from app import keycloak as kc


def test_realm_lists_compare_as_sets():
    assert kc.realm._comparable(["en", "nl"]) == kc.realm._comparable(["nl", "en"])
    assert kc.realm._comparable({"a": 1}) == {"a": 1}
