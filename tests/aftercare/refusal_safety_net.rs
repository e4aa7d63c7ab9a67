//! A refusal never hides an emergency (clinical reference section 6): a case refused for any
//! reason still says what the warning signs it names need, in the JSON error record, in the
//! text report and in the exit code.

use crate::support::*;

/// Each kind of refusal, as a case holding `sign` (and a day so that it would be valid).
fn refusals(sign: &str) -> Vec<(&'static str, String)> {
    let long_id = "x".repeat(300);
    vec![
        (
            "unknown field",
            format!(
                r#"{{"days_since_treatment": 2, "symptoms": [{{"id": "{sign}"}}], "symptons": []}}"#
            ),
        ),
        (
            "wrong type",
            format!(
                r#"{{"days_since_treatment": 2, "symptoms": [{{"id": "{sign}"}}, {{"id": "redness", "severity": 3}}]}}"#
            ),
        ),
        (
            "unknown id",
            format!(
                r#"{{"days_since_treatment": 2, "symptoms": [{{"id": "{sign}"}}, {{"id": "rednes"}}]}}"#
            ),
        ),
        (
            "bad started_day",
            format!(
                r#"{{"days_since_treatment": 2, "symptoms": [{{"id": "{sign}"}}, {{"id": "redness", "started_day": 5}}]}}"#
            ),
        ),
        (
            "too-long id",
            format!(
                r#"{{"id": "{long_id}", "days_since_treatment": 2, "symptoms": [{{"id": "{sign}"}}]}}"#
            ),
        ),
    ]
}

const SIGNS: [(&str, &str, i32); 2] = [
    ("difficulty_breathing", "call_emergency_now", 15),
    ("red_streaks", "go_to_ed_now", 14),
];

#[test]
fn every_kind_of_refusal_keeps_the_emergency_in_the_error_record() {
    for (sign, disposition, _) in SIGNS {
        for (kind, case) in refusals(sign) {
            let (v, code, stderr) = check_json(&case);
            assert_eq!(code, 3, "{kind} with {sign}: {stderr}");
            assert_eq!(v["format"], "aftercare-error-1", "{kind}: {v}");
            assert!(v["error"]["message"].is_string(), "{kind}: {v}");
            assert_eq!(v["at_least"], disposition, "{kind} with {sign}: {v}");
            let action = v["action"].as_str().unwrap_or_default();
            let expected = if disposition == "call_emergency_now" {
                "Call emergency services"
            } else {
                "Go to an emergency department now"
            };
            assert!(action.starts_with(expected), "{kind}: {action}");
            assert!(v["assessed_at"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-11-21T09:00:00")));
        }
    }
}

#[test]
fn the_text_report_and_the_exit_code_count_a_refused_emergency() {
    for (sign, _, code) in SIGNS {
        for (kind, case) in refusals(sign) {
            let out = aftercare()
                .args([
                    "check",
                    "--input",
                    "-",
                    "--format",
                    "text",
                    "--disposition-exit-code",
                ])
                .write_stdin(case.clone())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(code),
                "{kind} with {sign}: {stdout}"
            );
            let heading = if code == 15 {
                "CALL EMERGENCY SERVICES NOW"
            } else {
                "GO TO AN EMERGENCY DEPARTMENT NOW"
            };
            assert!(stdout.contains(heading), "{kind} with {sign}: {stdout}");
            assert!(stdout.contains("could not be read"), "{stdout}");
            // In a stream, the refused emergency outranks the other answers.
            let stream = format!(
                "{}\n{case}\n",
                r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness"}]}"#
            );
            let out = aftercare()
                .args([
                    "check",
                    "--input",
                    "-",
                    "--format",
                    "compact",
                    "--disposition-exit-code",
                ])
                .write_stdin(stream)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(code),
                "{kind} with {sign} in a stream"
            );
        }
    }
}

