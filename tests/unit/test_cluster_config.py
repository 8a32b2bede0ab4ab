"""scripts/cluster*.py without starting anything: secrets file, HAProxy config, Keycloak command line."""

import stat
from pathlib import Path

from app.config import secret_problem
from scripts.cluster import Ports, ensure_secrets, haproxy_config
from scripts.cluster_kc import BUILD_OPTIONS, cluster_size, start_command
from scripts.make_secrets import SECRETS


def test_secrets_are_made_once_mode_600_and_strong(tmp_path):
    path = tmp_path / "cluster" / ".env"
    first = ensure_secrets(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(SECRETS) | {"KEYCLOAK_ADMIN_USER", "POSTGRES_SUPERUSER_PASSWORD"} == set(first)
    assert all(secret_problem(value) is None for key, value in first.items() if key != "KEYCLOAK_ADMIN_USER")
    assert ensure_secrets(path) == first  # the second start reuses them (the databases know them)


def test_haproxy_checks_every_backend_on_loopback():
    config = haproxy_config(Ports())
    assert "bind 127.0.0.1:8180" in config and "bind 127.0.0.1:5100" in config
    assert "server kc1 127.0.0.1:8181 check port 9181" in config
    assert "server kc2 127.0.0.1:8182 check port 9182" in config
    assert "server app1 127.0.0.1:5101 check" in config and "server app2 127.0.0.1:5102 check" in config


def test_keycloak_nodes_start_optimized_behind_the_proxy():
    assert {"--db=postgres", "--health-enabled=true", "--metrics-enabled=true"} <= set(BUILD_OPTIONS)
    command = start_command(Path("/kc"), port=8181, management_port=9181, public_url="http://127.0.0.1:8180", db_port=5433)
    assert command[1:3] == ["start", "--optimized"]
    assert "--hostname=http://127.0.0.1:8180" in command and "--proxy-headers=xforwarded" in command
    assert "--http-management-port=9181" in command and "--http-host=127.0.0.1" in command
    assert not [arg for arg in command if "password" in arg.lower()]  # KC_DB_PASSWORD comes from the environment


def test_cluster_size_reads_the_newest_infinispan_view(tmp_path):
    log = tmp_path / "keycloak.log"
    log.write_text(
        "INFO [org.infinispan.CLUSTER] ISPN000094: Received new cluster view for channel ISPN: [a|0] (1) [a]\n"
        "INFO [org.infinispan.CLUSTER] ISPN000094: Received new cluster view for channel ISPN: [a|1] (2) [a, b]\n")
    assert cluster_size(log) == 2
    assert cluster_size(tmp_path / "missing.log") == 0


def test_portal_instances_run_in_production_without_master_or_provisioning_credentials(tmp_path):
    from scripts.cluster import Cluster

    cluster = Cluster(tmp_path / "cluster")
    env = cluster.portal_environment(1)
    assert env["LOCAL_DEVELOPMENT"] == "0" and env["APP_PORT"] == "5102"
    assert env["KEYCLOAK_PORT"] == "8180" and env["PORTAL_URL"] == "http://127.0.0.1:5100"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://portal:") and "@127.0.0.1:5433/portal" in env["DATABASE_URL"]
    assert not {"KEYCLOAK_ADMIN_PASSWORD", "PROVISIONER_CLIENT_SECRET", "KC_DB_PASSWORD"} & set(env)
    assert {"SECRET_KEY", "PORTAL_CLIENT_SECRET", "PORTAL_ADMIN_CLIENT_SECRET"} <= set(env)
