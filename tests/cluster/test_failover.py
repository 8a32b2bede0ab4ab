"""Failover of the `./dev cluster` topology (issue 15): a signed-in user survives `kill -9` of a Keycloak
node, of a portal instance, and a PostgreSQL restart; new sign-ins (password + TOTP) through the load
balancer keep working; nothing is lost: users, sessions and the access log (one row per answered
dossier view, hash chain intact).

The cluster is started here, once for this module, in a temporary directory on free ports (so a
developer's own `./dev cluster` may keep running), and stopped at the end. The tests run in order
and build on each other, like the incident they replay. Sign-ins use requests, as bench/bench_login.py
does (the browser suite covers the pages themselves).

    ./dev test -m cluster
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(900)]

if not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
    pytest.skip("HAProxy is not installed (./dev test installs it)", allow_module_level=True)

from app import keycloak as kc  # noqa: E402
from bench import bench_login as bl  # noqa: E402
from scripts.cluster import Cluster, Ports  # noqa: E402
from tests.support import free_port  # noqa: E402


def _free_jgroups_port() -> int:
    """JGroups' failure detection listens on port + 50000: both must be free (so no ephemeral port)."""
    for port in range(7900, 15000):
        try:
            for candidate in (port, port + 50000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free JGroups port")


@pytest.fixture(scope="module")
def cluster():
    directory = Path(tempfile.mkdtemp(prefix="arbo-cluster-"))
    os.chmod(directory, 0o755)  # PostgreSQL runs as its own user and must reach its data directory
    jgroups = _free_jgroups_port()
    ports = Ports(postgres=free_port(), keycloak_lb=free_port(), keycloak=(free_port(), free_port()),
                  management=(free_port(), free_port()), jgroups=(jgroups, jgroups + 1), portal_lb=free_port(),
                  portal=(free_port(), free_port()), smtp=free_port(), sink_http=free_port())
    # the portal re-reads the user's roles from Keycloak at every request after 1 s: so "still signed in"
    # also proves the Keycloak session (its refresh token) survived on the other node
    cluster = Cluster(directory, ports, extra_env={"SESSION_REFRESH_SECONDS": "1"})
    started = time.monotonic()
    try:
        cluster.up()
        print(f"cluster up in {time.monotonic() - started:.0f} s")
        yield cluster
    finally:
        cluster.down()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def users(cluster):
    settings = cluster.settings()
    return bl.create_users(kc.client.master_admin(settings, realm=settings.realm), 3)


@pytest.fixture(scope="module")
def portal_db(cluster):
    """The portal's PostgreSQL database, through the app's own models and its production settings."""
    from app import create_app

    app = create_app({"SETTINGS": cluster.settings()})
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def dossier(cluster, users, portal_db):
    """users[0]'s dossier at an employer of its own, so each visit to /dossier writes one access-log row."""
    from app.extensions import db
    from app.models import Employee, Employer

    admin = kc.client.master_admin(cluster.settings(), realm=cluster.settings().realm)
    employer = Employer(name="Failover BV", keycloak_org_id=str(uuid.uuid4()))
    employee = Employee(employer=employer, name="Failover Tester", email=users[0].email,
                        keycloak_user_id=admin.get_user_id(users[0].email))
    db.session.add_all([employer, employee])
    db.session.flush()
    employee_id = employee.id
    db.session.commit()
    db.session.close()  # hold no connection across the PostgreSQL restart
    return employee_id


@pytest.fixture(scope="module")
def viewed(dossier):
    """How many dossier views the portal answered with 200: each must be in the access log at the end."""
    return []


@pytest.fixture(scope="module")
def browser(cluster, users):
    """A user signed in to the portal through both load balancers."""
    http = bl.LoopbackBrowser()
    sign_in(http, cluster, users[0])
    yield http
    http.close()


def view_dossier(http: requests.Session, cluster: Cluster, viewed: list, times: int = 2) -> None:
    """Views of the own dossier, taken by round robin to every portal instance that is up."""
    for _ in range(times):
        response = http.get(f"{cluster.portal_url}/dossier", timeout=30, allow_redirects=False)
        assert response.status_code == 200 and "Failover Tester" in response.text, response.status_code
        viewed.append(response.url)


def sign_in(http: requests.Session, cluster: Cluster, user: bl.User) -> None:
    response = http.get(f"{cluster.portal_url}/auth/login", timeout=30)
    response = bl.keycloak_forms(http, response, user)
    # the callback, not followed: requests would not send the new (Secure) session cookie along the
    # redirect chain, where LoopbackBrowser cannot clear the flag the way a browser on loopback ignores it
    response = http.get(response.headers["Location"], timeout=30, allow_redirects=False)
    assert response.status_code == 302 and "portal_session" in http.cookies, response.status_code
    assert_signed_in(http, cluster, times=1)


def assert_signed_in(http: requests.Session, cluster: Cluster, times: int = 4) -> None:
    """Several requests, so round robin takes them to every instance that is up."""
    for _ in range(times):
        time.sleep(1.1)  # past SESSION_REFRESH_SECONDS: each request asks Keycloak again
        # these users are employees: signed in, /dashboard sends them on to their dossier; signed out,
        # to sign in. (Not /dossier itself: that is a dossier view, and the last test counts those
        # in the access log against `viewed`.)
        response = http.get(f"{cluster.portal_url}/dashboard", timeout=30, allow_redirects=False)
        where = urlsplit(response.headers.get("Location", "")).path
        assert response.status_code == 302 and where == "/dossier", f"signed out: {response.status_code} {where}"


def kill_9(cluster: Cluster, name: str) -> None:
    process = cluster.processes[name]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_two_keycloak_nodes_form_one_cluster(cluster, browser, viewed):
    assert cluster.cluster_members() == 2
    for port in cluster.ports.management:  # both nodes up, each checked by HAProxy
        assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert re.search(r'^vendor_cluster_size\{cache_manager="keycloak".*\} 2\.0$', metrics, re.M), "metrics: not 2 members"
    assert_signed_in(browser, cluster, times=2)
    view_dossier(browser, cluster, viewed)


def test_kill_9_of_a_keycloak_node(cluster, browser, users, viewed):
    half_way = bl.LoopbackBrowser()
    response = half_way.get(f"{cluster.portal_url}/auth/login", timeout=30)
    response = half_way.post(bl._form_action(response.text), timeout=30, allow_redirects=False,
                             data={"username": users[2].email, "password": bl.PASSWORD})
    assert "kc-otp-login-form" in response.text

    kill_9(cluster, "keycloak1")  # the first node: the cluster's coordinator

    assert_signed_in(browser, cluster)
    sign_in(bl.LoopbackBrowser(), cluster, users[1])
    # the sign-in that was half-way (password given before the kill, on whichever node round robin chose) completes
    response = half_way.post(bl._form_action(response.text), data={"otp": users[2].code()},
                             allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:300]
    assert half_way.get(response.headers["Location"], timeout=30, allow_redirects=False).status_code == 302
    assert_signed_in(half_way, cluster, times=1)
    cluster.wait_for_members(1, timeout=60)  # the survivor saw the other go
    view_dossier(browser, cluster, viewed)


def test_kill_9_of_a_portal_instance(cluster, browser, viewed):
    kill_9(cluster, "portal1")
    assert_signed_in(browser, cluster)
    view_dossier(browser, cluster, viewed)


def test_postgresql_restart(cluster, browser, users, viewed, dossier, portal_db):
    cluster.restart_postgres()
    deadline = time.monotonic() + 60
    while True:  # both recover by themselves: stale pooled connections are replaced, not reported forever
        try:
            assert_signed_in(browser, cluster, times=2)
            sign_in(bl.LoopbackBrowser(), cluster, users[1])
            break
        except (AssertionError, bl.SignInFailed, requests.RequestException):
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
    settings = cluster.settings()
    admin = kc.client.master_admin(settings, realm=settings.realm)
    assert admin.get_user_id(users[0].email), "the user is gone after the restart"
    view_dossier(browser, cluster, viewed)

    # nothing lost from the access log: one row per answered view, and the hash chain still verifies
    from app import audit_chain
    from app.extensions import db
    from app.models import AccessLog

    db.engine.dispose()  # connections pooled before the restart are gone: start afresh
    rows = db.session.scalar(db.select(db.func.count()).select_from(AccessLog)
                             .where(AccessLog.employee_id == dossier, AccessLog.action == "dossier"))
    assert rows == len(viewed), f"{len(viewed)} dossier views answered, {rows} in the access log"
    verification = audit_chain.verify()
    assert verification.ok, verification.reason
