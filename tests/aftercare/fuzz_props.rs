//! The fuzz targets of fuzz/ as property tests, so that `cargo test` alone covers the same
//! entry points with arbitrary bytes and with structure-aware inputs (cases, streams, rule
//! files and dates built from their real parts, then damaged). The coverage-guided fuzzers
//! in fuzz/ go deeper; these run everywhere in seconds.

use aftercare::batch::BatchOptions;
use aftercare::fuzz_contract;
use aftercare::output::Format;
use aftercare::stream_contract::check_run;
use aftercare_core::rules::DEFAULT_RULES;
use aftercare_core::RuleSet;
use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The built-in rules, parsed once per test process.
fn rules() -> &'static RuleSet {
    crate::support::rules()
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-21T09:00:00+01:00").unwrap()
}

/// What the case fuzz target checks (the same function).
fn check_case_text(text: &str) {
    if let Err(e) = fuzz_contract::check_case_text(text, rules(), now()) {
        panic!("{text:?}: {e}");
    }
}

/// What the stream fuzz target checks (the same function): one record per non-blank line,
/// in order, JSON stays JSON, messages are safe for a terminal.
fn check_stream(bytes: &[u8], format: Format) {
    let opts = BatchOptions {
        format,
        now: now(),
        clock: None,
        input_name: "fuzz".into(),
        style: aftercare::output::text::Style {
            color: false,
            width: 80,
        },
    };
    if let Err(e) = check_run(bytes, rules(), &opts) {
        panic!("{e}");
    }
}

/// What the rule-file fuzz target checks (the same function).
fn check_rule_text(text: &str) {
    if let Err(e) = fuzz_contract::check_rule_text(text, "fuzz.toml", rules()) {
        panic!("{text:?}: {e}");
    }
}

/// What the date fuzz target checks (the same function), at one instant and offset.
fn check_date(text: &str) {
    if let Err(e) = fuzz_contract::check_date_text(text, now()) {
        panic!("{e}");
    }
}

// --- Structure-aware generators ---------------------------------------------------------------

fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(-0.0)),
        Just(json!(1e308)),
        Just(json!(-1.0)),
        Just(json!(36525)),
        Just(json!(36525.000001)),
        (0.0..200.0f64).prop_map(|d| json!(d)),
        any::<i64>().prop_map(|d| json!(d)),
    ]
}

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        ".{0,12}".prop_map(Value::String),
        Just(json!("NaN")),
    ]
}

fn symptom() -> impl Strategy<Value = Value> {
    let mut ids: Vec<String> = rules().symptom_ids().map(str::to_string).collect();
    ids.push("redness ".into());
    ids.push("Redness".into());
    (
        proptest::sample::select(ids),
        proptest::option::of(proptest::sample::select(vec![
            "mild", "moderate", "severe", "worst",
        ])),
        proptest::option::of(proptest::sample::select(vec![
            "improving",
            "stable",
            "worsening",
            "",
        ])),
        proptest::option::of(json_number()),
        proptest::option::of(json_scalar()),
    )
        .prop_map(|(id, severity, trend, started, junk)| {
            let mut s = json!({ "id": id });
            if let Some(v) = severity {
                s["severity"] = json!(v);
            }
            if let Some(v) = trend {
                s["trend"] = json!(v);
            }
            if let Some(v) = started {
                s["started_day"] = v;
            }
            if let Some(v) = junk {
                s["unexpected"] = v;
            }
            s
        })
}

fn case_value() -> impl Strategy<Value = Value> {
    let dates = vec![
        "2026-11-18",
        "2026-11-18T14:30",
        "2026-11-18 14:30",
        "2026-11-18T14:30:00Z",
        "2026-11-22T00:00:00+14:00",
        "2026-02-30",
        "",
        "3 days ago",
    ];
    (
        proptest::option::of(json_number()),
        proptest::option::of(proptest::sample::select(dates.clone())),
        proptest::option::of(proptest::sample::select(dates)),
        proptest::collection::vec(symptom(), 0..8),
        proptest::option::of(json_scalar()),
        proptest::option::of(".{0,8}"),
    )
        .prop_map(|(days, treated, assessed, symptoms, repeat, id)| {
            let mut c = json!({ "symptoms": symptoms });
            if let Some(v) = days {
                c["days_since_treatment"] = v;
            }
            if let Some(v) = treated {
                c["treated_at"] = json!(v);
            }
            if let Some(v) = assessed {
                c["assessed_at"] = json!(v);
            }
            if let Some(v) = repeat {
                c["repeat_contact"] = v;
            }
            if let Some(v) = id {
                c["id"] = json!(v);
            }
            c
        })
}

