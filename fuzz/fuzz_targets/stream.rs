//! The JSON Lines reader over arbitrary bytes, in each output format: every non-blank line
//! gets one answer or one error record, in order, JSON output stays JSON, and nothing panics.
#![no_main]

use std::sync::OnceLock;

use aftercare::batch::BatchOptions;
use aftercare::output::Format;
use aftercare::stream_contract::check_run;
use aftercare_core::RuleSet;
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let format = [
        Format::Json,
        Format::Compact,
        Format::Text,
        Format::Disposition,
        Format::Fhir,
    ][usize::from(selector % 5)];
    let opts = BatchOptions {
        format,
        now: DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap(),
        clock: None,
        input_name: "fuzz".into(),
        style: aftercare::output::text::Style {
            color: selector & 4 != 0,
            width: 80,
        },
    };
    // The stream's whole promise, stated once in the library: one record per non-blank
    // line, in order, whatever came before it.
    if let Err(e) = check_run(input, rules(), &opts) {
        panic!("{e}");
    }
});
