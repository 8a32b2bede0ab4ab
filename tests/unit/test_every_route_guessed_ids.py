"""Tenancy, as a class rather than route by route: every route of the portal that takes an id answers
a guessed or hostile id with the same 404 as a nonexistent one, for every kind of user, and sends an
anonymous visitor to sign in. A route added later is checked without being listed here."""

import uuid

import pytest

from tests.portal_fixtures import USERS, sign_in

# objects that live in Keycloak (invitations, accounts): a well-formed id is asked of Keycloak, which
# this layer has not got - tests/integration/test_access_matrix.py and test_account_help.py guess
# those against the real one. A malformed id must still be refused here, before any call.
KEYCLOAK_OBJECTS = ("invitations.", "account_help.")
HOSTILE = ("not-an-id", "..", "../etc/passwd", "%2e%2e%2fadmin", "1 OR 1=1")


def id_routes(app):
    """(rule, its id arguments) of every route with a path argument, bench and static files aside."""
    return [(rule, sorted(rule.arguments)) for rule in app.url_map.iter_rules()
            if rule.arguments and rule.endpoint != "static" and not rule.endpoint.startswith("bench")]


def url_for_rule(rule, value: str) -> str:
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<{argument}>", value)
        for converter in ("string", "path", "uuid"):
            path = path.replace(f"<{converter}:{argument}>", value)
    return path


def test_the_portal_has_id_routes_to_check(app):
    endpoints = {rule.endpoint for rule, _ in id_routes(app)}
    assert {"dossier.show", "dossier.case", "documents.show", "cases.edit", "cases.medical"} <= endpoints


@pytest.mark.parametrize("sub", sorted(USERS))
def test_a_guessed_id_is_404_for_every_user_on_every_route(app, client, world, sub):
    sign_in(client, app, sub)
    for rule, _ in id_routes(app):
        guessed = () if rule.endpoint.startswith(KEYCLOAK_OBJECTS) else (str(uuid.uuid4()),)
        for value in (*guessed, *HOSTILE):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url_for_rule(rule, value), method=method)
                assert response.status_code in (404, 405), (sub, method, rule.rule, value, response.status_code)


def test_an_anonymous_visitor_is_sent_to_sign_in_or_refused(app, client, world):
    for rule, _ in id_routes(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url_for_rule(rule, HOSTILE[0]), method=method)
            assert response.status_code in (302, 401, 404, 405), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/auth/login"), (rule.rule, response.headers["Location"])