#[test]
fn a_refusal_counts_what_could_be_read_and_leaves_out_what_failed() {
    // Fever with purple spots: a combination of signs, an emergency.
    let (v, _, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "fever"}, {"id": "purple_spots"}], "x": 1}"#,
    );
    assert_eq!(v["at_least"], "call_emergency_now");
    // A reaction whose own fields read, on a day that reads: judged against its window
    // (severe swelling on day 2 needs to be seen today).
    let (v, code, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "swelling", "severity": "severe"}], "x": 1}"#,
    );
    assert_eq!(code, 3);
    assert_eq!(v["at_least"], "see_today", "{v}");
    // The same without a day that reads: its window cannot be judged, nothing to say.
    let (v, code, _) = check_json(
        r#"{"days_since_treatment": "two", "symptoms": [{"id": "swelling", "severity": "severe"}]}"#,
    );
    assert_eq!(code, 3);
    assert!(v.get("at_least").is_none(), "{v}");
    assert!(v.get("action").is_none(), "{v}");
    // A reaction whose own entry failed is left out, never guessed.
    let (v, _, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "swelling", "severity": "very"}]}"#,
    );
    assert!(v.get("at_least").is_none(), "{v}");
    // Text that holds no warning-sign id: nothing can be read.
    let (v, _, _) = check_json(r#"{"symptoms": [{"id": "swelling", "severity": "severe"}"#);
    assert!(v.get("at_least").is_none(), "{v}");
    // Without the exit-code option a refusal is still exit 3.
    let (_, code, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}], "x": 1}"#,
    );
    assert_eq!(code, 3);
}

