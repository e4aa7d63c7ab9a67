//! Dates as people type them ("3 days ago", "yesterday 14:30") and as scripts send them
//! (RFC 3339 and the local forms), against a clock and offset taken from the input.
#![no_main]

use aftercare::fuzz_contract::check_date_text;
use chrono::{DateTime, FixedOffset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Offsets from -12:00 to +14:00 in quarter hours, and a few instants far apart.
    let quarter_hours = i32::from(selector % 105) - 48;
    let offset = FixedOffset::east_opt(quarter_hours * 15 * 60).unwrap();
    let base = [
        "2026-11-21T09:00:00Z",
        "2026-03-29T01:30:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ][usize::from(selector >> 6)];
    let now = DateTime::parse_from_rfc3339(base)
        .unwrap()
        .with_timezone(&offset);

    // The contract, stated once in the library and shared with the property tests.
    if let Err(e) = check_date_text(text, now) {
        panic!("{e}");
    }
});
