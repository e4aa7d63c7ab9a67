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
fn only_warning_signs_and_their_combinations_count_in_a_refusal() {
    // Fever with purple spots: a combination of signs, an emergency.
    let (v, _, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "fever"}, {"id": "purple_spots"}], "x": 1}"#,
    );
    assert_eq!(v["at_least"], "call_emergency_now");
    // An expected reaction has no window without a valid case: nothing to say.
    let (v, code, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "swelling", "severity": "severe"}], "x": 1}"#,
    );
    assert_eq!(code, 3);
    assert!(v.get("at_least").is_none(), "{v}");
    assert!(v.get("action").is_none(), "{v}");
    // Not JSON at all: nothing can be read.
    let (v, _, _) = check_json(r#"{"symptoms": [{"id": "difficulty_breathing"}"#);
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