#[test]
fn every_result_names_its_format_and_assessment_time() {
    let (v, _, _) = check_json(r#"{"days_since_treatment": 2, "symptoms": []}"#);
    assert_eq!(v["format"], "aftercare-result-1");
    assert_eq!(v["assessed_at"], "2026-11-21T09:00:00+00:00");
    let (v, _, _) = check_json(
        r#"{"treated_at": "2026-11-18T14:30:00Z", "assessed_at": "2026-11-20T10:00:00+01:00", "symptoms": []}"#,
    );
    assert_eq!(v["assessed_at"], "2026-11-20T10:00:00+01:00");
    let out = aftercare()
        .args(["check", "--input", "-", "--format", "compact"])
        .write_stdin(r#"{"days_since_treatment": 2, "symptoms": []}"#)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "aftercare-result-1");
    assert_eq!(v["assessed_at"], "2026-11-21T09:00:00+00:00");
}

#[test]
fn without_now_a_stream_reads_the_clock_for_each_case() {
    // A case treated "a second ago" by the clock of the sender: assessed when it is read,
    // it is never later than the assessment.
    let mut cmd = crate::support::aftercare_on_the_clock();
    let treated = chrono::Utc::now().to_rfc3339();
    let first = r#"{"days_since_treatment": 1, "symptoms": []}"#;
    let second = format!(r#"{{"treated_at": "{treated}", "symptoms": []}}"#);
    let out = cmd
        .env("NO_COLOR", "1")
        .args(["check", "--input", "-", "--format", "json"])
        .write_stdin(format!("{first}\n{second}\n"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v["assessed_at"].as_str().unwrap()).unwrap()
    };
    assert!(at(&lines[1]) >= at(&lines[0]));
    assert!(at(&lines[1]) >= chrono::DateTime::parse_from_rfc3339(&treated).unwrap());
}

// Protocol 1.2: everything that could be read counts (clinical reference section 6).

/// What a refused case could still show: its symptoms and risk factors (JSON), and the
/// least the whole case needs, as the reference gives it.
struct Scenario {
    name: &'static str,
    symptoms: &'static str,
    risk_factors: &'static str,
    at_least: &'static str,
}

const SCENARIOS: [Scenario; 5] = [
    Scenario {
        name: "eczema with blisters",
        symptoms: r#"{"id": "blisters"}"#,
        risk_factors: r#"["eczema"]"#,
        at_least: "go_to_ed_now",
    },
    Scenario {
        // The sign's own entry is wrong: its id still reads.
        name: "eczema with blisters whose severity is wrong",
        symptoms: r#"{"id": "blisters", "severity": "very bad"}"#,
        risk_factors: r#"["eczema"]"#,
        at_least: "go_to_ed_now",
    },
    Scenario {
        name: "weak immunity with fever",
        symptoms: r#"{"id": "fever"}"#,
        risk_factors: r#"["immunosuppressed"]"#,
        at_least: "go_to_ed_now",
    },
    Scenario {
        name: "hives with growing swelling",
        symptoms: r#"{"id": "hives"}, {"id": "swelling", "trend": "worsening"}"#,
        risk_factors: "[]",
        at_least: "go_to_ed_now",
    },
    Scenario {
        // Three, so that the test holds whether the cluster counts three or two; a day or
        // more of each would need to be seen today on its own too, so the kind "bad time"
        // below is the one that shows the cluster alone.
        name: "the cluster of severe, worsening reactions",
        symptoms: r#"{"id": "redness", "severity": "severe", "trend": "worsening"}, {"id": "pain", "severity": "severe", "trend": "worsening"}, {"id": "swelling", "severity": "severe", "trend": "worsening"}"#,
        risk_factors: "[]",
        at_least: "see_today",
    },
];

/// The scenario's case with one fault of each kind, in a part of the case apart from it.
fn spoiled(s: &Scenario) -> Vec<(&'static str, String)> {
    let (sy, rf) = (s.symptoms, s.risk_factors);
    vec![
        (
            "unknown field",
            format!(
                r#"{{"days_since_treatment": 2, "risk_factors": {rf}, "symptoms": [{sy}], "notes": "called twice"}}"#
            ),
        ),
        (
            "wrong type",
            format!(
                r#"{{"days_since_treatment": 2, "risk_factors": {rf}, "symptoms": [{sy}, {{"id": "peeling", "severity": 3}}]}}"#
            ),
        ),
        (
            "unknown symptom id elsewhere",
            format!(
                r#"{{"days_since_treatment": 2, "risk_factors": {rf}, "symptoms": [{sy}, {{"id": "peelng"}}]}}"#
            ),
        ),
        (
            "bad started_day",
            format!(
                r#"{{"days_since_treatment": 2, "risk_factors": {rf}, "symptoms": [{sy}, {{"id": "peeling", "started_day": 5}}]}}"#
            ),
        ),
        (
            "bad time",
            format!(
                r#"{{"treated_at": "last tuesday", "risk_factors": {rf}, "symptoms": [{sy}]}}"#
            ),
        ),
    ]
}

/// `check` with `--disposition-exit-code` in `format`: standard output and the exit code.
fn check_as(format: &str, input: &[u8]) -> (String, i32) {
    let out = aftercare()
        .args([
            "check",
            "--input",
            "-",
            "--format",
            format,
            "--disposition-exit-code",
        ])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap(),
    )
}

/// The exit code `--disposition-exit-code` gives a refusal with this at_least: that
/// disposition's, as the reference asks (section 6: exit codes "count it as they would count
/// that disposition").
fn refusal_exit_code(at_least: &str) -> i32 {
    match at_least {
        "call_emergency_now" => 15,
        "go_to_ed_now" => 14,
        "see_today" => 13,
        "see_within_3_days" => 12,
        "see_within_2_weeks" => 11,
        other => panic!("no refusal gives at_least {other}"),
    }
}

fn heading(at_least: &str) -> &'static str {
    match at_least {
        "call_emergency_now" => "CALL EMERGENCY SERVICES NOW",
        "go_to_ed_now" => "GO TO AN EMERGENCY DEPARTMENT NOW",
        "see_today" => "SEE TODAY",
        other => panic!("no heading for {other}"),
    }
}

/// The error record, text report and exit code of a refused `input` all carry `at_least`.
fn assert_refused_with(what: &str, input: &[u8], at_least: &str) {
    let (json, code) = check_as("json", input);
    let v: serde_json::Value =
        serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{what}: {e}: {json}"));
    assert_eq!(v["format"], "aftercare-error-1", "{what}: {v}");
    assert_eq!(v["at_least"], at_least, "{what}: {v}");
    assert!(
        v["action"].as_str().is_some_and(|a| !a.is_empty()),
        "{what}: {v}"
    );
    assert_eq!(code, refusal_exit_code(at_least), "{what}: {v}");
    let (text, code) = check_as("text", input);
    assert!(text.contains(heading(at_least)), "{what}: {text}");
    assert!(text.contains("could not be read"), "{what}: {text}");
    assert_eq!(code, refusal_exit_code(at_least), "{what}");
    // One line, the floor's code itself: a script matching exact codes sees it.
    let (line, code) = check_as("disposition", input);
    assert_eq!(line, format!("{at_least}\n"), "{what}");
    assert_eq!(code, refusal_exit_code(at_least), "{what}");
    let (fhir, code) = check_as("fhir", input);
    assert_outcome_floor(what, &fhir, at_least, v["action"].as_str().unwrap());
    assert_eq!(code, refusal_exit_code(at_least), "{what}");
}

/// A FHIR OperationOutcome (one line of `fhir`) that carries `at_least` and its action.
fn assert_outcome_floor(what: &str, fhir: &str, at_least: &str, action: &str) {
    let o: serde_json::Value =
        serde_json::from_str(fhir.trim()).unwrap_or_else(|e| panic!("{what}: {e}: {fhir}"));
    assert_eq!(o["resourceType"], "OperationOutcome", "{what}: {o}");
    assert_eq!(o["issue"][0]["severity"], "error", "{what}: {o}");
    let floor = &o["issue"][1];
    assert_eq!(floor["severity"], "warning", "{what}: {o}");
    assert_eq!(
        floor["details"]["coding"][0]["code"], at_least,
        "{what}: {o}"
    );
    assert!(floor["details"]["coding"][0]["system"]
        .as_str()
        .is_some_and(|s| s.ends_with("/CodeSystem/disposition")));
    assert_eq!(floor["details"]["text"], action, "{what}: {o}");
    assert!(
        floor["diagnostics"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("at_least={at_least}"))),
        "{what}: {o}"
    );
}

