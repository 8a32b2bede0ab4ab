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


# ------------------------------------------------------------------ no secret in a committed file

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")
REFERENCE = re.compile(r"\$\{([A-Z0-9_]+)(:[?-])?([^}]*)\}")


def _environments():
    for name, service in COMPOSE["services"].items():
        for key, value in (service.get("environment") or {}).items():
            yield name, key, str(value)


def test_compose_has_no_literal_secret():
    """Every secret is a required ${VAR:?message} reference: no default, no literal, no anchor of dev values."""
    from app.config import DEV_ONLY_SECRETS

    text = (ROOT / "docker-compose.yml").read_text()
    assert "dev-only" not in text.lower()
    assert not any(value in text for value in DEV_ONLY_SECRETS.values())
    for service, key, value in _environments():
        references = REFERENCE.findall(value)
        for variable, operator, _ in references:
            if SECRET_NAME.search(variable):
                assert operator == ":?", f"{service}.{key}: ${{{variable}}} must be required (:?), not defaulted"
        if SECRET_NAME.search(key) and key != "KC_BOOTSTRAP_ADMIN_USERNAME":
            assert REFERENCE.fullmatch(value), f"{service}.{key} is a literal: {value!r}"
        for credentials in re.findall(r"://[^/@\s]*:([^@/\s]*)@", value):  # user:password@ in URLs
            assert REFERENCE.fullmatch(credentials) and REFERENCE.fullmatch(credentials).group(2) == ":?", \
                f"{service}.{key} has a literal password in a URL"


def test_every_secret_compose_needs_comes_from_dev_secrets():
    from scripts.make_secrets import SECRETS

    required = {variable for _, _, value in _environments() for variable, operator, _ in REFERENCE.findall(value)
                if operator == ":?"}
    assert required == set(SECRETS)


def test_the_app_gets_no_master_or_provisioning_credential_and_runs_in_production():
    app = COMPOSE["services"]["app"]["environment"]
    assert not [key for key in app if key.startswith(("KEYCLOAK_ADMIN", "KC_BOOTSTRAP", "PROVISIONER"))]
    used = {variable for value in map(str, app.values()) for variable, _, _ in REFERENCE.findall(value)}
    assert not used & {"KEYCLOAK_ADMIN_PASSWORD", "KEYCLOAK_ADMIN_USER", "PROVISIONER_CLIENT_SECRET", "KC_DB_PASSWORD"}
    assert {"SECRET_KEY", "PORTAL_CLIENT_SECRET", "PORTAL_ADMIN_CLIENT_SECRET"} <= set(app)
    assert app["LOCAL_DEVELOPMENT"] == "0"


def test_keycloak_reaches_the_portal_for_back_channel_logout_by_its_service_name():
    keycloak = COMPOSE["services"]["keycloak"]["environment"]
    assert keycloak["PORTAL_BACKCHANNEL_URL"] == "http://app:5000"
    assert "5000" in COMPOSE["services"]["app"]["healthcheck"]["test"][-1]
    assert "${PORTAL_BACKCHANNEL_URL" in (ROOT / "realm-export.json").read_text()


def test_postgres_init_reads_the_portal_password_from_the_environment():
    postgres = COMPOSE["services"]["postgres"]
    assert any(v.startswith("./docker/postgres-init.sh:/docker-entrypoint-initdb.d/") for v in postgres["volumes"])
    assert "PORTAL_DB_PASSWORD" in postgres["environment"]
    for path in (ROOT / "docker").iterdir():
        text = path.read_text()
        assert not re.search(r"PASSWORD\s+'[^']", text), f"{path.name} has a literal password"
        assert "dev-only" not in text.lower(), path.name
    assert "\\getenv portal_password PORTAL_DB_PASSWORD" in (ROOT / "docker" / "postgres-init.sh").read_text()


def test_the_secrets_file_is_git_ignored():
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


# ------------------------------------------------------------------ the topology of ./dev cluster (issue 15)

HAPROXY = (ROOT / "docker" / "haproxy.cfg").read_text()


def test_two_keycloak_and_two_app_replicas_behind_the_load_balancer():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "sink", "lb", "keycloak", "app"}
    for name in ("keycloak", "app"):
        assert services[name]["deploy"]["replicas"] == 2, name
        assert "ports" not in services[name], f"{name}: replicas are reached through lb, not a published port"
    assert services["lb"]["image"].startswith("haproxy:2.")
    assert sorted(services["lb"]["ports"]) == ["127.0.0.1:5000:5000", "127.0.0.1:8080:8080"]
    assert "./docker/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in services["lb"]["volumes"]
    assert services["app"]["environment"]["KEYCLOAK_HOST"] == "lb"


def test_the_load_balancer_checks_each_backend_like_dev_cluster():
    from scripts.cluster import Ports, haproxy_config

    local = haproxy_config(Ports())
    for config in (HAPROXY, local):
        assert "option httpchk GET /health/ready" in config  # Keycloak: readiness on the management port
        assert "option httpchk GET /healthz" in config  # the portal
        assert "option forwardfor" in config and "X-Forwarded-Proto" in config
        assert "retry-on conn-failure" in config and "option redispatch" in config
        # the survivor of a killed coordinator is "not ready" for about a minute: live nodes stand in
        assert "use_backend keycloak_alive if { nbsrv(keycloak_nodes) eq 0 }" in config
        assert "option httpchk GET /health/live" in config
    assert "server-template keycloak 2 keycloak:8080 check port 9000" in HAPROXY
    assert "server-template app 2 app:5000 check" in HAPROXY
    assert "check port 9181" in local and "check port 9182" in local


def test_keycloak_is_a_production_cluster_behind_the_proxy():
    keycloak = COMPOSE["services"]["keycloak"]
    assert keycloak["command"][:2] == ["start", "--optimized"]
    env = keycloak["environment"]
    assert env["KC_PROXY_HEADERS"] == "xforwarded" and env["KC_CACHE"] == "ispn" and env["KC_CACHE_STACK"] == "jdbc-ping"
    assert "/health/ready" in keycloak["healthcheck"]["test"][-1] and "9000" in keycloak["healthcheck"]["test"][-1]
    dockerfile = (ROOT / "keycloak" / "Dockerfile").read_text()
    assert "KC_DB=postgres" in dockerfile and "KC_HEALTH_ENABLED=true" in dockerfile and "KC_METRICS_ENABLED=true" in dockerfile


def test_postgres_is_15_or_newer_and_mail_goes_to_the_projects_sink():
    assert int(COMPOSE["services"]["postgres"]["image"].split(":")[1].split(".")[0]) >= 15
    assert "scripts.devsink" in COMPOSE["services"]["sink"]["command"]
    for name in ("keycloak", "app"):
        assert COMPOSE["services"][name]["environment"]["SMTP_HOST"] == "sink", name
    assert COMPOSE["services"]["keycloak"]["environment"]["SMS_GATEWAY_URL"].startswith("http://sink:")
