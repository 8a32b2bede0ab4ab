#!/bin/bash
# One PostgreSQL server for the compose stack: Keycloak's database is created by the image's
# POSTGRES_DB; the portal app gets its own database and role here. The password comes from the
# environment (PORTAL_DB_PASSWORD, from the git-ignored .env): no password is in this file.
# psql reads it with \getenv, so it never appears on a command line.
set -euo pipefail
: "${PORTAL_DB_PASSWORD:?PORTAL_DB_PASSWORD is not set: run ./dev secrets first (README, Production)}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv portal_password PORTAL_DB_PASSWORD
CREATE ROLE portal LOGIN PASSWORD :'portal_password';
CREATE DATABASE portal OWNER portal;
SQL