#[test]
fn a_refusal_with_nothing_above_home_care_is_error_in_every_format() {
    // Nothing urgent could be read: `error` (never `home_care`), and no floor in FHIR.
    let input = br#"{"days_since_treatment": 2, "symptoms": [{"id": "redness"}],}"#;
    let (line, code) = check_as("disposition", input);
    assert_eq!((line.as_str(), code), ("error\n", 3));
    let (fhir, _) = check_as("fhir", input);
    let o: serde_json::Value = serde_json::from_str(fhir.trim()).unwrap();
    assert_eq!(o["issue"].as_array().map(Vec::len), Some(1), "{o}");
}

#[test]
fn the_readmes_disposition_script_sees_a_refused_emergency() {
    // The README's own `case $(aftercare check ... --format disposition) in ...`, in sh.
    for (what, bytes) in damaged_forms() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("case.json");
        std::fs::write(&file, &bytes).unwrap();
        let script = r#"case $("$AFTERCARE" --now 2026-11-21T09:00:00Z check --input "$CASE" --format disposition 2>/dev/null) in
  call_emergency_now|go_to_ed_now) echo emergency ;;
  *) echo other ;;
esac"#;
        let out = std::process::Command::new("sh")
            .args(["-c", script])
            .env("AFTERCARE", binary())
            .env("CASE", &file)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "emergency\n",
            "{what}"
        );
    }
}

