"""Run the project's Keycloak on this machine without Docker.

Fetches the pinned official distribution from Maven Central once (cached outside the repo),
unpacks it once into the git-ignored `.local/`, links our themes and providers in, and starts
`kc.sh start-dev --import-realm` on 127.0.0.1 with a dev-file database in `.data/`.

    python -m scripts.kc_runner start|stop|status

Every failure ends in one line that says what to do, and a non-zero exit.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from app.config import ROOT, Settings, load_settings

HERE = ROOT / "keycloak"  # the themes, providers and password lists the runner installs

REALM_FILE = ROOT / "realm-export.json"
THEMES_DIR = HERE / "themes"
EXTENSIONS_DIR = HERE / "extensions"
# the realm's passwordBlacklist(...) policy names these files; Keycloak reads them from
# <home>/data/password-blacklists/ (its default) and refuses a realm whose list is missing
PASSWORD_BLACKLIST_DIR = HERE / "password-blacklist"
# Keycloak checks the blacklist with a Bloom filter: by default 1 in 10,000 good passwords is refused
# as "not allowed" (a few times a month for real users; now and then in a test run that makes a few
# hundred random passwords). One in a million costs a slightly larger filter, nothing else.
# start at what it settles on, cap at ~2.5x the most it ever committed (docker-compose.yml, cluster_kc.py: the same)
KEYCLOAK_HEAP = "-Xms256m -Xmx768m"
BLACKLIST_FALSE_POSITIVES = "--spi-password-policy--password-blacklist--false-positive-probability=0.000001"


class RunnerError(Exception):
    """A problem the user can fix; the message says how."""


# ---------------------------------------------------------------- the distribution


def dist_archive(settings: Settings) -> Path:
    return settings.keycloak_cache_dir / f"keycloak-quarkus-dist-{settings.keycloak_version}.tar.gz"


def fetch_distribution(settings: Settings) -> Path:
    """Download the distribution with Maven into the cache, unless it is already there."""
    archive = dist_archive(settings)
    if archive.exists():
        return archive
    mvn = shutil.which("mvn")
    if not mvn:
        raise RunnerError("Maven (mvn) is not installed: install it (apt-get install maven) and run again.")
    settings.keycloak_cache_dir.mkdir(parents=True, exist_ok=True)
    artifact = f"org.keycloak:keycloak-quarkus-dist:{settings.keycloak_version}:tar.gz"
    print(f"Downloading Keycloak {settings.keycloak_version} from Maven Central (once) ...", flush=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={settings.keycloak_cache_dir}"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0 or not archive.exists():
        tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
        raise RunnerError(f"Could not download {artifact} with Maven: {' / '.join(tail) or 'no output'}")
    return archive


def keycloak_home(settings: Settings) -> Path:
    return settings.keycloak_home_dir / f"keycloak-{settings.keycloak_version}"


def ensure_unpacked(settings: Settings) -> Path:
    """Unpack the cached archive once; later runs reuse the unpacked copy."""
    home = keycloak_home(settings)
    if (home / "bin" / "kc.sh").exists():
        return home
    archive = fetch_distribution(settings)
    settings.keycloak_home_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.keycloak_home_dir / f".unpacking-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="tar")
    # rename as the last step so an interrupted unpack is never mistaken for a complete one
    (staging / f"keycloak-{settings.keycloak_version}").rename(home)
    shutil.rmtree(staging, ignore_errors=True)
    return home


# ---------------------------------------------------------------- java


def _java_major(java: Path) -> int:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=False).stderr
    except OSError:
        return 0
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else 0


def find_java_home(settings: Settings, jvm_dir: Path = Path("/usr/lib/jvm")) -> Path:
    """Prefer a configured JDK, then the newest JDK >= 21 on the machine, then the default java (>= 17)."""
    candidates: list[Path] = []
    if settings.java_home:
        candidates.append(Path(settings.java_home))
    if jvm_dir.is_dir():
        candidates.extend(sorted((p for p in jvm_dir.iterdir() if (p / "bin" / "java").exists()), reverse=True))
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    versions = [(home, _java_major(home / "bin" / "java")) for home in dict.fromkeys(candidates)]
    if settings.java_home and versions and versions[0][1] >= 17:
        return versions[0][0]
    usable = [hv for hv in versions if hv[1] >= 17]
    if not usable:
        raise RunnerError("No Java 17 or newer found: install a JDK (apt-get install openjdk-17-jdk-headless) and run again.")
    return max(usable, key=lambda hv: hv[1])[0]


# ---------------------------------------------------------------- our themes and providers


def build_extensions() -> list[Path]:
    """Build each Maven extension under keycloak/extensions when its sources are newer than its jar."""
    jars: list[Path] = []
    for pom in sorted(EXTENSIONS_DIR.glob("*/pom.xml")):
        project = pom.parent
        built = sorted((project / "target").glob("*.jar")) if (project / "target").is_dir() else []
        newest_source = max((p.stat().st_mtime for p in project.rglob("*") if p.is_file() and "target" not in p.parts), default=0)
        if not built or min(j.stat().st_mtime for j in built) < newest_source:
            mvn = shutil.which("mvn")
            if not mvn:
                raise RunnerError("Maven (mvn) is needed to build keycloak/extensions: apt-get install maven.")
            print(f"Building Keycloak extension {project.name} ...", flush=True)
            result = subprocess.run([mvn, "-q", "-B", "-f", str(pom), "package", "-DskipTests"], capture_output=True, text=True, check=False)
            if result.returncode != 0:
                tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
                raise RunnerError(f"Building {project.name} failed: {' / '.join(tail)}")
            built = sorted((project / "target").glob("*.jar"))
        jars.extend(j for j in built if not j.name.endswith(("-sources.jar", "-tests.jar")))
    return jars


def install_customizations(settings: Settings, home: Path) -> None:
    """Link our themes and copy our provider jars and realm file into the Keycloak home."""
    for theme in sorted(THEMES_DIR.glob("*")) if THEMES_DIR.is_dir() else []:
        if not theme.is_dir():
            continue
        link = home / "themes" / theme.name
        if link.is_symlink() or link.exists():
            if link.is_symlink() and link.resolve() == theme.resolve():
                continue
            link.unlink() if link.is_symlink() else shutil.rmtree(link)
        link.symlink_to(theme, target_is_directory=True)
    providers = home / "providers"
    for stale in providers.glob("*.jar"):
        stale.unlink()
    for jar in build_extensions() if settings.keycloak_build_extensions else []:
        shutil.copy2(jar, providers / jar.name)
    install_password_blacklists(home)
    import_dir = home / "data" / "import"
    import_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REALM_FILE, import_dir / "realm-export.json")


def install_password_blacklists(home: Path) -> list[Path]:
    """Copy our password deny lists (*.txt) to where Keycloak's passwordBlacklist policy reads them."""
    target = home / "data" / "password-blacklists"
    target.mkdir(parents=True, exist_ok=True)
    installed = []
    for source in sorted(PASSWORD_BLACKLIST_DIR.glob("*.txt")):
        shutil.copy2(source, target / source.name)
        installed.append(target / source.name)
    return installed


