//! The traceability report (`aftercare rules trace`): for every rule, where it comes from,
//! which of the rule file's examples make it fire, and which named test cases do.
//!
//! Test cases are JSON Lines tables, one case a line, as in `tests/cases/public.jsonl`:
//! `{"id": "P-01", "title": "...", "input": {<a case>}, "expect": "home_care"}` with an
//! optional `"expect_rules": [...]`. The integration tests run the same tables and assert
//! them. A rule counts as exercised only when it really fires in a case that gives its
//! expected answer, computed here on every run: nothing is recorded by hand, so the report
//! cannot go stale. A case that fails its expectation is listed and exercises nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::examples::{Detail, ExampleReport, Expectation};
use crate::input::CaseInput;
use crate::model::{Disposition, RuleSetId};
use crate::rules::{RuleSet, SourceKind};

/// One named test case of a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub input: CaseInput,
    pub expect: Disposition,
    #[serde(default)]
    pub expect_rules: Vec<String>,
}

/// Reads a table of test cases (JSON Lines); `origin` names it in errors and in the report.
pub fn read_test_cases(text: &str, origin: &str) -> Result<Vec<NamedCase>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: TestCase = serde_json::from_str(line)
            .map_err(|e| format!("{origin}: line {}: not a test case: {e}", i + 1))?;
        out.push(NamedCase {
            table: origin.to_string(),
            case,
        });
    }
    Ok(out)
}

/// A test case with the table it came from.
#[derive(Debug, Clone)]
pub struct NamedCase {
    pub table: String,
    pub case: TestCase,
}

/// What one test case did.
#[derive(Debug, Clone)]
pub struct TestOutcome {
    pub table: String,
    pub id: String,
    /// Rules that fired; empty when the case failed.
    pub fired: Vec<String>,
    /// Why the case failed its expectation, if it did.
    pub failure: Option<String>,
}

