//! `aftercare check --input`: the JSON interface other programs rely on
//! (shared/interface.md), through the real binary.

use serde_json::{json, Value};

use crate::support::*;

const RULE_SET: &str = "micro-needling-default";

fn assert_rule_set(v: &Value) {
    assert_eq!(v["rule_set"]["name"], RULE_SET, "{v}");
    let version = v["rule_set"]["version"].as_str().expect("a version");
    assert!(!version.is_empty());
}

#[test]
fn one_case_in_gives_one_json_object_out() {
    let r = check(
        "json",
        r#"{"id": "caller-17", "days_since_treatment": 2.5, "symptoms": [{"id": "redness", "severity": "moderate", "trend": "improving", "started_day": 0}, {"id": "fever"}], "repeat_contact": false}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout.lines().count(), 1);
    let v = r.json();
    assert_eq!(v["id"], "caller-17");
    assert_eq!(v["disposition"], "see_today");
    assert_eq!(v["days_since_treatment"], 2.5);
    assert_rule_set(&v);
    let findings = v["findings"].as_array().unwrap();
    let fever = findings
        .iter()
        .find(|f| f["symptom"] == "fever")
        .expect("a finding for the fever");
    assert_eq!(fever["disposition"], "see_today");
    assert_eq!(fever["rule"], "fever");
    assert!(fever["reason"].as_str().unwrap().len() > 20);
    for f in findings {
        for key in ["symptom", "disposition", "rule", "reason"] {
            assert!(f.get(key).is_some(), "finding has {key}: {f}");
        }
    }
    assert!(v["action"].as_str().unwrap().contains("clinic"));
    assert!(!v["call_back"].as_array().unwrap().is_empty());
}

#[test]
fn a_case_without_an_id_gives_a_result_without_one() {
    let v = check("json", r#"{"days_since_treatment": 1, "symptoms": []}"#).json();
    assert!(v.get("id").is_none(), "{v}");
    assert_eq!(v["disposition"], "home_care");
    assert_eq!(v["findings"], json!([]));
}

#[test]
fn a_pretty_printed_case_over_several_lines_is_one_case() {
    let case = json!({
        "id": "pretty",
        "days_since_treatment": 5,
        "symptoms": [{"id": "redness", "trend": "stable"}]
    });
    let text = serde_json::to_string_pretty(&case).unwrap() + "\n";
    assert!(text.lines().count() > 5);
    let r = check("json", text);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["id"], "pretty");
    assert_eq!(v["disposition"], "see_within_3_days");
    assert_eq!(v["findings"][0]["rule"], "redness.not_improving");
}

#[test]
fn treated_at_and_assessed_at_give_the_time_since_treatment() {
    // 12 hours: pinpoint bleeding is still expected ("until" is inclusive)...
    let v = check(
        "json",
        r#"{"treated_at": "2026-11-18T09:00:00Z", "assessed_at": "2026-11-18T21:00:00Z", "symptoms": [{"id": "pinpoint_bleeding"}]}"#,
    )
    .json();
    assert_eq!(v["days_since_treatment"], 0.5);
    assert_eq!(v["disposition"], "home_care");
    // ...and one minute later it is not.
    let v = check(
        "json",
        r#"{"treated_at": "2026-11-18T09:00:00Z", "assessed_at": "2026-11-18T21:01:00Z", "symptoms": [{"id": "pinpoint_bleeding"}]}"#,
    )
    .json();
    assert_eq!(v["disposition"], "see_today");
    assert_eq!(v["findings"][0]["rule"], "pinpoint_bleeding.not_improving");
    // Offsets are honoured: 10:00+01:00 to 09:00Z two days later is exactly 2 days.
    let v = check(
        "json",
        r#"{"treated_at": "2026-03-01T10:00:00+01:00", "assessed_at": "2026-03-03T09:00:00Z", "symptoms": [{"id": "swelling"}]}"#,
    )
    .json();
    assert_eq!(v["days_since_treatment"], 2.0);
    assert_eq!(v["disposition"], "home_care");
}

#[test]
fn treated_at_without_assessed_at_counts_to_now() {
    // --now is 2026-11-21T09:00:00Z (support::NOW).
    let case = r#"{"treated_at": "2026-11-18T09:00:00Z", "symptoms": [{"id": "redness"}]}"#;
    let v = check("json", case).json();
    assert_eq!(v["days_since_treatment"], 3.0);
    assert_eq!(v["disposition"], "home_care");
    let later = run_at(
        "2026-11-21T09:15:00Z",
        &["check", "--input", "-", "--format", "json"],
        case,
    );
    assert_eq!(later.code, 0, "{}", later.stderr);
    let v = later.json();
    assert!(v["days_since_treatment"].as_f64().unwrap() > 3.0);
    assert_eq!(v["disposition"], "see_within_3_days");
}

#[test]
fn a_stream_gives_one_result_a_line_in_order() {
    let days = [0.0, 1.0, 4.0, 8.0, 2.5, 0.25];
    let stream: String = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({"id": format!("c{i}"), "days_since_treatment": d, "symptoms": [{"id": "redness"}]})
                .to_string()
                + "\n"
        })
        .collect();
    let r = check("json", stream);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.json_lines();
    assert_eq!(out.len(), days.len());
    for (i, (v, d)) in out.iter().zip(days).enumerate() {
        assert_eq!(v["id"], format!("c{i}"));
        assert_eq!(v["days_since_treatment"], d);
        assert_rule_set(v);
    }
    assert_eq!(out[2]["disposition"], "see_within_3_days");
    assert_eq!(out[3]["disposition"], "see_within_3_days");
    assert_eq!(out[1]["disposition"], "home_care");
}

