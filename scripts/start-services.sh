#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis that the scale-out tests use, when they are not running,
# and creates the database roles and the test database. Safe to run repeatedly. Only touches
# 127.0.0.1.
#
# Roles (trust authentication on 127.0.0.1 in development and CI):
#   masala_owner  owns the schema and runs migrations. CREATEDB and pg_signal_backend let the
#                 tests create a fresh database per run and drop it with its open connections,
#                 without a superuser.
#   masala_app    the API's role: no SUPERUSER, no BYPASSRLS, owns no tables.
# Database masala_test belongs to masala_owner; masala_app may connect to it.
set -uo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_up; then
  version=$(ls /etc/postgresql 2>/dev/null | head -n 1)
  if [ -n "$version" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || echo "warning: PostgreSQL did not start" >&2
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi

if command -v redis-server >/dev/null 2>&1 && ! redis_up; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || echo "warning: Redis did not start" >&2
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi

if pg_up; then
  if ! psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
SET client_min_messages = warning;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'masala_owner') THEN
    CREATE ROLE masala_owner LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'masala_app') THEN
    CREATE ROLE masala_app LOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
ALTER ROLE masala_owner NOSUPERUSER NOBYPASSRLS CREATEDB;
ALTER ROLE masala_app NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
GRANT pg_signal_backend TO masala_owner;
SELECT 'CREATE DATABASE masala_test OWNER masala_owner'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'masala_test')
\gexec
GRANT CONNECT ON DATABASE masala_test TO masala_app;
SQL
  then
    echo "warning: creating the PostgreSQL roles or the masala_test database failed" >&2
  fi
fi
exit 0