/// Runs test cases against `rules`; `now` stands in for a missing `assessed_at`.
pub fn run_test_cases(
    rules: &RuleSet,
    cases: &[NamedCase],
    now: DateTime<FixedOffset>,
) -> Vec<TestOutcome> {
    cases
        .iter()
        .map(|n| {
            let outcome = |fired, failure| TestOutcome {
                table: n.table.clone(),
                id: n.case.id.clone(),
                fired,
                failure,
            };
            let case = match n.case.input.resolve(rules, now) {
                Ok(c) => c,
                Err(e) => return outcome(Vec::new(), Some(format!("input: {e}"))),
            };
            let expected = Expectation {
                disposition: n.case.expect,
                rules: &n.case.expect_rules,
            };
            match expected.check(&case, rules, Detail::Brief) {
                Ok(fired) => outcome(fired, None),
                Err(failure) => outcome(Vec::new(), Some(failure)),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestRef {
    pub table: String,
    pub id: String,
}

/// One rule's line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct RuleTrace {
    pub rule: String,
    pub sources: Vec<SourceRef>,
    /// The words of the citation.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_note: String,
    pub examples: Vec<String>,
    pub tests: Vec<TestRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failing {
    pub table: String,
    pub id: String,
    pub message: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub rule_set: RuleSetId,
    pub file: String,
    pub rules: Vec<RuleTrace>,
    /// Rules that no passing example makes fire.
    pub without_examples: Vec<String>,
    /// Rules that no passing test case makes fire.
    pub without_tests: Vec<String>,
    /// Rules that nothing makes fire: neither an example nor a test case.
    pub unexercised: Vec<String>,
    /// Examples and test cases that do not give their expected answer.
    pub failing: Vec<Failing>,
}

impl Trace {
    /// Whether every rule is exercised and every example and test case passes.
    pub fn complete(&self) -> bool {
        self.unexercised.is_empty() && self.failing.is_empty()
    }
}

pub fn trace(rules: &RuleSet, examples: &ExampleReport, tests: &[TestOutcome]) -> Trace {
    let mut by_rule: BTreeMap<&str, Vec<TestRef>> = BTreeMap::new();
    for t in tests {
        for r in &t.fired {
            let entry = by_rule.entry(r.as_str()).or_default();
            let tref = TestRef {
                table: t.table.clone(),
                id: t.id.clone(),
            };
            if !entry.contains(&tref) {
                entry.push(tref);
            }
        }
    }
    let mut out = Trace {
        rule_set: rules.id(),
        file: rules.origin.clone(),
        rules: Vec::new(),
        without_examples: Vec::new(),
        without_tests: Vec::new(),
        unexercised: Vec::new(),
        failing: Vec::new(),
    };
    for info in rules.rules() {
        let id = info.id.code();
        let sources = info
            .citation
            .sources
            .iter()
            .map(|id| {
                let s = rules.source(id);
                SourceRef {
                    id: id.clone(),
                    kind: s.map_or(SourceKind::Proposed, |s| s.kind).code(),
                    title: s.map(|s| s.title.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let examples = examples.fired_by.get(&id).cloned().unwrap_or_default();
        let tests = by_rule.remove(id.as_str()).unwrap_or_default();
        if examples.is_empty() {
            out.without_examples.push(id.clone());
        }
        if tests.is_empty() {
            out.without_tests.push(id.clone());
        }
        if examples.is_empty() && tests.is_empty() {
            out.unexercised.push(id.clone());
        }
        out.rules.push(RuleTrace {
            rule: id,
            sources,
            source_note: info.citation.note.clone(),
            examples,
            tests,
        });
    }
    for f in &examples.failures {
        out.failing.push(Failing {
            table: rules.origin.clone(),
            id: f.example.clone(),
            message: f.message.clone(),
        });
    }
    for t in tests {
        if let Some(message) = &t.failure {
            out.failing.push(Failing {
                table: t.table.clone(),
                id: t.id.clone(),
                message: message.clone(),
            });
        }
    }
    out
}

/// The report for a person: one block per rule.
pub fn render_text(t: &Trace) -> String {
    use crate::escape::visible as v;
    use std::fmt::Write as _;
    // What comes from the files (their names, test ids, notes) can hold anything: shown
    // with whatever could act on a terminal made visible.
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Traceability: {} {} ({})\n",
        v(&t.rule_set.name),
        v(&t.rule_set.version),
        v(&t.file)
    );
    for r in &t.rules {
        let _ = writeln!(s, "{}", r.rule);
        let sources: Vec<String> = r
            .sources
            .iter()
            .map(|x| format!("{} ({})", v(&x.id), x.kind))
            .collect();
        let _ = writeln!(s, "  sources:  {}", sources.join(", "));
        if !r.source_note.is_empty() {
            let _ = writeln!(s, "  note:     {}", v(&r.source_note));
        }
        let _ = writeln!(s, "  examples: {}", list_or_none(&r.examples));
        let tests: Vec<String> = r
            .tests
            .iter()
            .map(|x| format!("{} {}", v(&x.table), v(&x.id)))
            .collect();
        let _ = writeln!(s, "  tests:    {}", list_or_none(&tests));
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{} rules; {} without an example, {} without a test case, {} exercised by nothing.",
        t.rules.len(),
        t.without_examples.len(),
        t.without_tests.len(),
        t.unexercised.len()
    );
    if !t.unexercised.is_empty() {
        let _ = writeln!(s, "Exercised by nothing: {}", t.unexercised.join(", "));
    }
    for f in &t.failing {
        let _ = writeln!(
            s,
            "Failing: {} {}: {}",
            v(&f.table),
            v(&f.id),
            v(&f.message)
        );
    }
    s
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::run_examples;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap()
    }

    #[test]
    fn a_rule_counts_only_when_a_passing_case_fires_it() {
        let rules = crate::rules::built_in_for_tests();
        let table = concat!(
            r#"{"id":"ok","input":{"days_since_treatment":3,"symptoms":[{"id":"redness","trend":"worsening"}]},"expect":"see_today"}"#,
            "\n",
            r#"{"id":"wrong","input":{"days_since_treatment":2,"symptoms":[{"id":"fever"}]},"expect":"home_care"}"#,
            "\n"
        );
        let cases = read_test_cases(table, "t.jsonl").unwrap();
        let outcomes = run_test_cases(rules, &cases, now());
        let t = trace(rules, &run_examples(rules), &outcomes);
        let rule = |id: &str| t.rules.iter().find(|r| r.rule == id).unwrap();
        let ids = |r: &RuleTrace| r.tests.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(rule("redness.worse_after")), ["ok"]);
        assert!(
            rule("fever").tests.is_empty(),
            "a failing case exercises nothing"
        );
        assert!(!rule("fever").examples.is_empty());
        assert_eq!(t.failing.len(), 1);
        assert!(t.failing[0]
            .message
            .contains("expected home_care but got see_today"));
        assert!(!t.complete());
        assert!(t.without_tests.contains(&"fever".to_string()));
        assert!(t.unexercised.is_empty());
    }

    #[test]
    fn an_unknown_field_in_a_table_is_an_error_naming_the_line() {
        let e = read_test_cases(
            "\n{\"id\":\"x\",\"input\":{\"symptoms\":[]},\"expect\":\"home_care\",\"oops\":1}\n",
            "t.jsonl",
        )
        .unwrap_err();
        assert!(e.starts_with("t.jsonl: line 2: "), "{e}");
    }
}
