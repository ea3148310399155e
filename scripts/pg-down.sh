#!/usr/bin/env bash
# Stops the test cluster started by pg-up.sh; --drop also deletes it.
set -euo pipefail
NAME=${TALON_PG_NAME:-talontest}
VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$VER" "$NAME" stop 2>/dev/null || true
[ "${1:-}" = --drop ] && pg_dropcluster "$VER" "$NAME" 2>/dev/null || true