#[test]
fn a_bad_line_in_a_stream_fails_alone_with_its_line_number() {
    let stream = [
        r#"{"id": "a", "days_since_treatment": 1, "symptoms": [{"id": "redness"}]}"#,
        r#"{"id": "b", "days_since_treatment": 1, "symptoms": [{"id": "rednes"}]}"#,
        r#"{"id": "c", "days_since_treatment": 2, "symptoms": [{"id": "fever"}]}"#,
        r#"{"id": "d", "days_since_treatment": 1, "symptons": []}"#,
        r#"{"id": "e", "days_since_treatment": 0, "symptoms": [{"id": "fainting"}]}"#,
    ]
    .join("\n");
    let r = check("json", stream);
    assert_eq!(r.code, 3, "a bad line makes the run an input error");
    let out = r.json_lines();
    assert_eq!(out.len(), 5, "every line is answered");
    assert_eq!(out[0]["disposition"], "home_care");
    assert_eq!(out[2]["disposition"], "see_today");
    assert_eq!(out[4]["disposition"], "call_emergency_now");
    for (i, id, field) in [(1, "b", "symptoms[0].id"), (3, "d", "symptons")] {
        let e = &out[i];
        assert_eq!(e["line"], i + 1, "{e}");
        assert_eq!(e["id"], id, "the error record keeps the case id");
        assert_eq!(e["error"]["kind"], "input");
        assert_eq!(e["error"]["field"], field);
        assert!(e.get("disposition").is_none(), "no result for a bad line");
        assert_rule_set(e);
    }
    assert!(out[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean \"redness\"?"));
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", r.stderr);
    assert!(errors[0].starts_with("aftercare: error: standard input: line 2: symptoms[0].id:"));
    assert!(errors[1].starts_with("aftercare: error: standard input: line 4: symptons:"));
}

