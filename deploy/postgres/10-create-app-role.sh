#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d).
# Creates the role the API connects as: it may log in and use the tables the owner grants it,
# but it is no superuser, cannot bypass row-level security and owns nothing.
set -eu
if [ -z "${MASALA_APP_DB_PASSWORD:-}" ]; then
  echo "MASALA_APP_DB_PASSWORD is empty: set it in .env before the first start" >&2
  exit 1
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$MASALA_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE masala_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
GRANT CONNECT ON DATABASE masala TO masala_app;
SQL
