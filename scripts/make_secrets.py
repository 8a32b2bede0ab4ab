"""Generate a fresh set of production secrets: one `NAME=value` line each, for docker compose's .env.

    ./dev secrets                                  # writes .env (mode 600), refuses to overwrite it
    python -m scripts.make_secrets --write PATH    # the same, to another file
    python -m scripts.make_secrets                 # prints them (for a secret manager)

Exit codes: 0 written/printed, 1 the file already exists (nothing is changed).
Each value is 32 random bytes from the `secrets` module, base64url-encoded (43 characters):
exactly what the app's start-up check (app/config.py, production_problems) asks for.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

# Every secret of the compose stack, and who gets it (README, "Production").
SECRETS = {
    "SECRET_KEY": "the portal: Flask session signing key",
    "PORTAL_CLIENT_SECRET": "the portal and Keycloak: the portal's OIDC client",
    "PORTAL_ADMIN_CLIENT_SECRET": "the portal and Keycloak: the portal's run-time admin service account",
    "PROVISIONER_CLIENT_SECRET": "Keycloak and the provisioning CLI only: the provisioning service account",
    "KEYCLOAK_ADMIN_PASSWORD": "Keycloak only: the bootstrap admin of the master realm",
    "KC_DB_PASSWORD": "Keycloak and PostgreSQL: Keycloak's database",
    "PORTAL_DB_PASSWORD": "the portal and PostgreSQL: the portal's database",
    "SMS_GATEWAY_TOKEN": "Keycloak and the SMS gateway",
}


def generate() -> dict[str, str]:
    return {name: secrets.token_urlsafe(32) for name in SECRETS}


def render(values: dict[str, str]) -> str:
    lines = ["# Production secrets for docker-compose.yml, made by `./dev secrets`. Never commit this file."]
    for name, value in values.items():
        lines += [f"# {SECRETS[name]}", f"{name}={value}"]
    return "\n".join(lines) + "\n"


def write_new(path: str, text: str) -> None:
    """Create the file readable by its owner only; FileExistsError when it exists (never overwritten)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate production secrets (one NAME=value line each).")
    parser.add_argument("--write", metavar="PATH", help="create PATH (mode 600) instead of printing; never overwrites")
    args = parser.parse_args(argv)
    text = render(generate())
    if not args.write:
        sys.stdout.write(text)
        return 0
    try:
        write_new(args.write, text)
    except FileExistsError:
        print(f"error: {args.write} already exists; nothing was changed (delete it first to make new secrets, "
              "which also means resetting the databases and Keycloak clients that use the old ones)", file=sys.stderr)
        return 1
    print(f"Wrote {len(SECRETS)} secrets to {args.write} (readable by you only). Keep it out of git.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
