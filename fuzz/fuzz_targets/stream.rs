//! The JSON Lines reader over arbitrary bytes, in each output format: every line gets one
//! answer or one error record, JSON output stays JSON, and nothing panics.
#![no_main]

use std::sync::OnceLock;

use aftercare::batch::{run, BatchOptions};
use aftercare::output::Format;
use aftercare::RuleSet;
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, mut input)) = data.split_first() else {
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
    let mut out = Vec::new();
    let summary = run(&mut input, &mut out, rules(), &opts).expect("memory I/O cannot fail");
    assert!(
        summary.cases + summary.errors >= 1,
        "every input gets an answer or an error"
    );
    assert_eq!(summary.messages.len(), summary.errors);
    let text = String::from_utf8(out).expect("output is UTF-8");
    match format {
        Format::Json | Format::Compact => {
            let mut records = 0;
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
                assert!(v.get("disposition").is_some() || v.get("error").is_some());
                records += 1;
            }
            assert_eq!(records, summary.cases + summary.errors);
        }
        Format::Disposition => {
            // One line out per line in; an input with no case at all has no line to answer.
            let empty = summary.messages == ["fuzz: empty input: expected a JSON case"];
            let expected = if empty {
                0
            } else {
                summary.cases + summary.errors
            };
            assert_eq!(text.lines().count(), expected);
        }
        // A bundle per case, an OperationOutcome per case not read (and for no case at all).
        Format::Fhir => {
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
                assert!(v["resourceType"] == "Bundle" || v["resourceType"] == "OperationOutcome");
            }
            assert_eq!(text.lines().count(), summary.cases + summary.errors);
        }
        Format::Text => {}
    }
});
