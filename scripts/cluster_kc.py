"""Keycloak for the cluster: built once for production (`kc.sh build`), then each node starts from its
own copy of that build with `start --optimized` (Keycloak's production guide).

The build lives in .local/cluster/ (like kc_runner's dev-mode copy, but separate: start-dev rebuilds
its home for dev mode, which must not touch this one) and is rebuilt only when the build options, the
Keycloak version or our provider jars change. Each node gets a hard-linked copy under the cluster's
data directory, because a running Keycloak writes into its home's data/ folder (temporary files,
caches) and two nodes must not share that.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from app.config import ROOT, Settings
from scripts import kc_runner
from scripts.cluster_pg import ClusterError

# build-time options (Keycloak's "Configuring Keycloak for production"); the rest are start options
BUILD_OPTIONS = ["--db=postgres", "--health-enabled=true", "--metrics-enabled=true", "--cache=ispn"]
BUILD_DIR = ROOT / ".local" / "cluster"
CLUSTER_VIEW = re.compile(r"ISPN00009[34]: .*?\((\d+)\) \[")


def _fingerprint(settings: Settings, jars: list[Path]) -> str:
    parts = [settings.keycloak_version, *BUILD_OPTIONS]
    parts += [f"{jar.name}:{hashlib.sha256(jar.read_bytes()).hexdigest()}" for jar in jars]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build(settings: Settings) -> Path:
    """The production build of Keycloak with our providers, themes and password deny list (once)."""
    build_settings = dataclasses.replace(settings, keycloak_home_dir=BUILD_DIR)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(BUILD_DIR / ".lock", "w") as lock:  # the test and `./dev cluster` may build at the same time
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            java_home = kc_runner.find_java_home(settings)
            home = kc_runner.ensure_unpacked(build_settings)
            jars = kc_runner.build_extensions() if settings.keycloak_build_extensions else []
            stamp = home / ".arbo-build"
            wanted = _fingerprint(settings, jars)
            if stamp.exists() and stamp.read_text() == wanted:
                return home
            kc_runner.install_customizations(build_settings, home)
            shutil.rmtree(home / "data" / "import", ignore_errors=True)  # the provisioning command makes the realm
            print(f"Building Keycloak {settings.keycloak_version} for production (once) ...", flush=True)
            env = {"JAVA_HOME": str(java_home), "PATH": f"{java_home / 'bin'}:/usr/bin:/bin"}
            result = subprocess.run([str(home / "bin" / "kc.sh"), "build", *BUILD_OPTIONS],
                                    capture_output=True, text=True, env=env, check=False)
            if result.returncode != 0:
                raise ClusterError(f"kc.sh build failed: {(result.stdout + result.stderr).strip()[-500:]}")
            stamp.write_text(wanted)
            return home
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def node_home(built: Path, target: Path) -> Path:
    """A fresh copy of the build for one node: hard links when on the same file system (instant)."""
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["cp", "-al", str(built), str(target)], capture_output=True).returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["cp", "-a", str(built), str(target)], check=True)
    # data/ is written at run time: a node's own, never a hard link into the build
    shutil.rmtree(target / "data", ignore_errors=True)
    kc_runner.install_password_blacklists(target)
    return target


def start_command(home: Path, *, port: int, management_port: int, public_url: str, db_port: int) -> list[str]:
    return [
        str(home / "bin" / "kc.sh"), "start", "--optimized",
        "--http-enabled=true", "--http-host=127.0.0.1", f"--http-port={port}",
        f"--http-management-port={management_port}",
        # every browser and the portal reach Keycloak through the load balancer (reverse-proxy guide)
        f"--hostname={public_url}", "--proxy-headers=xforwarded",
        f"--db-url=jdbc:postgresql://127.0.0.1:{db_port}/keycloak", "--db-username=keycloak",
        "--cache-stack=jdbc-ping",  # discovery through the shared database (26.x default, said out loud)
    ]


def start_environment(settings: Settings, java_home: Path, secrets: dict[str, str], jgroups_port: int) -> dict[str, str]:
    env = kc_runner.keycloak_environment(settings, java_home)
    env.update({
        "KC_DB_PASSWORD": secrets["KC_DB_PASSWORD"],  # not on the command line, where `ps` shows it
        "JAVA_OPTS_KC_HEAP": kc_runner.KEYCLOAK_HEAP,
        # JGroups on loopback, each node its own port (FD_SOCK2 takes port + 50000): two nodes on one machine
        "JAVA_OPTS_APPEND": f"-Djgroups.bind.address=127.0.0.1 -Djgroups.bind_addr=127.0.0.1 -Djgroups.bind.port={jgroups_port} "
                            "-Djava.net.preferIPv4Stack=true",
    })
    return env


def cluster_size(log: Path) -> int:
    """Members in the newest Infinispan cluster view this node logged (0: none yet)."""
    try:
        views = CLUSTER_VIEW.findall(log.read_text(errors="replace"))
    except OSError:
        return 0
    return int(views[-1]) if views else 0
