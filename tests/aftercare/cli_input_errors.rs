//! Every kind of bad input: one clear line naming the field and the value, exit code 3, an
//! error record in place of the result, and never a silent default.

use crate::support::*;

/// Runs one bad case; returns the error record and the message on standard error (without
/// its "aftercare: error: standard input: line N: " lead).
fn bad(stdin: impl Into<Vec<u8>>) -> (serde_json::Value, String) {
    let r = check("json", stdin);
    assert_eq!(r.code, 3, "exit code 3 for bad input; stdout: {}", r.stdout);
    let record = r.json();
    assert!(record.get("disposition").is_none(), "no result: {record}");
    assert_eq!(record["error"]["kind"], "input");
    let line = r.error_line();
    let message = line
        .strip_prefix("aftercare: error: standard input: ")
        .unwrap_or_else(|| panic!("names the input: {line}"));
    let message = match message.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, m)| m),
        None => message,
    };
    (record, message.to_string())
}

/// Asserts the field of the record and that the one-line message names it and contains
/// each of `words`.
fn assert_names(record: &serde_json::Value, message: &str, field: &str, words: &[&str]) {
    assert_eq!(record["error"]["field"], field, "{record}");
    assert!(
        message.starts_with(&format!("{field}: ")),
        "the message names {field}: {message}"
    );
    for w in words {
        assert!(message.contains(w), "{message:?} mentions {w:?}");
    }
}

#[test]
fn a_misspelt_field_is_an_error_not_an_empty_list() {
    let (record, message) = bad(r#"{"days_since_treatment": 4, "symptons": [{"id": "pus"}]}"#);
    assert_names(
        &record,
        &message,
        "symptons",
        &["unknown field", "\"symptoms\""],
    );
    let (record, message) =
        bad(r#"{"days_since_treatment": 4, "symptoms": [{"id": "pus", "sevrity": "mild"}]}"#);
    assert_names(&record, &message, "symptoms[0].sevrity", &["unknown field"]);
}

#[test]
fn an_unknown_symptom_id_suggests_the_nearest() {
    for (typed, near) in [
        ("rednes", "redness"),
        ("Swelling", "swelling"),
        ("eye pain", "eye_pain"),
        ("feaver", "fever"),
    ] {
        let (record, message) = bad(format!(
            r#"{{"days_since_treatment": 1, "symptoms": [{{"id": "redness"}}, {{"id": "{typed}"}}]}}"#
        ));
        assert_names(
            &record,
            &message,
            "symptoms[1].id",
            // Every close candidate is listed, the most urgent first ("Swelling" also
            // offers throat_swelling, ahead of swelling).
            &[&format!("{typed:?}"), "did you mean", &format!("{near:?}")],
        );
    }
    let (record, message) = bad(r#"{"days_since_treatment": 1, "symptoms": [{"id": "zzzzqqq"}]}"#);
    assert_names(
        &record,
        &message,
        "symptoms[0].id",
        &["\"zzzzqqq\"", "aftercare rules list"],
    );
}

#[test]
fn a_value_of_the_wrong_type_is_named_with_its_value() {
    for (case, field, words) in [
        (
            r#"{"days_since_treatment": "2", "symptoms": []}"#,
            "days_since_treatment",
            &["\"2\"", "number"][..],
        ),
        (
            r#"{"days_since_treatment": true, "symptoms": []}"#,
            "days_since_treatment",
            &["true"],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": {"id": "pus"}}"#,
            "symptoms",
            &["map", "sequence"],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": ["pus"]}"#,
            "symptoms[0]",
            &["\"pus\""],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "pus"}], "repeat_contact": "yes"}"#,
            "repeat_contact",
            &["\"yes\"", "boolean"],
        ),
        (
            r#"{"id": 7, "days_since_treatment": 1, "symptoms": []}"#,
            "id",
            &["7", "string"],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "severity": "terrible"}]}"#,
            "symptoms[0].severity",
            &["\"terrible\"", "\"mild\", \"moderate\", \"severe\""],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "severity": 3}]}"#,
            "symptoms[0].severity",
            &["3"],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "trend": "better"}]}"#,
            "symptoms[0].trend",
            &["\"better\"", "\"improving\", \"stable\", \"worsening\""],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "started_day": "monday"}]}"#,
            "symptoms[0].started_day",
            &["\"monday\""],
        ),
    ] {
        let (record, message) = bad(case);
        assert_names(&record, &message, field, words);
    }
}

#[test]
fn null_is_never_read_as_not_given() {
    for (case, field) in [
        (
            r#"{"days_since_treatment": null, "symptoms": []}"#,
            "days_since_treatment",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": null}"#,
            "symptoms",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "trend": null}]}"#,
            "symptoms[0].trend",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "severity": null}]}"#,
            "symptoms[0].severity",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "started_day": null}]}"#,
            "symptoms[0].started_day",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [], "repeat_contact": null}"#,
            "repeat_contact",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": null}]}"#,
            "symptoms[0].id",
        ),
    ] {
        let (record, message) = bad(case);
        assert_names(&record, &message, field, &["null"]);
    }
}