#[test]
fn every_kind_of_refusal_keeps_the_combinations_and_the_cluster_it_can_read() {
    for s in &SCENARIOS {
        // The whole case, as it would be without the fault.
        let whole = format!(
            r#"{{"days_since_treatment": 2, "risk_factors": {}, "symptoms": [{}]}}"#,
            s.risk_factors,
            s.symptoms.replace(r#", "severity": "very bad""#, "")
        );
        let (v, _, stderr) = check_json(&whole);
        assert_eq!(v["disposition"], s.at_least, "{}: {stderr}", s.name);
        for (kind, case) in spoiled(s) {
            assert_refused_with(&format!("{} ({kind})", s.name), case.as_bytes(), s.at_least);
        }
    }
}

#[test]
fn without_a_time_the_cluster_still_counts_and_windows_do_not() {
    // Severe, worsening redness, pain and swelling with no time that reads: no window can
    // be judged, the cluster can.
    let case = r#"{"treated_at": "last tuesday", "symptoms": [{"id": "redness", "severity": "severe", "trend": "worsening"}, {"id": "pain", "severity": "severe", "trend": "worsening"}, {"id": "swelling", "severity": "severe", "trend": "worsening"}]}"#;
    let (v, _, _) = check_json(case);
    assert_eq!(v["at_least"], "see_today", "{v}");
    // One of them alone: nothing.
    let case = r#"{"treated_at": "last tuesday", "symptoms": [{"id": "pain", "severity": "severe", "trend": "worsening"}]}"#;
    let (v, _, _) = check_json(case);
    assert!(v.get("at_least").is_none(), "{v}");
}

#[test]
fn a_line_cut_off_or_broken_is_searched_for_warning_sign_ids() {
    let cut =
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}, {"id": "redn"#;
    assert_refused_with("a line cut off", cut.as_bytes(), "call_emergency_now");
    // Two signs that make a combination (fever with purple spots), cut off.
    let cut = r#"{"symptoms": [{"id": "chills"}, {"id": "purple_spots""#;
    assert_refused_with(
        "a combination cut off",
        cut.as_bytes(),
        "call_emergency_now",
    );
    // Not JSON at all, but it names a sign as a JSON string.
    let broken = r#"symptoms=["red_streaks"]"#;
    assert_refused_with("not JSON", broken.as_bytes(), "go_to_ed_now");
    // The person's own words are never read as a sign.
    let (v, _, _) = check_json(
        r#"{"symptoms": [{"id": "other", "description": "difficulty_breathing"}, {"id": "redn"#,
    );
    assert!(v.get("at_least").is_none(), "{v}");
    // In a stream, the cut-off line is answered in its place and the rest go on.
    let stream = format!(
        "{cut}\n{}\n",
        r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness"}]}"#,
        cut = r#"{"symptoms": [{"id": "fainting"}"#
    );
    let (out, code) = check_as("compact", stream.as_bytes());
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["at_least"], "call_emergency_now");
    assert_eq!(lines[1]["disposition"], "home_care");
    assert_eq!(code, 15);
}

