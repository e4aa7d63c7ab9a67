#!/usr/bin/env bash
# The web check-in in a real browser: starts `aftercare serve` on a free port with a store in
# a temporary folder, drives the pages with chromium and reports each test. Needs setup.sh
# once. Screenshots go to target/screenshots/.
#   bash tests/browser/run.sh [path/to/aftercare]          (default: target/debug/aftercare)
# Extra arguments go to checkin.mjs (e.g. --only 2,7). The exit code is the tests' result.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-target/debug/aftercare}"
[ "$#" -gt 0 ] && shift
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
cd "$root"
exec node tests/browser/checkin.mjs --bin "$bin" "$@"