#[test]
fn blank_lines_crlf_and_a_byte_order_mark_are_read_as_people_save_files() {
    let stream = "\u{feff}{\"id\": \"a\", \"days_since_treatment\": 1, \"symptoms\": []}\r\n\
                  \r\n   \r\n\
                  {\"id\": \"b\", \"days_since_treatment\": 3.01, \"symptoms\": [{\"id\": \"redness\"}]}\r\n\
                  \n\
                  {\"id\": \"c\", \"days_since_treatment\": 1, \"symptoms\": [{\"id\": \"nope\"}]}\r\n";
    let r = check("json", stream);
    assert_eq!(r.code, 3);
    let out = r.json_lines();
    assert_eq!(out.len(), 3, "blank lines are skipped: {}", r.stdout);
    assert_eq!(out[0]["id"], "a");
    assert_eq!(out[1]["id"], "b");
    assert_eq!(out[1]["disposition"], "see_within_3_days");
    // Line numbers count the blank lines, so they match an editor's.
    assert_eq!(out[2]["line"], 6);

    // A single case with a BOM and CRLF, pretty-printed.
    let r = check(
        "json",
        "\u{feff}{\r\n  \"days_since_treatment\": 1,\r\n  \"symptoms\": []\r\n}\r\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["disposition"], "home_care");
}

#[test]
fn a_case_file_can_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.jsonl");
    std::fs::write(
        &path,
        "{\"days_since_treatment\": 1, \"symptoms\": []}\n{\"days_since_treatment\": 1, \"symptoms\": [{\"id\": \"x\"}]}\n",
    )
    .unwrap();
    let r = run(
        &[
            "check",
            "--input",
            path.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.json_lines().len(), 2);
    // Messages name the file, not standard input.
    assert!(
        r.error_line()
            .starts_with(&format!("aftercare: error: {}: line 2:", path.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn the_compact_format_has_codes_and_rules_without_words() {
    let r = check(
        "compact",
        "{\"id\": \"k\", \"days_since_treatment\": 3, \"symptoms\": [{\"id\": \"redness\", \"trend\": \"worsening\"}, {\"id\": \"pus\"}]}\n\
         {\"days_since_treatment\": 1, \"symptoms\": [{\"id\": \"bogus\"}]}\n",
    );
    assert_eq!(r.code, 3);
    let out = r.json_lines();
    assert_eq!(
        out[0],
        json!({
            "id": "k",
            "format": "aftercare-result-1",
            "assessed_at": "2026-11-21T09:00:00+00:00",
            "disposition": "see_today",
            "findings": [
                {"symptom": "redness", "disposition": "see_today", "rule": "redness.worse_after"},
                {"symptom": "pus", "disposition": "see_today", "rule": "pus"}
            ],
            "rule_set": out[0]["rule_set"].clone()
        })
    );
    assert_rule_set(&out[0]);
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[1]["error"]["field"], "symptoms[0].id");
}

#[test]
fn the_compact_and_full_formats_agree() {
    let cases: String = public_cases()
        .iter()
        .map(|c| c["input"].to_string() + "\n")
        .collect();
    let full = check("json", cases.clone()).json_lines();
    let compact = check("compact", cases).json_lines();
    assert_eq!(full.len(), compact.len());
    for (f, c) in full.iter().zip(&compact) {
        assert_eq!(f["disposition"], c["disposition"]);
        assert_eq!(f["rule_set"], c["rule_set"]);
        let rules = |v: &Value| -> Vec<Value> {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["rule"].clone())
                .collect()
        };
        assert_eq!(rules(f), rules(c));
    }
}

#[test]
fn the_disposition_format_prints_one_code_a_line() {
    let r = check(
        "disposition",
        "{\"days_since_treatment\": 1, \"symptoms\": []}\n\
         {\"days_since_treatment\": 5, \"symptoms\": [{\"id\": \"redness\"}]}\n\
         not a case\n\
         {\"days_since_treatment\": 0, \"symptoms\": [{\"id\": \"stroke_signs\"}]}\n",
    );
    assert_eq!(r.code, 3);
    assert_eq!(
        r.stdout,
        "home_care\nsee_within_3_days\nerror\ncall_emergency_now\n"
    );
    assert!(r.error_line().contains("line 3"));
}

fn exit_code_for(stdin: &str) -> i32 {
    run(
        &[
            "check",
            "--input",
            "-",
            "--format",
            "disposition",
            "--disposition-exit-code",
        ],
        stdin,
    )
    .code
}

#[test]
fn the_disposition_exit_code_is_10_plus_the_urgency() {
    let case = |day: f64, ids: &[&str]| {
        let symptoms: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
        json!({"days_since_treatment": day, "symptoms": symptoms}).to_string() + "\n"
    };
    assert_eq!(exit_code_for(&case(1.0, &["redness"])), 10);
    assert_eq!(exit_code_for(&case(20.0, &["milia"])), 11);
    assert_eq!(exit_code_for(&case(5.0, &["redness"])), 12);
    assert_eq!(exit_code_for(&case(1.0, &["pus"])), 13);
    assert_eq!(exit_code_for(&case(1.0, &["eye_pain"])), 14);
    assert_eq!(exit_code_for(&case(0.0, &["throat_swelling"])), 15);
    // A stream exits with its most urgent case, wherever it is.
    let stream = case(1.0, &["redness"]) + &case(1.0, &["pus"]) + &case(2.0, &[]);
    assert_eq!(exit_code_for(&stream), 13);
    let stream = case(0.0, &["fainting"]) + &case(1.0, &[]);
    assert_eq!(exit_code_for(&stream), 15);
    // An input error outranks a milder answer, but never hides an emergency.
    assert_eq!(exit_code_for(&(stream + "{}\n")), 15);
    assert_eq!(exit_code_for(&(case(1.0, &["pus"]) + "{}\n")), 3);
    // Without the flag, success is 0 whatever the disposition.
    assert_eq!(check("json", case(0.0, &["fainting"])).code, 0);
}

#[test]
fn the_text_format_is_a_report_to_read() {
    let r = check(
        "text",
        r#"{"id": "t1", "days_since_treatment": 1, "symptoms": [{"id": "redness"}]}"#,
    );
    assert_eq!(r.code, 0);
    let mut lines = r.stdout.lines();
    assert_eq!(lines.next(), Some("Case t1"));
    assert_eq!(
        lines.next(),
        Some("HOME CARE"),
        "the disposition comes first"
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour codes with NO_COLOR"
    );
    assert!(r.stdout.contains("Rule set: micro-needling-default"));
}

#[test]
fn check_is_the_default_command() {
    let r = run(
        &["--input", "-", "--format", "compact"],
        r#"{"days_since_treatment": 1, "symptoms": []}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["disposition"], "home_care");
}

#[test]
fn an_overlong_line_or_id_fails_alone() {
    let long_id = json!({"id": "x".repeat(300), "days_since_treatment": 1, "symptoms": []});
    let huge = format!(
        r#"{{"days_since_treatment": 1, "symptoms": [], "id": "{}"}}"#,
        "y".repeat(1_100_000)
    );
    let ok = json!({"id": "ok", "days_since_treatment": 1, "symptoms": []});
    let r = check("compact", format!("{long_id}\n{huge}\n{ok}\n"));
    assert_eq!(r.code, 3);
    let out = r.json_lines();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["error"]["field"], "id");
    assert!(out[0].get("id").is_none(), "an over-long id is not echoed");
    assert_eq!(out[1]["line"], 2);
    assert!(out[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("bytes long"));
    assert_eq!(out[2]["id"], "ok");
    assert_eq!(r.stderr.lines().count(), 2);
    assert!(r.stderr.len() < 1000, "messages do not repeat the line");
}

#[test]
fn ids_with_quotes_and_other_characters_come_back_as_sent() {
    let id = "a\"b\\c\u{1}é\u{2028}";
    let case = json!({"id": id, "days_since_treatment": 1, "symptoms": []}).to_string();
    for format in ["json", "compact"] {
        let v = check(format, case.clone()).json();
        assert_eq!(v["id"], id, "{format}");
    }
}

/// A date alone is a whole day: the triage reads the longest time it allows (treated at the
/// start of its day, assessed at the end of its day), the advice the shortest.
#[test]
fn a_date_alone_is_read_in_the_careful_direction_for_each_use() {
    // Assessed "on the 21st": any time that day after 14:30 is past day 3 for redness.
    let (v, code, err) = check_json(
        r#"{"treated_at":"2026-11-18T14:30:00Z","assessed_at":"2026-11-21","symptoms":[{"id":"redness"}]}"#,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["disposition"], "see_within_3_days", "{v}");
    assert!(v["days_since_treatment"].as_f64().unwrap() > 3.0);
    // Treated "on the 20th", now 09:00 on the 21st: perhaps only 10 hours ago, so the
    // first-day restrictions still stand.
    let (v, code, err) = check_json(r#"{"treated_at":"2026-11-20","symptoms":[]}"#);
    assert_eq!(code, 0, "{err}");
    let advice: Vec<&str> = v["advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(advice.contains(&"no_makeup"), "{advice:?}");
    assert_eq!(v["days_since_treatment"], 1.375);
}

#[test]
fn fractions_of_a_second_are_not_cut_off() {
    // 12 hours and half a second: pinpoint bleeding is past its 12 hours.
    let (v, _, err) = check_json(
        r#"{"treated_at":"2026-11-20T20:59:59.5Z","symptoms":[{"id":"pinpoint_bleeding"}]}"#,
    );
    assert_eq!(v["disposition"], "see_today", "{v} {err}");
}

#[test]
fn a_time_of_day_without_its_offset_is_refused() {
    for t in ["2026-11-18T14:30", "2026-11-18 14:30:00"] {
        let (v, code, _) = check_json(&format!(r#"{{"treated_at":"{t}","symptoms":[]}}"#));
        assert_eq!(code, 3, "{t}");
        assert_eq!(v["error"]["field"], "treated_at");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("offset"),
            "{v}"
        );
    }
}

#[test]
fn check_options_before_the_check_command_are_refused_not_dropped() {
    // `aftercare --disposition-exit-code check ...` once exited 0: the option was dropped.
    for opt in [
        &["--disposition-exit-code"][..],
        &["--nurse"],
        &["--format", "json"],
    ] {
        let out = aftercare()
            .args(opt)
            .args(["check", "--input", "-"])
            .write_stdin(r#"{"days_since_treatment": 1, "symptoms": []}"#)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{opt:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("after `check`"));
    }
}

#[test]
fn a_bad_line_never_hides_an_emergency_from_the_exit_code() {
    let emergency = r#"{"days_since_treatment": 1, "symptoms": [{"id": "fainting"}]}"#;
    let calm = r#"{"days_since_treatment": 1, "symptoms": []}"#;
    assert_eq!(exit_code_for(&format!("not json\n{emergency}\n")), 15);
    // A bad line is a case not known: it outranks a milder answer.
    assert_eq!(exit_code_for(&format!("not json\n{calm}\n")), 3);
    assert_eq!(exit_code_for(&format!("{calm}\n")), 10);
}

#[test]
fn a_date_without_a_time_is_not_given_false_precision() {
    let input = r#"{"treated_at":"2026-11-19","symptoms":[{"id":"redness"}]}"#;
    let (v, code, _) = check_json(input);
    assert_eq!(code, 0);
    // Triage from the start of the 19th, advice from its end.
    assert_eq!(v["days_since_treatment"], 2.375);
    let shortest = v["shortest_days_since_treatment"].as_f64().unwrap();
    assert!(
        (shortest - (1.375 + 1.0 / 86_400_000.0)).abs() < 1e-6,
        "{shortest}"
    );
    let r = check("text", input.to_string() + "\n");
    assert!(
        r.stdout
            .contains("Day 2 after the treatment (the time of day was not given)."),
        "{}",
        r.stdout
    );
    // An exact time has no second reading, a fraction of a second in the instants neither.
    let (v, _, _) = check_json(r#"{"days_since_treatment": 2, "symptoms": []}"#);
    assert!(v.get("shortest_days_since_treatment").is_none());
    let (v, _, _) = check_json(
        r#"{"treated_at": "2026-11-19T10:00:00.5Z", "assessed_at": "2026-11-21T09:00:00Z", "symptoms": []}"#,
    );
    assert!(v.get("shortest_days_since_treatment").is_none(), "{v}");
}