#[test]
fn symptoms_under_a_misspelled_key_still_count_with_the_rest_that_reads() {
    let case = r#"{"days_since_treatment": 2, "risk_factors": ["immunosuppressed"], "symptons": [{"id": "fever"}]}"#;
    assert_refused_with("symptons", case.as_bytes(), "go_to_ed_now");
    let case = r#"{"days_since_treatment": 2, "symptons": [{"id": "throat_swelling"}]}"#;
    assert_refused_with("symptons", case.as_bytes(), "call_emergency_now");
    // The case's own id is not a symptom, even when it spells one.
    let (v, _, _) = check_json(r#"{"id": "fever", "days_since_treatment": 2, "symptons": []}"#);
    assert!(v.get("at_least").is_none(), "{v}");
    assert_eq!(v["id"], "fever");
}

/// Every damaged form a portal has been seen to send (issue N1), each holding trouble
/// breathing.
fn damaged_forms() -> Vec<(&'static str, Vec<u8>)> {
    let sign = r#"{"id": "difficulty_breathing"}"#;
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    vec![
        (
            "a Latin-1 byte in a free-text field",
            [
                br#"{"days_since_treatment": 2, "symptoms": [{"id": "other", "description": "caf"#.as_slice(),
                b"\xe9",
                br#""}, {"id": "difficulty_breathing"}]}"#.as_slice(),
            ]
            .concat(),
        ),
        (
            "a lone UTF-16 surrogate",
            format!(
                r#"{{"days_since_treatment": 2, "symptoms": [{sign}, {{"id": "other", "description": "\ud83d"}}]}}"#
            )
            .into_bytes(),
        ),
        (
            "a line cut before its last brace",
            format!(r#"{{"days_since_treatment": 2, "symptoms": [{sign}]"#).into_bytes(),
        ),
        (
            "a trailing comma",
            format!(r#"{{"days_since_treatment": 2, "symptoms": [{sign}],}}"#).into_bytes(),
        ),
        (
            "a number out of range",
            format!(r#"{{"days_since_treatment": 1e400, "symptoms": [{sign}]}}"#).into_bytes(),
        ),
        (
            "an unknown field nested past the depth limit",
            format!(r#"{{"days_since_treatment": 2, "symptoms": [{sign}], "extra": {deep}}}"#)
                .into_bytes(),
        ),
    ]
}

#[test]
fn damaged_bytes_never_hide_the_emergency() {
    for (what, bytes) in damaged_forms() {
        assert_refused_with(what, &bytes, "call_emergency_now");
    }
    // Damage inside a string leaves the rest of the case readable: eczema with blisters
    // beside a Latin-1 byte is still the emergency department.
    let case = [
        br#"{"days_since_treatment": 2, "risk_factors": ["eczema"], "symptoms": [{"id": "blisters", "description": "caf"#.as_slice(),
        b"\xe9",
        br#""}]}"#.as_slice(),
    ]
    .concat();
    assert_refused_with(
        "eczema with blisters and a Latin-1 byte",
        &case,
        "go_to_ed_now",
    );
}

#[test]
fn over_http_a_refusal_carries_the_same_floor() {
    use crate::serve::Server;
    let server = Server::start(&[]);
    let json = "application/json";
    // One case of each kind: the same record as check, with its at_least.
    for s in &SCENARIOS {
        for (kind, case) in spoiled(s) {
            let reply = server.post("/v1/check", json, case.as_bytes());
            assert_eq!(reply.status, 422, "{} ({kind})", s.name);
            assert_eq!(reply.json()["at_least"], s.at_least, "{} ({kind})", s.name);
            assert_eq!(reply.text(), check("json", case.as_str()).stdout);
        }
    }
    for (what, bytes) in damaged_forms() {
        let reply = server.post("/v1/check", json, &bytes);
        assert!(
            matches!(reply.status, 400 | 422),
            "{what}: {}",
            reply.status
        );
        assert_eq!(reply.json()["at_least"], "call_emergency_now", "{what}");
        let action = reply.json()["action"].as_str().unwrap().to_string();
        let reply = server.post("/v1/check?format=fhir", json, &bytes);
        assert!(matches!(reply.status, 400 | 422), "{what}");
        assert_outcome_floor(what, &reply.text(), "call_emergency_now", &action);
        assert_eq!(reply.text(), check("fhir", bytes.clone()).stdout, "{what}");
    }
    // A stream: a damaged line among others, and a last line cut off by the end of the body.
    let stream = [
        br#"{"days_since_treatment": 1, "symptoms": []}"#.as_slice(),
        b"\n",
        &damaged_forms()[0].1,
        b"\n",
        br#"{"days_since_treatment": 2, "risk_factors": ["immunosuppressed"], "symptoms": [{"id": "chills"}"#,
    ]
    .concat();
    let reply = server.post("/v1/check?format=compact", "application/x-ndjson", &stream);
    let lines: Vec<serde_json::Value> = reply
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", reply.text());
    assert_eq!(lines[1]["at_least"], "call_emergency_now");
    // Broken JSON: the sign reads, the risk factor in broken text does not.
    assert_eq!(lines[2]["at_least"], "see_today");
    let reply = server.post("/v1/check?format=fhir", "application/x-ndjson", &stream);
    let text = reply.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", reply.text());
    assert!(lines[0].contains("\"Bundle\""));
    let emergency =
        crate::support::rules().disposition_text(aftercare_core::Disposition::CallEmergencyNow);
    assert_outcome_floor(
        "a damaged line",
        lines[1],
        "call_emergency_now",
        &emergency.action,
    );
    let today = crate::support::rules().disposition_text(aftercare_core::Disposition::SeeToday);
    assert_outcome_floor("a last line cut off", lines[2], "see_today", &today.action);
}

#[test]
fn over_http_a_stream_line_cut_off_by_the_body_timeout_keeps_its_emergency() {
    use crate::serve::{read_answer_line, read_head, send_chunk, Server};
    use std::io::{BufReader, Write};
    let server = Server::start(&["--body-timeout", "0.4", "--log-dispositions"]);
    for query in ["", "?format=compact", "?format=fhir"] {
        let mut s = server.connect();
        s.write_all(format!("POST /v1/check{query} HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").as_bytes()).unwrap();
        // The sign arrives, then the client stops before the line ends.
        send_chunk(
            &mut s,
            br#"{"id": "caller-c", "days_since_treatment": 1, "symptoms": [{"id": "fainting"}"#,
        );
        let mut reader = BufReader::new(s.try_clone().unwrap());
        assert_eq!(read_head(&mut reader), 200);
        let mut pending = Vec::new();
        let cut = read_answer_line(&mut reader, &mut pending);
        if query == "?format=fhir" {
            let action = &crate::support::rules()
                .disposition_text(aftercare_core::Disposition::CallEmergencyNow)
                .action;
            assert_outcome_floor("a line cut off", &cut, "call_emergency_now", action);
            assert!(
                cut.contains("line 1: the line did not arrive whole"),
                "{cut}"
            );
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&cut).unwrap();
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("did not arrive whole")),
            "{query}: {v}"
        );
        assert_eq!(v["line"], 1);
        assert_eq!(v["at_least"], "call_emergency_now", "{query}: {v}");
        assert!(v["action"]
            .as_str()
            .is_some_and(|a| a.starts_with("Call emergency")));
    }
    // The log counts the refusal and its floor.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while server
        .log()
        .iter()
        .filter(|l| l.contains("refused at_least=call_emergency_now"))
        .count()
        < 3
    {
        assert!(std::time::Instant::now() < deadline, "{:?}", server.log());
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A valid case as JSON input: its day, symptoms (every field given), risk factors and
/// repeat contact.
fn case_json(case: &aftercare_core::Case) -> serde_json::Value {
    let symptoms: Vec<serde_json::Value> = case
        .symptoms
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "severity": s.severity.code(),
                "trend": s.trend.code(),
                "started_day": s.started_day,
            })
        })
        .collect();
    serde_json::json!({
        "days_since_treatment": case.days_since_treatment,
        "symptoms": symptoms,
        "risk_factors": case.risk_factors,
        "repeat_contact": case.repeat_contact,
    })
}

/// Every value of a case, as a JSON pointer: each field, each list and each entry.
fn pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

/// What a broken portal puts in place of a value.
fn garbage() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(null),
        json!("§?"),
        json!(-3.5),
        json!(1e300),
        json!(true),
        json!({"x": 1}),
        json!([7]),
        json!(""),
    ]
}

