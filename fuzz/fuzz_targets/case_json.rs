//! One JSON case: parse, resolve against the built-in rules, triage and explain, then write
//! every output form. Nothing may panic, and the answer must keep the safety rules.
#![no_main]

use std::sync::OnceLock;

use aftercare::input::parse_json_case;
use aftercare::output::text::{report_styled, Style};
use aftercare::{assess, RuleSet};
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = rules();
    let case = match parse_json_case(text) {
        Ok(case) => case,
        Err(e) => {
            assert!(!e.message.is_empty(), "an input error says what is wrong");
            return;
        }
    };
    let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00+01:00").unwrap();
    let resolved = match case.resolve(rules, now) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.message.is_empty());
            return;
        }
    };
    let a = assess(&resolved, rules);
    // The answer is the most urgent finding, and every warning sign counts in full.
    let most = a
        .findings
        .iter()
        .map(|f| f.disposition)
        .max()
        .unwrap_or_default();
    assert_eq!(a.disposition, most);
    for s in &resolved.symptoms {
        if let Some(w) = rules.warning_sign(&s.id) {
            assert!(a.disposition >= w.disposition, "{} under-triaged", s.id);
        }
    }
    if resolved.repeat_contact {
        assert!(a.disposition >= rules.repeat_contact.disposition);
    }
    let json = serde_json::to_string(&a).expect("an assessment serializes");
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    let _ = report_styled(&a, rules, Style::plain());
});
