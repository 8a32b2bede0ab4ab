-- One PostgreSQL server for the compose stack: Keycloak's database is created by the image's
-- POSTGRES_DB; the portal app gets its own database and role here.
-- DEV ONLY password: override it (and PORTAL_DB_PASSWORD) in any real deployment.
CREATE ROLE portal LOGIN PASSWORD 'dev-only-portal-db-password';
CREATE DATABASE portal OWNER portal;