/// How a valid case's text is spoiled: one value replaced by garbage, the line cut off, or
/// a Latin-1 byte put in.
#[derive(Debug, Clone)]
enum Spoil {
    /// The value at one pointer (one of a symptom's own when `in_a_symptom`).
    Value {
        at: usize,
        in_a_symptom: bool,
        garbage: serde_json::Value,
    },
    Cut(usize),
    Latin1(usize),
}

fn spoil() -> impl proptest::strategy::Strategy<Value = Spoil> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (any::<usize>(), any::<bool>(), proptest::sample::select(garbage()))
            .prop_map(|(at, in_a_symptom, garbage)| Spoil::Value { at, in_a_symptom, garbage }),
        1 => any::<usize>().prop_map(Spoil::Cut),
        1 => any::<usize>().prop_map(Spoil::Latin1),
    ]
}

/// A case of the property suite, often cut down to a few symptoms, no risk factor and no
/// repeat contact, so that a part read wrongly is not hidden by a more urgent one.
fn small_case() -> impl proptest::strategy::Strategy<Value = aftercare_core::Case> {
    use proptest::prelude::*;
    (crate::properties::case(), 1..=3usize, 0..4u8).prop_map(|(mut c, keep, how)| {
        if how > 0 {
            c.symptoms.truncate(keep);
            c.repeat_contact = false;
        }
        if how > 1 {
            c.risk_factors.clear();
        }
        c
    })
}

