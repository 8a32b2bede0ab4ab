"""docker-compose.yml cannot run here (no Docker engine), so check what can be checked."""

import re

import yaml

from app.config import KEYCLOAK_VERSION, ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_keycloak_image_pins_the_runner_version():
    keycloak = COMPOSE["services"]["keycloak"]
    assert keycloak["build"]["args"]["KEYCLOAK_VERSION"] == KEYCLOAK_VERSION
    assert keycloak["image"].endswith(f":{KEYCLOAK_VERSION}")
    dockerfile = (ROOT / "keycloak" / "Dockerfile").read_text()
    assert f"ARG KEYCLOAK_VERSION={KEYCLOAK_VERSION}" in dockerfile
    assert "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}" in dockerfile


def test_every_service_has_a_health_check_and_waits_for_healthy_dependencies():
    for name, service in COMPOSE["services"].items():
        assert "healthcheck" in service, name
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in COMPOSE["services"]
            assert condition == {"condition": "service_healthy"}, (name, dependency)


def test_published_ports_are_loopback_only():
    for name, service in COMPOSE["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_keycloak_imports_the_realm_and_gets_every_realm_placeholder():
    keycloak = COMPOSE["services"]["keycloak"]
    assert "--import-realm" in keycloak["command"]
    assert any(v.endswith(":/opt/keycloak/data/import/realm-export.json:ro") for v in keycloak["volumes"])
    realm_text = (ROOT / "realm-export.json").read_text()
    required = {name for name, default in re.findall(r"\$\{([A-Z0-9_]+)(:[^}]*)?\}", realm_text) if not default}
    assert required <= set(keycloak["environment"]), required - set(keycloak["environment"])


def test_files_the_images_copy_exist():
    for dockerfile in (ROOT / "Dockerfile", ROOT / "keycloak" / "Dockerfile"):
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and "--from" not in line:
                for source in line.split()[1:-1]:
                    assert (dockerfile.parent / source).exists(), f"{dockerfile.name}: {source}"
