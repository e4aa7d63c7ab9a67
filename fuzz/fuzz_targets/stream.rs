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

/// The damage a portal does to a case on its way (issue N1's forms), chosen by the
/// selector byte, applied to every line: a Latin-1 byte in place of the first `é`, a lone
/// UTF-16 surrogate escape at the start of the first string, the line cut before its last
/// byte, a comma before the closing brace.
fn damaged(input: &[u8], how: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 16);
    for line in input.split_inclusive(|&b| b == b'\n') {
        let (body, end) = match line.strip_suffix(b"\n") {
            Some(body) => (body, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        let mut body = body.to_vec();
        match how % 5 {
            1 => {
                if let Some(at) = body.windows(2).position(|w| w == "é".as_bytes()) {
                    body.splice(at..at + 2, [0xe9]);
                }
            }
            2 => {
                if let Some(at) = body.iter().position(|&b| b == b'"') {
                    body.splice(at + 1..at + 1, *b"\\ud83d");
                }
            }
            3 => {
                body.pop();
            }
            4 => {
                if body.last() == Some(&b'}') {
                    body.insert(body.len() - 1, b',');
                }
            }
            _ => {}
        }
        out.extend_from_slice(&body);
        out.extend_from_slice(end);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let input = &damaged(input, selector >> 3);
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
