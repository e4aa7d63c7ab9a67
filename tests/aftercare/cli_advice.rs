//! `aftercare advice`: the aftercare for a day, as the clinical reference (section 6) gives it.

use serde_json::Value;

use crate::support::*;

fn advice(args: &[&str]) -> Run {
    let mut all = vec!["advice"];
    all.extend_from_slice(args);
    let r = run(&all, "");
    assert_eq!(r.code, 0, "advice {args:?}: {}", r.stderr);
    r
}

fn advice_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    advice(&all).json()
}

fn topics_today(v: &Value) -> Vec<String> {
    v["today"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["topic"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn on_the_treatment_day_the_first_day_restrictions_apply() {
    let r = advice(&["--day", "0"]);
    assert!(
        r.stdout
            .starts_with("Aftercare on the day of the treatment"),
        "{}",
        r.stdout
    );
    for words in [
        "Wait at least 4 hours before washing",
        "wash gently",
        "No makeup for the first 24 hours",
        "No strenuous exercise",
        "No sauna, steam room, hot tub or swimming pool",
        "No retinol",
        "No exfoliants",
        "Avoid direct sun",
        "Do not pick",
    ] {
        assert!(r.stdout.contains(words), "day 0 says {words:?}");
    }
    let v = advice_json(&["--day", "0"]);
    let topics = topics_today(&v);
    assert!(topics.contains(&"makeup".to_string()));
    // Protocol 1.1: sunscreen from the treatment day on.
    assert!(topics.contains(&"sunscreen".to_string()));
    // What changes after 24 hours is coming up: makeup with clean brushes.
    assert!(v["coming_up"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("clean brushes")));
}

#[test]
fn on_day_2_makeup_is_allowed_and_exercise_is_not_yet() {
    let v = advice_json(&["--day", "2"]);
    let topics = topics_today(&v);
    assert!(!topics.contains(&"makeup".to_string()), "{topics:?}");
    assert!(topics.contains(&"exercise".to_string()));
    assert!(topics.contains(&"active_products".to_string()));
    assert!(topics.contains(&"sunscreen".to_string()));
    // What replaces the ended makeup restriction continues: it is not "no longer needed".
    let continuing: Vec<&str> = v["continuing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        continuing
            .iter()
            .any(|s| s.contains("Mineral makeup is fine")),
        "{continuing:?}"
    );
    assert!(v["coming_up"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().starts_with("After day 3:")));
    assert_eq!(v["rule_set"]["name"], "micro-needling-default");
}

#[test]
fn one_topic_at_a_time() {
    let r = advice(&["--day", "5", "--topic", "makeup"]);
    assert!(
        r.stdout.contains("Mineral makeup is fine"),
        "makeup is allowed again on day 5: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("No makeup"), "{}", r.stdout);
    assert!(!r.stdout.contains("exercise"), "only the topic asked about");
    let v = advice_json(&["--day", "5", "--topic", "makeup"]);
    assert_eq!(v["today"], serde_json::json!([]));
    let v = advice_json(&["--day", "0.5", "--topic", "makeup"]);
    assert_eq!(topics_today(&v), ["makeup"]);
    let v = advice_json(&["--day", "2", "--topic", "exercise"]);
    assert_eq!(topics_today(&v), ["exercise"]);
    let v = advice_json(&["--day", "3.5", "--topic", "exercise"]);
    assert_eq!(v["today"], serde_json::json!([]));
}

#[test]
fn the_treatment_time_can_be_typed_as_people_say_it() {
    // --now is 2026-11-21T09:00:00Z: "3 days ago" is 2026-11-18, with no time of day. Advice
    // counts from the end of that day (23:59:59), so that no restriction is lifted early,
    // but still calls it day 3.
    let v = advice_json(&["--treated", "3 days ago"]);
    let day = v["days_since_treatment"].as_f64().unwrap();
    assert!(
        (day - (2.0 + 9.0 / 24.0 + 1.0 / 86_400.0)).abs() < 1e-9,
        "{day}"
    );
    assert_eq!(v["day_number"], 3);
    assert!(v["note"].as_str().unwrap().contains("end of that day"));
    let same = advice_json(&["--treated", "2026-11-18"]);
    assert_eq!(same["days_since_treatment"], v["days_since_treatment"]);
    let r = advice(&["--treated", "3 days ago"]);
    assert!(
        r.stdout
            .starts_with("Aftercare on day 3 after the treatment"),
        "{}",
        r.stdout
    );
    let v = advice_json(&["--treated", "5 hours ago"]);
    assert!((v["days_since_treatment"].as_f64().unwrap() - 5.0 / 24.0).abs() < 1e-9);
}

#[test]
fn a_treatment_date_without_a_time_never_lifts_a_restriction_early() {
    // Treated "yesterday" at an unknown time, asked at 09:00: it may be only 9 hours past
    // 24 h, or much less. Makeup waits.
    let r = advice(&["--treated", "yesterday", "--topic", "makeup"]);
    assert!(r.stdout.contains("No makeup"), "{}", r.stdout);
    let r = advice(&["--treated", "yesterday 06:00", "--topic", "makeup"]);
    assert!(!r.stdout.contains("No makeup for"), "{}", r.stdout);
}

#[test]
fn bad_advice_requests_are_usage_errors() {
    for args in [
        &["advice", "--day", "2", "--topic", "lipstick"][..],
        &["advice", "--day=-1"],
        &["advice", "--day", "-1"],
        &["advice", "--day", "two"],
        &["advice", "--day", "NaN"],
        &["advice", "--day", "inf"],
        &["advice"],
        &["advice", "--day", "1", "--treated", "today"],
        &["advice", "--treated", "tomorrow"],
        &["advice", "--treated", "next week"],
        &["advice", "--day", "1", "--format", "xml"],
    ] {
        let r = run(args, "");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(!r.stderr.trim().is_empty(), "{args:?}");
    }
    let r = run(&["advice", "--day", "2", "--topic", "lipstick"], "");
    let line = r.error_line();
    assert!(line.contains("\"lipstick\""), "{line}");
    assert!(line.contains("makeup"), "lists the topics: {line}");
    let r = run(&["advice", "--day=-1"], "");
    assert!(r.error_line().contains("-1"), "{}", r.stderr);
}

#[test]
fn topics_in_a_persons_words_each_with_a_short_answer() {
    for (word, answer) in [
        ("makeup", "Makeup: yes."),
        ("retinol", "Active products: not yet."),
        ("vitamin C", "Active products: not yet."),
        ("gym", "Exercise: not yet."),
        ("swimming", "Sauna and pools: not yet."),
        ("sauna", "Sauna and pools: not yet."),
        ("sun", "Sun: not yet."),
    ] {
        let r = advice(&["--day", "2", "--topic", word]);
        assert_eq!(r.code, 0, "{word}: {}", r.stderr);
        assert!(r.stdout.contains(answer), "{word}:\n{}", r.stdout);
    }
    // Repeatable; and continuing advice is never under "No longer needed".
    let r = advice(&["--day", "8", "--topic", "sun", "--topic", "sunscreen"]);
    assert!(
        r.stdout.contains("Sun: yes. Keep using sunscreen"),
        "{}",
        r.stdout
    );
    let stopped = r.stdout.split("No longer needed").nth(1).unwrap_or("");
    assert!(!stopped.contains("Keep using"), "{}", r.stdout);
    let r = crate::support::run(&["advice", "--day", "2", "--topic", "cheese"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nothing in the aftercare about"),
        "{}",
        r.stderr
    );
}

#[test]
fn with_the_treatment_time_restrictions_end_at_a_clock_time() {
    let r = crate::support::run_at(
        "2026-11-21T09:00:00Z",
        &[
            "advice",
            "--treated",
            "yesterday 14:30",
            "--topic",
            "makeup",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("time was not given"), "{}", r.stdout);
    assert!(
        r.stdout
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("from Fri 20 Nov, 14:30 to Sat 21 Nov, 14:30"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("(until Sat 21 Nov, 14:30)"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_typed_treatment_time_is_read_in_the_local_time_zone_of_its_own_day() {
    // London: summer time (+01:00) until 25 Oct 2026; the clock now reads +00:00.
    for typed in ["2026-10-20 14:30", "20 Oct 14:30"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args([
                "--now",
                "2026-11-21T09:00:00Z",
                "advice",
                "--treated",
                typed,
            ])
            .args(["--format", "json"])
            .env("TZ", "Europe/London")
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["treated_at"], "2026-10-20T14:30:00+01:00", "{typed}");
    }
}