# ---------------------------------------------------------------- the process


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def is_ready(settings: Settings) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.keycloak_management_url}/health/ready", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


started_process: subprocess.Popen | None = None  # the Keycloak start() launched in this process


def pid_file(settings: Settings) -> Path:
    return settings.keycloak_data_dir / "keycloak.pid"


def log_file(settings: Settings) -> Path:
    return settings.keycloak_data_dir / "keycloak.log"


def _running_pid(settings: Settings) -> int | None:
    try:
        pid = int(pid_file(settings).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def keycloak_environment(settings: Settings, java_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.realm_placeholders())
    env.update({
        "JAVA_HOME": str(java_home),
        "PATH": f"{java_home / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        "KC_BOOTSTRAP_ADMIN_USERNAME": settings.keycloak_admin_user,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": settings.keycloak_admin_password,
        # sized from a measurement (README, Benchmarks > Memory): under the bulk-import benchmark and
        # after a day of integration tests the heap committed at most ~290 MB, used at most ~240 MB
        "JAVA_OPTS_KC_HEAP": KEYCLOAK_HEAP,
        "SMS_GATEWAY_URL": settings.sms_gateway_url,
        "SMS_GATEWAY_TOKEN": settings.sms_gateway_token,
    })
    return env


def hostname_options(settings: Settings) -> list[str]:
    """Keycloak's own address in its pages, redirects and tokens.

    Without KEYCLOAK_PUBLIC_URL none is fixed: development mode then takes it from each request, so
    a browser at http://localhost:<port> stays on localhost - the host name passkeys need (WebAuthn
    refuses an IP address such as 127.0.0.1 as relying party) - while everything that calls
    http://127.0.0.1:<port> (the tests, the CLI) keeps that address, issuer included. With
    KEYCLOAK_PUBLIC_URL the browser-facing address is fixed and the back channel stays dynamic."""
    if settings.keycloak_public_url:
        return [f"--hostname={settings.keycloak_public_url}", "--hostname-backchannel-dynamic=true"]
    return []


def start(settings: Settings, timeout: float = 300.0) -> str:
    """Start Keycloak (or reuse one that is already up) and wait until it is ready."""
    if is_ready(settings):
        return f"Keycloak already running at {settings.keycloak_url} (reused)"
    for port in (settings.keycloak_port, settings.keycloak_management_port):
        if _port_in_use(settings.keycloak_host, port):
            raise RunnerError(f"Port {port} is in use by another program: stop it, or set KEYCLOAK_PORT / KEYCLOAK_MANAGEMENT_PORT.")
    java_home = find_java_home(settings)
    home = ensure_unpacked(settings)
    install_customizations(settings, home)
    settings.keycloak_data_dir.mkdir(parents=True, exist_ok=True)
    db_url = f"jdbc:h2:file:{settings.keycloak_data_dir / 'keycloakdb'};NON_KEYWORDS=VALUE"
    command = [
        str(home / "bin" / "kc.sh"), "start-dev", "--import-realm",
        f"--http-host={settings.keycloak_host}", f"--http-port={settings.keycloak_port}",
        "--http-management-port", str(settings.keycloak_management_port),
        "--health-enabled=true", "--db=dev-file", f"--db-url={db_url}",
        BLACKLIST_FALSE_POSITIVES, *hostname_options(settings),
    ]
    log = log_file(settings)
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=keycloak_environment(settings, java_home), start_new_session=True)
    pid_file(settings).write_text(str(process.pid))
    global started_process  # ./dev run's supervisor watches it (scripts/stack.py)
    started_process = process
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RunnerError(f"Keycloak stopped while starting (exit {process.returncode}); see the log: {log}")
        if is_ready(settings):
            harden_imported_realm(settings)
            return f"Keycloak {settings.keycloak_version} ready at {settings.keycloak_url} (Java {_java_major(java_home / 'bin' / 'java')}; log: {log})"
        time.sleep(1)
    stop(settings)
    raise RunnerError(f"Keycloak was not ready after {timeout:.0f} s; see the log: {log}")


