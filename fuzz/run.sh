#!/usr/bin/env bash
# Runs every fuzz target for a bounded time; any crash fails (non-zero exit).
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs cargo-fuzz; installs the pinned version when missing. On stable Rust, cargo-fuzz
# builds without a sanitizer (-s none): panics, aborts and timeouts are still found.
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(case_json stream rule_file typed_date)
fi
CARGO_FUZZ_VERSION=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

cargo fuzz build -s none

dict_for() {
    case "$1" in
        case_json | stream) echo dict/case.dict ;;
        rule_file) echo dict/rules.dict ;;
        typed_date) echo dict/date.dict ;;
    esac
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in "${TARGETS[@]}"; do
    mkdir -p "$work/$target"
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
    # New inputs go to the scratch corpus; the committed seeds are only read.
    if ! cargo fuzz run -s none "$target" "$work/$target" "seeds/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -dict="$(dict_for "$target")" \
        -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 >"$work/$target.log" 2>&1; then
        tail -n 60 "$work/$target.log"
        echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || true)"
    cov="$(grep -o 'cov: [0-9]*' "$work/$target.log" | tail -n 1 || true)"
    echo "fuzz: $target ok: ${runs:-?} executions, $cov"
done
