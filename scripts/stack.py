"""The whole local portal in one command: mail/SMS sink, Keycloak, demo data and the app.

    python -m scripts.stack up      # runs until Ctrl-C, then stops what it started
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from rich.console import Console

from app.config import ROOT, Settings, load_settings

from scripts import kc_runner

console = Console()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def _wait_for(url: str, process: subprocess.Popen, what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise kc_runner.RunnerError(f"{what} stopped while starting; see {log}")
        if _answers(url):
            return
        time.sleep(0.3)
    raise kc_runner.RunnerError(f"{what} did not answer at {url} within {timeout:.0f} s; see {log}")


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env)


def browser_keycloak_url(settings: Settings) -> str:
    """Keycloak's address as the portal's users see it (see app_environment)."""
    if settings.keycloak_public_url:
        return settings.keycloak_public_url
    if settings.keycloak_host == "127.0.0.1":
        return f"http://localhost:{settings.keycloak_port}"
    return settings.keycloak_url


def app_environment(settings: Settings) -> dict[str, str]:
    """The portal reaches Keycloak, and sends browsers to it, as localhost rather than 127.0.0.1:
    passkeys (WebAuthn) refuse an IP address as relying party. Keycloak still listens on 127.0.0.1
    only and takes its address from each request (scripts/kc_runner.py); KEYCLOAK_PUBLIC_URL or a
    KEYCLOAK_HOST other than 127.0.0.1 is left as set."""
    env = dict(os.environ)
    if settings.keycloak_host == "127.0.0.1" and not settings.keycloak_public_url:
        env["KEYCLOAK_HOST"] = "localhost"
    return env


def start_sink(settings: Settings) -> subprocess.Popen | None:
    """Start the mail/SMS sink unless one already answers; None when reused."""
    if _answers(f"{settings.sink_url}/api/messages"):
        return None
    log = settings.keycloak_data_dir.parent / "devsink.log"
    process = _spawn([sys.executable, "-m", "scripts.devsink", "--host", settings.smtp_host,
                      "--smtp-port", str(settings.smtp_port), "--http-port", str(settings.sink_http_port)], log)
    _wait_for(f"{settings.sink_url}/api/messages", process, "The mail sink", log)
    return process


def start_app(settings: Settings) -> subprocess.Popen:
    """Serve the portal with gunicorn, the production server, on loopback."""
    url = f"http://{settings.app_host}:{settings.app_port}/healthz"
    if _answers(url):
        raise kc_runner.RunnerError(f"Port {settings.app_port} is already in use: stop that program or set APP_PORT.")
    log = settings.keycloak_data_dir.parent / "app.log"
    process = _spawn([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4",
                      "--bind", f"{settings.app_host}:{settings.app_port}", "app.wsgi:app"], log,
                     env=app_environment(settings))
    _wait_for(url, process, "The portal app", log)
    return process


def check_runtime_client(settings: Settings) -> None:
    """A realm imported before the portal had its own admin client (portal-admin) lacks it: say so.

    Keycloak imports realm-export.json only when the realm does not exist yet."""
    from app.keycloak.client import master_admin

    if master_admin(settings).get_client_id(settings.portal_admin_client_id) is None:
        raise kc_runner.RunnerError(
            f"Realm {settings.realm!r} in .data/ predates the portal's run-time admin client "
            f"{settings.portal_admin_client_id!r}: stop, delete .data/ (README, Troubleshooting) and run again.")


def up(settings: Settings, demo: bool = True) -> int:
    """demo=False (`./dev run --no-demo`): the stack as a new arbodienst starts, without the demo
    employer; README "Eerste werkgever aansluiten" takes it from there."""
    from scripts.demo import provision_demo

    started: list[subprocess.Popen] = []
    started_keycloak = False
    try:
        with console.status("Starting the mail/SMS sink ..."):
            sink = start_sink(settings)
            started += [sink] if sink else []
        with console.status("Starting Keycloak (the first start takes about a minute) ..."):
            started_keycloak = not kc_runner.is_ready(settings)
            console.print(kc_runner.start(settings))
        check_runtime_client(settings)
        if demo:
            with console.status("Provisioning the demo employer ..."):
                demo = provision_demo(settings)
        with console.status("Starting the portal ..."):
            started.append(start_app(settings))
    except kc_runner.RunnerError as exc:
        console.print(f"[red]error:[/red] {exc}")
        _stop(started, settings, started_keycloak)
        return 1
    accounts = f"""
  Demo manager      {demo['email']} / {demo['password']} (DEV ONLY), superuser of employer {demo['employer']};
                    at first sign-in you set up an authenticator app ("Scannen mislukt?" shows the key).
  Demo employees    {', '.join(demo['employees'])} / {demo['employee_password']} (DEV ONLY);
                    at first sign-in they choose SMS (texts appear in the sink) or an authenticator app.
  Company doctor    {demo['physician']} / {demo['physician_password']} (DEV ONLY)""" if demo else """
  No demo data (--no-demo): add your first employer as in README, "Eerste werkgever aansluiten"."""
    console.print(f"""