/// Damage to a text: cut it, drop or repeat a piece, or splice in bytes.
fn damaged(text: String) -> impl Strategy<Value = Vec<u8>> {
    let len = text.len();
    (
        0..=len,
        0..=len,
        0usize..4,
        proptest::collection::vec(any::<u8>(), 0..6),
    )
        .prop_map(move |(a, b, how, bytes)| {
            let (a, b) = (a.min(b), a.max(b));
            let mut t = text.clone().into_bytes();
            match how {
                0 => t.truncate(b),
                1 => {
                    t.drain(a..b);
                }
                2 => {
                    let piece = t[a..b].to_vec();
                    t.splice(b..b, piece);
                }
                _ => {
                    t.splice(a..a, bytes);
                }
            }
            t
        })
}

fn format() -> impl Strategy<Value = Format> {
    proptest::sample::select(vec![
        Format::Json,
        Format::Compact,
        Format::Text,
        Format::Disposition,
        Format::Fhir,
    ])
}

/// A rule file made from the default one by a change a clinic could make by mistake.
fn rule_file() -> impl Strategy<Value = String> {
    let lines: Vec<&'static str> = DEFAULT_RULES.lines().collect();
    let n = lines.len();
    let values = vec![
        "0",
        "-1",
        "nan",
        "inf",
        "1e308",
        "36525",
        "\"home_care\"",
        "\"see_today\"",
        "\"\"",
        "[]",
        "[\"fever\"]",
        "{ day = 1, disposition = \"home_care\" }",
    ];
    (0..n, 0usize..3, proptest::sample::select(values)).prop_map(move |(at, how, value)| {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        match how {
            0 => {
                out.remove(at);
            }
            1 => {
                if let Some((key, _)) = out[at].split_once(" = ") {
                    out[at] = format!("{key} = {value}");
                }
            }
            _ => {
                let copy = out[at].clone();
                out.insert(at, copy);
            }
        }
        out.join("\n")
    })
}

fn typed_date() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            any::<i64>(),
            proptest::sample::select(vec![
                "days",
                "day",
                "weeks",
                "w",
                "hours",
                "h",
                "fortnights"
            ])
        )
            .prop_map(|(n, u)| format!("{n} {u} ago")),
        (0u32..10000, 0u32..14, 0u32..33, 0u32..25, 0u32..61)
            .prop_map(|(y, m, d, h, min)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}")),
        (
            proptest::sample::select(vec!["today", "yesterday", "Yesterday", "today at"]),
            0u32..30,
            0u32..70
        )
            .prop_map(|(w, h, m)| format!("{w} {h}:{m:02}")),
        "[0-9a-zA-Z :+-]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_as_a_case(text in "\\PC{0,200}") {
        check_case_text(&text);
    }

    #[test]
    fn a_built_case_as_a_case(c in case_value()) {
        check_case_text(&c.to_string());
    }

    #[test]
    fn a_damaged_case_as_a_case(bytes in case_value().prop_flat_map(|c| damaged(c.to_string()))) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_case_text(text);
        }
    }

    #[test]
    fn any_bytes_as_a_stream(bytes in proptest::collection::vec(any::<u8>(), 0..400), f in format()) {
        check_stream(&bytes, f);
    }

    #[test]
    fn built_lines_as_a_stream(
        cases in proptest::collection::vec(case_value(), 1..5),
        pretty in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        f in format(),
    ) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        for c in &cases {
            let line = if pretty { serde_json::to_string_pretty(c).unwrap() } else { c.to_string() };
            text.push_str(&line);
            text.push_str(if crlf { "\r\n" } else { "\n" });
        }
        check_stream(text.as_bytes(), f);
    }

    #[test]
    fn a_damaged_stream(bytes in proptest::collection::vec(case_value(), 1..4).prop_flat_map(|cs| {
        damaged(cs.iter().map(|c| c.to_string() + "\n").collect())
    }), f in format()) {
        check_stream(&bytes, f);
    }

    #[test]
    fn any_text_as_a_date(text in "\\PC{0,40}") {
        check_date(&text);
    }

    #[test]
    fn a_built_date(text in typed_date()) {
        check_date(&text);
    }
}

proptest! {
    // Each rule file carries some 200 examples: fewer, larger cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_text_as_a_rule_file(text in "\\PC{0,300}") {
        check_rule_text(&text);
    }

    #[test]
    fn a_changed_default_rule_file(text in rule_file()) {
        check_rule_text(&text);
    }

    #[test]
    fn a_damaged_small_rule_file(bytes in damaged(SMALL_RULES.to_string())) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_rule_text(text);
        }
    }
}

/// The fuzzer's small seed rule file: every table, a few rules.
const SMALL_RULES: &str = include_str!("../../fuzz/seeds/rule_file/seed-small.toml");
