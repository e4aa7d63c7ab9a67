//! Running a rule file's own examples: each is a case with its expected disposition and the
//! rules that must fire. `rules check` and the test suite both use this.

use std::collections::{BTreeMap, BTreeSet};

use chrono::DateTime;

use crate::evaluate::{triage, Triage};
use crate::model::{Case, Disposition};
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

/// What a case is expected to give: a rule file's example or a named test case of a table.
#[derive(Debug, Clone, Copy)]
pub struct Expectation<'a> {
    pub disposition: Disposition,
    /// Rule ids that must fire (as the deciding rule or among the others).
    pub rules: &'a [String],
}

/// How much a case that fails its expectation says about why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The rules behind the disposition given, and every rule that fired: a rule file's own
    /// examples, which the file's author mends from this message alone.
    Explained,
    /// What was expected and what was given: a test case of a table.
    Brief,
}

impl Expectation<'_> {
    /// Triages `case` and compares the answer with the expectation: the rules that fired,
    /// or every way the answer differs, in one message.
    pub fn check(
        self,
        case: &Case,
        rules: &RuleSet,
        detail: Detail,
    ) -> Result<Vec<String>, String> {
        let t = triage(case, rules);
        let fired = fired_rules(&t, rules);
        let mut problems = Vec::new();
        if t.disposition != self.disposition {
            let why: Vec<String> = match detail {
                Detail::Explained => t
                    .findings
                    .iter()
                    .filter(|f| f.disposition() > Disposition::HomeCare)
                    .map(|f| format!("{} -> {}", f.hit.rule.id(rules), f.disposition()))
                    .collect(),
                Detail::Brief => Vec::new(),
            };
            problems.push(format!(
                "expected {} but got {}{}",
                self.disposition,
                t.disposition,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join(", "))
                }
            ));
        }
        for r in self.rules.iter().filter(|r| !fired.contains(r)) {
            problems.push(match detail {
                Detail::Explained => {
                    format!("expected rule {r:?} to fire; fired: {}", fired.join(", "))
                }
                Detail::Brief => format!("expected rule {r:?} to fire"),
            });
        }
        if problems.is_empty() {
            Ok(fired)
        } else {
            Err(problems.join("; "))
        }
    }
}

pub fn run_example(example: &Example, rules: &RuleSet) -> Result<Vec<String>, String> {
    // Examples carry their own times (validation requires assessed_at with treated_at), so
    // this instant is never used; it only fills the parameter.
    let unused_now = DateTime::UNIX_EPOCH.fixed_offset();
    let case = example
        .case
        .resolve(rules, unused_now)
        .map_err(|e| format!("case: {e}"))?;
    let expected = Expectation {
        disposition: example.expect,
        rules: &example.expect_rules,
    };
    expected.check(&case, rules, Detail::Explained)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReportedSymptom;

    #[test]
    fn a_missed_expectation_is_said_with_or_without_its_reasons() {
        let rules = crate::rules::built_in_for_tests();
        let fever = ReportedSymptom::new("fever");
        let case = Case::on_day(2.0, vec![fever]);
        let wanted = ["fever".to_string(), "nothing_such".to_string()];
        let expected = Expectation {
            disposition: Disposition::HomeCare,
            rules: &wanted,
        };
        let explained = expected.check(&case, rules, Detail::Explained).unwrap_err();
        assert!(
            explained.starts_with("expected home_care but got see_today (fever -> see_today")
                && explained.contains("; expected rule \"nothing_such\" to fire; fired: fever"),
            "{explained}"
        );
        let brief = expected.check(&case, rules, Detail::Brief).unwrap_err();
        assert_eq!(
            brief,
            "expected home_care but got see_today; expected rule \"nothing_such\" to fire"
        );
        let met = Expectation {
            disposition: Disposition::SeeToday,
            rules: &wanted[..1],
        };
        assert!(met
            .check(&case, rules, Detail::Brief)
            .unwrap()
            .contains(&"fever".to_string()));
    }
}