[bold green]The portal is running.[/bold green]
  Portal            {settings.portal_url}/
  Mail and SMS      {settings.sink_url}/   (every e-mail and text message ends up here)
  Keycloak admin    {browser_keycloak_url(settings)}/admin/  user {settings.keycloak_admin_user}, password {settings.keycloak_admin_password} (DEV ONLY){accounts}
Press Ctrl-C to stop everything.""", soft_wrap=True)
    stopped = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopped.update(now=True))
    names = (["the mail/SMS sink"] if sink else []) + ["the portal"]
    children = dict(zip(names, started))
    children["Keycloak"] = watch_keycloak(settings, kc_runner.started_process if started_keycloak else None)
    ended = None
    try:
        ended = supervise(children, lambda: stopped["now"])
    except KeyboardInterrupt:
        pass
    if ended:
        console.print(f"[red]error:[/red] {describe_exit(*ended)}; stopping the rest.")
    _stop(started, settings, started_keycloak)
    return 1 if ended else 0


class KeycloakHealth:
    """Popen-like watch on a Keycloak this run did not start (reused): it has ended when its
    management port stops answering /health/live a few times in a row."""

    def __init__(self, url: str, misses: int = 3):
        self.url, self.misses, self.returncode, self._missed = url, misses, None, 0

    def poll(self):
        if self.returncode is None:
            self._missed = 0 if _answers(self.url) else self._missed + 1
            if self._missed >= self.misses:
                self.returncode = f"stopped answering at {self.url}"
        return self.returncode


def watch_keycloak(settings: Settings, process: subprocess.Popen | None):
    """What supervise() watches for Keycloak: its process when this run started it, else its health."""
    return process if process is not None else KeycloakHealth(f"{settings.keycloak_management_url}/health/live")


def supervise(children: dict[str, subprocess.Popen], should_stop, interval: float = 1.0) -> tuple[str, int] | None:
    """Wait until asked to stop (None) or until a child exits: then (its name, its return code)."""
    while not should_stop():
        for name, process in children.items():
            if process.poll() is not None:
                return name, process.returncode
        time.sleep(interval)
    return None


def describe_exit(name: str, returncode: int | str) -> str:
    """One sentence: which process ended and how (Popen gives -N for 'killed by signal N'; a watched
    service that is not our child, such as a reused Keycloak, says what it stopped doing)."""
    if isinstance(returncode, str):
        how = returncode
    elif returncode < 0:
        try:
            how = f"was killed by signal {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"was killed by signal {-returncode}"
    else:
        how = f"exited with code {returncode}"
    return f"{name} {how} (its output is in the .log file next to the Keycloak data directory, .data/ by default)"


def _stop(processes: list[subprocess.Popen], settings: Settings, stop_keycloak: bool) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    if stop_keycloak:
        console.print(kc_runner.stop(settings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole local portal stack (development mode).")
    parser.add_argument("command", choices=["up"], help="up: start everything until Ctrl-C")
    parser.add_argument("--no-demo", action="store_true",
                        help="without the demo employer and its people: the stack as a new arbodienst starts")
    args = parser.parse_args(argv)
    # The local stack is development by definition (start-dev Keycloak, the sink, demo accounts):
    # set it in os.environ so the app under gunicorn inherits it and accepts the DEV ONLY secrets.
    os.environ["LOCAL_DEVELOPMENT"] = "1"
    settings = load_settings()
    return up(settings, demo=False) if args.no_demo else up(settings)


if __name__ == "__main__":
    sys.exit(main())
