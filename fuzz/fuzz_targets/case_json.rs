//! One JSON case: parse, resolve against the built-in rules, triage and explain, then write
//! every output form. Nothing may panic, and the answer must keep the safety rules.
#![no_main]

use std::sync::OnceLock;

use aftercare::fuzz_contract::check_case_text;
use aftercare_core::RuleSet;
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
    let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00+01:00").unwrap();
    // The contract, stated once in the library and shared with the property tests.
    if let Err(e) = check_case_text(text, rules(), now) {
        panic!("{e}");
    }
});
