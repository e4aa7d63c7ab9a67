//! The batch hot path reads a case without tracking field paths, triages with compiled
//! tables and buffers its output. These check that the quick way gives the same answers and
//! the same errors as the careful one, and that buffering holds no answer back.

use aftercare_core::input::parse_json_case;
use aftercare_core::{triage, CaseInput, Disposition, RuleSet};
use chrono::DateTime;

fn now() -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(crate::support::NOW).unwrap()
}

#[test]
fn a_bad_case_still_names_its_field() {
    let bad = [
        (
            r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness"}, {"id": "swelling", "severity": "huge"}]}"#,
            "symptoms[1].severity",
        ),
        (
            r#"{"days_since_treatment": "two", "symptoms": []}"#,
            "days_since_treatment",
        ),
        (
            r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness", "trend": null}]}"#,
            "symptoms[0].trend",
        ),
        (
            r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness", "colour": "red"}]}"#,
            "symptoms[0].colour",
        ),
        (r#"{"days_since_treatment": 2}"#, "symptoms"),
        (r#"{"days_since_treatment": 2, "symptoms": []} x"#, ""),
    ];
    for (text, field) in bad {
        let e = parse_json_case(text).expect_err(text);
        assert_eq!(e.field, field, "{text}: {e}");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn a_good_case_reads_the_same_either_way() {
    let text = r#"{"id": "c-1", "days_since_treatment": 2.5, "symptoms": [{"id": "redness", "severity": "severe", "trend": "worsening", "started_day": 1}, {"id": "fever"}], "repeat_contact": true}"#;
    let quick = parse_json_case(text).unwrap();
    let careful: CaseInput =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).unwrap();
    assert_eq!(quick, careful);
}

fn case(day: f64, symptoms: &[(&str, &str, &str)]) -> aftercare_core::Case {
    let symptoms: Vec<serde_json::Value> = symptoms
        .iter()
        .map(|(id, severity, trend)| {
            serde_json::json!({"id": id, "severity": severity, "trend": trend})
        })
        .collect();
    let json = serde_json::json!({"days_since_treatment": day, "symptoms": symptoms});
    let input: CaseInput = serde_json::from_value(json).unwrap();
    input.resolve(crate::support::rules(), now()).unwrap()
}

#[test]
fn a_symptom_reported_twice_counts_once_at_its_worse() {
    let rules = crate::support::rules();
    // Day 20 is past the redness window: severe and worsening is the worse report.
    for order in [[0, 1], [1, 0]] {
        let reports = [
            ("redness", "mild", "improving"),
            ("redness", "severe", "worsening"),
        ];
        let c = case(
            20.0,
            &[
                reports[order[0]],
                ("itching", "mild", "stable"),
                reports[order[1]],
            ],
        );
        let t = triage(&c, rules);
        let redness: Vec<_> = t
            .findings
            .iter()
            .filter(|f| match f.subject {
                aftercare_core::evaluate::Subject::Symptom(i) => c.symptoms[i].id == "redness",
                _ => false,
            })
            .collect();
        assert_eq!(redness.len(), 1, "{:?}", t.findings);
        let alone = triage(&case(20.0, &[reports[1]]), rules);
        assert_eq!(redness[0].disposition(), alone.disposition);
        assert_eq!(t.findings.len(), 2);
    }
}

#[test]
fn combinations_fire_from_the_compiled_tables() {
    let rules = crate::support::rules();
    let both = triage(
        &case(
            3.0,
            &[
                ("purple_spots", "mild", "stable"),
                ("fever", "mild", "stable"),
            ],
        ),
        rules,
    );
    assert_eq!(both.disposition, Disposition::CallEmergencyNow);
    let fever_alone = triage(&case(3.0, &[("fever", "mild", "stable")]), rules);
    assert!(fever_alone.disposition < Disposition::CallEmergencyNow);
    let spreading = triage(
        &case(
            3.0,
            &[
                ("fever", "mild", "stable"),
                ("red_streaks", "mild", "stable"),
            ],
        ),
        rules,
    );
    assert!(spreading
        .findings
        .iter()
        .any(|f| f.hit.rule.id(rules) == "fever_with_spreading_infection"));
}

#[test]
fn the_built_in_rules_without_examples_are_the_same_rules() {
    let mut whole = RuleSet::built_in();
    assert!(!whole.examples.is_empty());
    whole.examples.clear();
    let quick = RuleSet::built_in_without_examples();
    assert!(quick.examples.is_empty());
    // Everything else, down to each table's order and the symptom index.
    assert_eq!(format!("{quick:#?}"), format!("{whole:#?}"));
}

#[test]
fn a_program_feeding_one_case_at_a_time_gets_each_answer_at_once() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = crate::support::process_at(crate::support::NOW)
        .args(["check", "--input", "-", "--format", "compact"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (answers, answered) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            let _ = answers.send(line.unwrap());
        }
    });
    for n in 0..3 {
        writeln!(
            stdin,
            r#"{{"id": "call-{n}", "days_since_treatment": 1, "symptoms": [{{"id": "redness"}}]}}"#
        )
        .unwrap();
        stdin.flush().unwrap();
        // The input stays open: the answer must come while the tool waits for the next case.
        let answer = answered.recv_timeout(Duration::from_secs(30));
        if answer.is_err() {
            let _ = child.kill();
        }
        let answer = answer.expect("the answer comes before the input ends");
        assert!(
            answer.starts_with(&format!(r#"{{"id":"call-{n}","#)),
            "{answer}"
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
