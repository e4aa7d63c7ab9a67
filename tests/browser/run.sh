#!/usr/bin/env bash
# The web check-in and the clinic inbox in a real browser: starts `aftercare serve` on a free
# port with a store in a temporary folder, drives the pages with chromium (checkin.mjs, then
# inbox.mjs against the same server and store) and reports each test. Needs setup.sh once.
# Screenshots go to target/screenshots/. The whole run takes about two minutes (the inbox's
# refresh alone waits up to 35 s).
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
