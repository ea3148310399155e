#!/usr/bin/env bash
# Starts a throwaway loopback PostgreSQL cluster for tests (run as root) and prints its URL.
# Idempotent. Env: TALON_PG_NAME (talon-test), TALON_PG_PORT (54329), TALON_PG_FAST=1 for
# fsync=off (tests only).
set -euo pipefail
NAME=${TALON_PG_NAME:-talontest}
PORT=${TALON_PG_PORT:-54329}
if ! command -v pg_createcluster >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is missing: run  sudo apt-get install -y postgresql" >&2; exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VER $NAME"; then
  FAST=()
  [ "${TALON_PG_FAST:-0}" = 1 ] && FAST=(-o fsync=off -o synchronous_commit=off -o full_page_writes=off)
  pg_createcluster "$VER" "$NAME" -p "$PORT" --start-conf=manual "${FAST[@]}" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
pg_ctlcluster "$VER" "$NAME" start 2>/dev/null || pg_ctlcluster "$VER" "$NAME" status >/dev/null
for _ in $(seq 1 50); do
  su postgres -c "psql -p $PORT -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='talon') THEN CREATE ROLE talon LOGIN CREATEDB PASSWORD 'talon'; END IF; END \\\$\\\$;\""
su postgres -c "psql -p $PORT -tAc \"SELECT 1 FROM pg_database WHERE datname='talon'\"" | grep -q 1 || su postgres -c "createdb -p $PORT -O talon talon"
echo "postgres://talon:talon@127.0.0.1:$PORT/talon"