def harden_imported_realm(settings: Settings) -> None:
    """The import cannot take the account console's credential removal and offline_access out of
    Keycloak's default roles: do it (and check "no password grant") on the realm imported at start."""
    from app import keycloak as kc

    try:
        admin = kc.client.master_admin(settings, realm="master")
        if settings.realm == "master" or settings.realm not in {r["realm"] for r in admin.get_realms()}:
            return  # KEYCLOAK_REALM names a realm the import did not make: `provision realm` makes it
        desired = kc.realm.render_realm(settings.realm_placeholders(), realm_name=settings.realm)
        kc.single_factor.enforce_no_single_factor(kc.client.master_admin(settings, realm=settings.realm), desired)
    except Exception as exc:  # noqa: BLE001 - any failure here must stop the start, in one line
        raise RunnerError(f"Keycloak started, but realm {settings.realm} could not be secured: {exc}") from exc


def stop(settings: Settings, timeout: float = 30.0) -> str:
    """Stop the Keycloak this runner started (SIGTERM, then SIGKILL after the timeout)."""
    pid = _running_pid(settings)
    if pid is None:
        return "Keycloak is not running (started by this runner)"
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _running_pid(settings) is not None:
        time.sleep(0.5)
    if _running_pid(settings) is not None:
        os.killpg(pid, signal.SIGKILL)
    pid_file(settings).unlink(missing_ok=True)
    return "Keycloak stopped"


def status(settings: Settings) -> str:
    state = "ready" if is_ready(settings) else "not ready"
    return f"Keycloak at {settings.keycloak_url}: {state}; log: {log_file(settings)}"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in {"start", "stop", "status"}:
        print("usage: python -m scripts.kc_runner start|stop|status", file=sys.stderr)
        return 2
    settings = load_settings()
    try:
        print({"start": start, "stop": stop, "status": status}[argv[0]](settings))
    except RunnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
