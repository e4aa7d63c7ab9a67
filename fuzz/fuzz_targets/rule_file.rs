//! Rule-file text: load and validate; when it loads, run its examples, lint it and trace it.
//! Errors must name the file; nothing may panic.
#![no_main]

use std::sync::OnceLock;

use aftercare::fuzz_contract::check_rule_text;
use aftercare_core::RuleSet;
use libfuzzer_sys::fuzz_target;

fn reference() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The contract, stated once in the library and shared with the property tests.
    if let Err(e) = check_rule_text(text, "fuzz.toml", reference()) {
        panic!("{e}");
    }
});
