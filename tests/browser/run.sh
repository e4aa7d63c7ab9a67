#!/usr/bin/env bash
# The web check-in in a real browser: starts `aftercare serve` on a free port with a store in
# a temporary folder, drives the pages with chromium and reports each test. Needs setup.sh
# once. Screenshots go to target/screenshots/.
#   bash tests/browser/run.sh [path/to/aftercare]     (default: the repository's target/debug/aftercare)
# Extra arguments go to checkin.mjs (--only 2,7, --verbose). The exit code is the tests' result.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ "$#" -gt 0 ]; then
    bin="$1"
    shift
    case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
else
    bin="$root/target/debug/aftercare"
fi
cd "$root"
exec node tests/browser/checkin.mjs --bin "$bin" "$@"