fn floor_of(text: &[u8]) -> aftercare_core::Disposition {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    aftercare_core::refusal::readable_floor(text, rules(), now).unwrap_or_default()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// A refusal's at_least is a floor: spoiling one part of a valid case never makes it
    /// more urgent than the whole case, mended, is.
    #[test]
    fn at_least_never_exceeds_the_whole_case(
        case in small_case(),
        how in spoil(),
    ) {
        let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
        let whole_value = case_json(&case);
        let whole_text = whole_value.to_string();
        let input = aftercare_core::input::parse_json_case(&whole_text).unwrap();
        let whole = aftercare_core::assess_input(&input, rules(), now)
            .unwrap_or_else(|e| panic!("the valid case is refused: {e}: {whole_text}"))
            .disposition;
        // Untouched, the floor of the whole case is the whole case.
        proptest::prop_assert_eq!(floor_of(whole_text.as_bytes()), whole);
        let spoiled: Vec<u8> = match how {
            Spoil::Value { at, in_a_symptom, garbage } => {
                let mut all = Vec::new();
                pointers(&whole_value, String::new(), &mut all);
                let own: Vec<String> = all
                    .iter()
                    .filter(|p| p.starts_with("/symptoms/") && p.matches('/').count() == 3)
                    .cloned()
                    .collect();
                if in_a_symptom && !own.is_empty() {
                    all = own;
                }
                let at = &all[at % all.len()];
                let mut v = whole_value.clone();
                *v.pointer_mut(at).unwrap() = garbage;
                v.to_string().into_bytes()
            }
            Spoil::Cut(i) => whole_text.as_bytes()[..i % whole_text.len()].to_vec(),
            Spoil::Latin1(i) => {
                let mut b = whole_text.clone().into_bytes();
                b.insert(i % (b.len() + 1), 0xE9);
                b
            }
        };
        let text = String::from_utf8_lossy(&spoiled);
        let refused = aftercare_core::input::parse_json_case(&text)
            .and_then(|c| c.resolve(rules(), now))
            .is_err()
            || std::str::from_utf8(&spoiled).is_err();
        if refused {
            let at_least = floor_of(&spoiled);
            proptest::prop_assert!(
                at_least <= whole,
                "at_least {at_least} above the whole case's {whole}: {}",
                text
            );
        }
    }
}

#[test]
fn a_case_over_many_lines_that_grows_too_long_keeps_the_signs_it_began_with() {
    let mut doc = String::from("{\n  \"symptoms\": [{\"id\": \"difficulty_breathing\"}],\n");
    let pad = "x".repeat(100);
    for i in 0..11_000 {
        doc.push_str(&format!("  \"pad{i}\": \"{pad}\",\n"));
    }
    doc.push_str("  \"end\": 1\n}\n");
    let (out, code) = check_as("json", doc.as_bytes());
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("longer than")),
        "{v}"
    );
    assert_eq!(v["at_least"], "call_emergency_now", "{v}");
    assert_eq!(code, 15);
}

#[test]
fn a_refused_case_counts_as_its_at_least_in_the_exit_code() {
    let fever = r#"{"days_since_treatment": 1, "symptoms": [{"id": "fever"}], "x": 1}"#;
    let nothing = r#"{"days_since_treatment": 1, "symptoms": [], "x": 1}"#;
    let home = r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness"}]}"#;
    let emergency = r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing"}]}"#;
    let stream = |lines: &[&str]| format!("{}\n", lines.join("\n")).into_bytes();
    // Alone, and beside a milder answer: see today (13), as the case would count.
    assert_eq!(check_as("compact", fever.as_bytes()).1, 13);
    assert_eq!(check_as("compact", &stream(&[home, fever])).1, 13);
    // A refused case of which nothing could be read is a case not known: 3 outranks 13...
    assert_eq!(check_as("compact", &stream(&[fever, nothing])).1, 3);
    assert_eq!(check_as("disposition", nothing.as_bytes()).1, 3);
    // ...but never an emergency.
    assert_eq!(check_as("compact", &stream(&[nothing, emergency])).1, 15);
}

#[test]
fn a_key_given_twice_hides_no_warning_sign() {
    // A last-value reader would see the empty list and nothing to act on.
    let case = r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing"}], "symptoms": []}"#;
    assert_refused_with(
        "symptoms given twice",
        case.as_bytes(),
        "call_emergency_now",
    );
    let case = r#"{"days_since_treatment": 1, "symptoms": [{"id": "fever", "id": "zzz"}]}"#;
    assert_refused_with("a sign's id given twice", case.as_bytes(), "see_today");
    // A case that is only a sign's id, quoted.
    assert_refused_with(
        "a quoted sign alone",
        br#""difficulty_breathing""#,
        "call_emergency_now",
    );
}