#[test]
fn impossible_times_are_refused() {
    let (record, message) = bad(r#"{"days_since_treatment": -1, "symptoms": []}"#);
    assert_names(&record, &message, "days_since_treatment", &["-1"]);
    let (record, message) = bad(r#"{"days_since_treatment": -0.01, "symptoms": []}"#);
    assert_names(&record, &message, "days_since_treatment", &["-0.01"]);
    let (record, message) = bad(r#"{"days_since_treatment": 1e400, "symptoms": []}"#);
    assert_eq!(
        record["error"]["field"], "days_since_treatment",
        "{message}"
    );
    let (record, message) = bad(r#"{"days_since_treatment": 1000000, "symptoms": []}"#);
    assert_names(&record, &message, "days_since_treatment", &["1000000"]);
    let (record, message) =
        bad(r#"{"treated_at": "2026-11-22T09:00:00Z", "symptoms": [{"id": "redness"}]}"#);
    assert_names(
        &record,
        &message,
        "treated_at",
        &["2026-11-22T09:00:00Z", "later than"],
    );
    let (record, message) = bad(
        r#"{"treated_at": "2026-11-20T10:00:00Z", "assessed_at": "2026-11-20T09:00:00Z", "symptoms": []}"#,
    );
    assert_names(&record, &message, "treated_at", &["later than"]);
    let (record, message) =
        bad(r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness", "started_day": 2.5}]}"#);
    assert_names(
        &record,
        &message,
        "symptoms[0].started_day",
        &["2.5", "later than the time since treatment"],
    );
    let (record, message) =
        bad(r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness", "started_day": -1}]}"#);
    assert_names(&record, &message, "symptoms[0].started_day", &["-1"]);
    // started_day may be the day itself.
    let r = check(
        "json",
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness", "started_day": 2}]}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn unreadable_dates_are_named() {
    for (case, field, value) in [
        (
            r#"{"treated_at": "2026-13-01", "symptoms": []}"#,
            "treated_at",
            "\"2026-13-01\"",
        ),
        (
            r#"{"treated_at": "18/11/2026", "symptoms": []}"#,
            "treated_at",
            "\"18/11/2026\"",
        ),
        (
            r#"{"treated_at": "yesterday", "symptoms": []}"#,
            "treated_at",
            "\"yesterday\"",
        ),
        (
            r#"{"treated_at": "", "symptoms": []}"#,
            "treated_at",
            "\"\"",
        ),
        (
            r#"{"treated_at": "2026-11-18", "assessed_at": "soon", "symptoms": []}"#,
            "assessed_at",
            "\"soon\"",
        ),
    ] {
        let (record, message) = bad(case);
        assert_names(&record, &message, field, &[value]);
    }
}

#[test]
fn exactly_one_of_days_since_treatment_and_treated_at() {
    let (record, message) =
        bad(r#"{"days_since_treatment": 1, "treated_at": "2026-11-20T09:00:00Z", "symptoms": []}"#);
    assert_names(
        &record,
        &message,
        "treated_at",
        &["days_since_treatment", "not both"],
    );
    let (record, message) = bad(r#"{"symptoms": [{"id": "redness"}]}"#);
    assert_names(
        &record,
        &message,
        "days_since_treatment",
        &["missing", "treated_at"],
    );
    let (record, message) = bad(
        r#"{"days_since_treatment": 1, "assessed_at": "2026-11-20T09:00:00Z", "symptoms": []}"#,
    );
    assert_names(&record, &message, "assessed_at", &["treated_at"]);
}

#[test]
fn a_missing_symptoms_list_is_not_no_symptoms() {
    let (record, message) = bad(r#"{"days_since_treatment": 1}"#);
    assert_names(&record, &message, "symptoms", &["missing"]);
    let (record, message) = bad(r#"{"days_since_treatment": 1, "symptoms": [{}]}"#);
    assert_names(&record, &message, "symptoms[0].id", &["missing"]);
}

#[test]
fn empty_input_is_an_error() {
    for stdin in ["", "\n", "  \r\n\n", "\u{feff}"] {
        let r = check("json", stdin);
        assert_eq!(r.code, 3, "{stdin:?}");
        assert!(r.error_line().contains("empty input"), "{}", r.stderr);
        let record = r.json();
        assert!(record["error"]["message"]
            .as_str()
            .unwrap()
            .contains("empty"));
    }
    let r = check("disposition", "");
    assert_eq!(r.code, 3);
}

#[test]
fn input_that_is_not_a_case_says_so() {
    for stdin in [
        "not json",
        "[]",
        r#"[{"days_since_treatment": 1, "symptoms": []}]"#,
        "42",
        "\"a case\"",
        "null",
    ] {
        let (record, message) = bad(stdin);
        assert!(record["error"].get("field").is_none(), "{record}");
        assert!(message.contains("JSON object"), "{stdin}: {message}");
    }
    for (stdin, words) in [
        (
            r#"{"days_since_treatment": 1, "symptoms": [],}"#,
            &["not valid JSON", "trailing comma", "column"][..],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": ["#,
            &["not valid JSON"],
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": []} {"more": 1}"#,
            &["after the case"],
        ),
    ] {
        let (_, message) = bad(stdin);
        for w in words {
            assert!(message.contains(w), "{stdin}: {message}");
        }
        assert!(!message.starts_with('?'), "{message}");
    }
}

#[test]
fn invalid_utf8_is_an_error_naming_where() {
    let mut stdin = br#"{"days_since_treatment": 1, "symptoms": [{"id": "red"#.to_vec();
    stdin.push(0xff);
    stdin.extend_from_slice(br#"ness"}]}"#);
    let (record, message) = bad(stdin.clone());
    assert!(message.contains("not UTF-8"), "{message}");
    assert_eq!(record["line"], 1);
    // In a stream, only that line fails.
    let mut stream = b"{\"days_since_treatment\": 1, \"symptoms\": []}\n".to_vec();
    stream.extend_from_slice(&stdin);
    stream.extend_from_slice(b"\n{\"days_since_treatment\": 2, \"symptoms\": []}\n");
    let r = check("compact", stream);
    assert_eq!(r.code, 3);
    let out = r.json_lines();
    assert_eq!(out.len(), 3);
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[2]["disposition"], "home_care");
}

#[test]
fn a_missing_input_file_is_an_input_error() {
    let r = run(
        &[
            "check",
            "--input",
            "/no/such/cases.jsonl",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.stdout, "");
    let line = r.error_line();
    assert!(line.contains("/no/such/cases.jsonl"), "{line}");
    assert!(line.contains("cannot read"), "{line}");
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        &[
            "check",
            "--input",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(r.code, 3);
    assert!(r.error_line().contains("folder"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check", "--input", "-", "--format", "xml"][..],
        &["check", "--bogus"],
        &["frobnicate"],
        &["--now", "someday", "check", "--input", "-"],
        &["check", "--format", "json"],
    ] {
        let r = run(args, "{\"days_since_treatment\": 1, \"symptoms\": []}");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(!r.stderr.trim().is_empty(), "{args:?} says what is wrong");
    }
    let r = run(&["check", "--input", "-", "--format", "xml"], "");
    assert!(r.stderr.contains("xml"), "{}", r.stderr);
}

#[test]
fn a_saved_record_given_as_a_case_points_to_record_show() {
    let (record, message) = bad(r#"{"format": "aftercare-record-1", "mode": "nurse", "case": {}}"#);
    assert_names(
        &record,
        &message,
        "format",
        &["a saved record", "aftercare record show FILE", "\"case\""],
    );
}

#[test]
fn an_error_record_of_a_megabyte_line_is_short_and_still_names_the_field() {
    let long = "x".repeat(1_000_000);
    let lines = [
        // An unknown field whose name is a megabyte: the path holds the name too.
        (
            format!(
                r#"{{"days_since_treatment": 1, "symptoms": [{{"id": "redness", "{long}": 1}}]}}"#
            ),
            "symptoms[0].xxxxxxxx",
        ),
        // A string of a megabyte where a number goes.
        (
            format!(r#"{{"days_since_treatment": "{long}", "symptoms": []}}"#),
            "days_since_treatment",
        ),
        // An unknown code, symptom id and risk factor of a megabyte.
        (
            format!(
                r#"{{"days_since_treatment": 1, "symptoms": [{{"id": "redness", "severity": "{long}"}}]}}"#
            ),
            "symptoms[0].severity",
        ),
        (
            format!(r#"{{"days_since_treatment": 1, "symptoms": [{{"id": "{long}"}}]}}"#),
            "symptoms[0].id",
        ),
        (
            format!(r#"{{"days_since_treatment": 1, "symptoms": [], "risk_factors": ["{long}"]}}"#),
            "risk_factors[0]",
        ),
        (
            format!(r#"{{"treated_at": "{long}", "symptoms": []}}"#),
            "treated_at",
        ),
    ];
    for (line, field) in lines {
        let r = check("json", line);
        assert_eq!(r.code, 3, "{}", r.stderr);
        let record = r.stdout.trim_end();
        assert!(
            record.len() < 2048,
            "{field}: an error record of {} bytes",
            record.len()
        );
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        let named = record["error"]["field"].as_str().unwrap();
        assert!(named.starts_with(field), "{field}: {record}");
        let message = record["error"]["message"].as_str().unwrap();
        assert!(message.contains("xxx…"), "cut with an ellipsis: {message}");
        assert!(
            r.stderr.len() < 2048,
            "{field}: {} bytes on stderr",
            r.stderr.len()
        );
    }
}
