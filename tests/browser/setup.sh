#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium and sqlite3 (with apt), then the
# pinned node packages from package-lock.json. Safe to run again: it skips what is there.
#   bash tests/browser/setup.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
# Fonts, so that screenshots and text widths are those of a real page.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)

if [ "${#missing[@]}" -gt 0 ]; then
    sudo_if_needed apt-get update
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi

command -v node >/dev/null 2>&1 || { echo "setup.sh: node (20 or later) is needed" >&2; exit 1; }

cd "$here"
# Exactly the versions in package-lock.json (npm ci starts node_modules afresh each time).
npm ci --no-audit --no-fund

/usr/bin/chromium --version
