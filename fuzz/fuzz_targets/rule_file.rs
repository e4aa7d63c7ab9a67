//! Rule-file text: load and validate; when it loads, run its examples, lint it and trace it.
//! Errors must name the file; nothing may panic.
#![no_main]

use std::sync::OnceLock;

use aftercare::examples::run_examples;
use aftercare::output::rules_table;
use aftercare::output::text::Style;
use aftercare::{lint, trace};
use aftercare::RuleSet;
use libfuzzer_sys::fuzz_target;

fn reference() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RuleSet::parse(text, "fuzz.toml") {
        Err(errors) => {
            assert!(!errors.0.is_empty());
            for e in &errors.0 {
                let line = e.to_string();
                assert!(line.starts_with("fuzz.toml"), "{line}");
                assert!(!line.contains('\n') || e.message.contains('\n'), "{line}");
            }
        }
        Ok(rules) => {
            let report = run_examples(&rules);
            assert!(report.run == rules.examples.len());
            let _ = lint::lint(&rules, Some(reference()), Some(&report));
            let t = trace::trace(&rules, &report, &[]);
            assert_eq!(t.rules.len(), rules.rules().len());
            let _ = rules_table::render(&rules, Style::plain());
        }
    }
});
