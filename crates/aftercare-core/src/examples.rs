//! Running a rule file's own examples: each is a case with its expected disposition and the
//! rules that must fire. `rules check` and the test suite both use this.

use std::collections::{BTreeMap, BTreeSet};

use chrono::DateTime;

use crate::evaluate::{triage, Triage};
use crate::model::Disposition;
use crate::rules::{Diagnostic, Example, Level, RuleId, RuleKind, RuleSet};

/// What went wrong with one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub example: String,
    pub message: String,
}

impl ExampleFailure {
    /// The failure as a problem of the rule file `file`: an error, since a file whose own
    /// examples fail does not do what it says and is not used.
    pub fn diagnostic(&self, file: &str) -> Diagnostic {
        let example = RuleId::new(RuleKind::Example, &self.example);
        Diagnostic::about(Level::Error, file, &example, "", self.message.clone())
    }
}

/// The outcome of running all examples of a rule set.
#[derive(Debug, Clone, Default)]
pub struct ExampleReport {
    pub run: usize,
    pub failures: Vec<ExampleFailure>,
    /// Every rule id that fired in some example, as the deciding rule or among the others.
    pub fired: BTreeSet<String>,
    /// For each rule id that fired, the examples (passing ones only) that made it fire, in
    /// file order: the traceability report lists them.
    pub fired_by: BTreeMap<String, Vec<String>>,
}

impl ExampleReport {
    /// Rules of the set that no example makes fire.
    pub fn uncovered(&self, rules: &RuleSet) -> Vec<RuleId> {
        rules
            .rules()
            .into_iter()
            .map(|r| r.id)
            .filter(|id| !self.fired.contains(&id.code()))
            .collect()
    }
}

/// Every rule id that fired in a triage.
pub fn fired_rules(t: &Triage, rules: &RuleSet) -> Vec<String> {
    t.findings
        .iter()
        .flat_map(|f| std::iter::once(&f.hit).chain(f.also.iter()))
        .map(|h| h.rule.id(rules))
        .collect()
}

pub fn run_example(example: &Example, rules: &RuleSet) -> Result<Vec<String>, String> {
    // Examples carry their own times (validation requires assessed_at with treated_at), so
    // this instant is never used; it only fills the parameter.
    let unused_now = DateTime::UNIX_EPOCH.fixed_offset();
    let case = example
        .case
        .resolve(rules, unused_now)
        .map_err(|e| format!("case: {e}"))?;
    let t = triage(&case, rules);
    let fired = fired_rules(&t, rules);
    let mut problems = Vec::new();
    if t.disposition != example.expect {
        let why: Vec<String> = t
            .findings
            .iter()
            .filter(|f| f.disposition() > Disposition::HomeCare)
            .map(|f| format!("{} -> {}", f.hit.rule.id(rules), f.disposition()))
            .collect();
        problems.push(format!(
            "expected {} but got {}{}",
            example.expect,
            t.disposition,
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join(", "))
            }
        ));
    }
    for r in &example.expect_rules {
        if !fired.contains(r) {
            problems.push(format!(
                "expected rule {r:?} to fire; fired: {}",
                fired.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(fired)
    } else {
        Err(problems.join("; "))
    }
}

pub fn run_examples(rules: &RuleSet) -> ExampleReport {
    let mut report = ExampleReport::default();
    for example in &rules.examples {
        report.run += 1;
        match run_example(example, rules) {
            Ok(fired) => {
                for rule in fired {
                    let by = report.fired_by.entry(rule.clone()).or_default();
                    if by.last() != Some(&example.id) {
                        by.push(example.id.clone());
                    }
                    report.fired.insert(rule);
                }
            }
            Err(message) => report.failures.push(ExampleFailure {
                example: example.id.clone(),
                message,
            }),
        }
    }
    report
}
