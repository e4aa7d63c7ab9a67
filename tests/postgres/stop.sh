#!/usr/bin/env bash
# Stops the PostgreSQL that start.sh started and removes its folder: the folder is
# AFTERCARE_TEST_POSTGRES_DIR (set by start.sh's output) or the first argument.
set -euo pipefail
dir=${1:-${AFTERCARE_TEST_POSTGRES_DIR:-}}
if [[ -z "$dir" || ! -d "$dir/data" ]]; then
    echo "stop.sh: no PostgreSQL folder to stop (${dir:-none given})" >&2
    exit 0
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null || true
else
    "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null || true
fi
rm -rf "$dir"
