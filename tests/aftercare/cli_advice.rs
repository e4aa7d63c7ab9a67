//! `aftercare advice`: the aftercare for a day, as the clinical reference (section 6) gives it.

use serde_json::Value;

use aftercare_core::Disposition;

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
    // What replaces the ended makeup restriction continues, with the moment it changed.
    let continuing: Vec<&str> = v["continuing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        continuing.iter().any(|s| s
            == &"Since 24 hours after the treatment: mineral makeup is fine, with clean brushes or sponges (used brushes can carry infection into the open skin)."),
        "{continuing:?}"
    );
    assert!(v["coming_up"].as_array().unwrap().iter().any(|s| s
        .as_str()
        .unwrap()
        .starts_with("From day 3: light exercise is fine")));
    assert_eq!(v["rule_set"]["name"], "micro-needling-default");
}

#[test]
fn one_topic_at_a_time() {
    let r = advice(&["--day", "5", "--topic", "makeup"]);
    assert!(
        r.stdout.contains("Makeup: yes, mineral makeup is fine"),
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
    // From day 3 the exercise advice is a "do": light exercise only, until day 7.
    let v = advice_json(&["--day", "3.5", "--topic", "exercise"]);
    assert_eq!(topics_today(&v), ["exercise"]);
    assert_eq!(v["today"][0]["kind"], "do");
    let v = advice_json(&["--day", "7.5", "--topic", "exercise"]);
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
        ("makeup", "Makeup: yes, mineral makeup is fine"),
        ("retinol", "Active products: not yet, until day 3."),
        ("vitamin C", "Active products: not yet, until day 3."),
        ("gym", "Exercise: not yet, until day 3."),
        ("swimming", "Sauna and pools: not yet, until day 7."),
        ("sauna", "Sauna and pools: not yet, until day 7."),
        ("sun", "Sun: not yet, until day 7."),
        ("spf", "Sunscreen: yes, use a broad-spectrum sunscreen"),
        (
            "ibuprofen",
            "Painkillers: yes, for soreness or a headache, take paracetamol",
        ),
    ] {
        let r = advice(&["--day", "2", "--topic", word]);
        assert_eq!(r.code, 0, "{word}: {}", r.stderr);
        assert!(r.stdout.contains(answer), "{word}:\n{}", r.stdout);
    }
    // Repeatable; and advice that continues is never said to have stopped.
    let r = advice(&["--day", "8", "--topic", "sun", "--topic", "sunscreen"]);
    assert!(
        r.stdout
            .contains("Sun: yes, sun is fine again with sunscreen SPF 30 or more"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Since day 7: sun is fine again with sunscreen"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("No longer"), "{}", r.stdout);
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

/// Every topic of the built-in rules, in file order.
const TOPICS: [&str; 11] = [
    "washing",
    "makeup",
    "exercise",
    "sauna_and_pools",
    "active_products",
    "exfoliants",
    "sun",
    "sunscreen",
    "picking",
    "painkillers",
    "next_session",
];

/// The short answers for every topic on one day, by topic.
fn answers_on(day: &str) -> Vec<(String, String)> {
    let mut args = vec!["--day", day];
    for t in TOPICS {
        args.extend_from_slice(&["--topic", t]);
    }
    let v = advice_json(&args);
    let answers: Vec<String> = v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(answers.len(), TOPICS.len(), "day {day}: {answers:#?}");
    TOPICS.iter().map(|t| t.to_string()).zip(answers).collect()
}

/// Clinical reference 1.2, section 7: a running "don't" is "not yet, until …"; an ended one is
/// "yes" with what applies now; a "do" is "yes" while it runs, never "not yet"; after a
/// topic's last window, the plain final state.
#[test]
fn every_topic_has_the_right_short_answer_on_every_day() {
    const NOT_YET_24H: &str = "not yet, until 24 hours after the treatment. No makeup";
    let expected: [(&str, [(&str, &str); 11]); 8] = [
        (
            "0",
            [
                ("washing", "not yet, until 4 hours after the treatment. Wait at least 4 hours before washing"),
                ("makeup", NOT_YET_24H),
                ("exercise", "not yet, until day 3. No strenuous exercise"),
                ("sauna_and_pools", "not yet, until day 7. No sauna, steam room"),
                ("active_products", "not yet, until day 3. No retinol"),
                ("exfoliants", "not yet, until day 14. No exfoliants"),
                ("sun", "not yet, until day 7. Avoid direct sun"),
                ("sunscreen", "yes, use a broad-spectrum sunscreen SPF 30 or more whenever you are outdoors"),
                ("picking", "no. Do not pick or scratch"),
                ("painkillers", "yes, for soreness or a headache, take paracetamol"),
                ("next_session", "from day 28. The next session is usually 4 to 8 weeks"),
            ],
        ),
        (
            "1",
            [
                ("washing", "yes, clean your face as usual with a mild cleanser"),
                ("makeup", "yes, mineral makeup is fine, with clean brushes"),
                ("exercise", "not yet, until day 3."),
                ("sauna_and_pools", "not yet, until day 7."),
                ("active_products", "not yet, until day 3."),
                ("exfoliants", "not yet, until day 14."),
                ("sun", "not yet, until day 7."),
                ("sunscreen", "yes, use a broad-spectrum sunscreen SPF 30 or more"),
                ("picking", "no. Do not pick"),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "2",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "not yet, until day 3."),
                ("sauna_and_pools", "not yet, until day 7."),
                ("active_products", "not yet, until day 3."),
                ("exfoliants", "not yet, until day 14."),
                ("sun", "not yet, until day 7."),
                ("sunscreen", "yes, use a broad-spectrum sunscreen"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "3",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "yes, light exercise is fine; avoid heavy sweating and heat until day 7."),
                ("sauna_and_pools", "not yet, until day 7."),
                ("active_products", "yes, bring back retinol, vitamin C and other active products one at a time; stop if the skin stings, itches or starts peeling again."),
                ("exfoliants", "not yet, until day 14."),
                ("sun", "not yet, until day 7."),
                ("sunscreen", "yes, use a broad-spectrum sunscreen"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "7",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "yes, as usual."),
                ("sauna_and_pools", "yes, sauna, steam room, hot tub and swimming pool are fine again once any crusts have gone."),
                ("active_products", "yes, bring back retinol"),
                ("exfoliants", "not yet, until day 14."),
                ("sun", "yes, sun is fine again with sunscreen SPF 30 or more whenever you are outdoors."),
                ("sunscreen", "yes, use a broad-spectrum sunscreen"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "10",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "yes, as usual."),
                ("sauna_and_pools", "yes, sauna, steam room, hot tub and swimming pool are fine again"),
                ("active_products", "yes, bring back retinol"),
                ("exfoliants", "not yet, until day 14."),
                ("sun", "yes, sun is fine again"),
                ("sunscreen", "yes, use a broad-spectrum sunscreen"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "14",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "yes, as usual."),
                ("sauna_and_pools", "yes, sauna, steam room"),
                ("active_products", "yes, bring back retinol"),
                ("exfoliants", "yes, exfoliants, scrubs and peels are fine again."),
                ("sun", "yes, sun is fine again"),
                ("sunscreen", "yes, keep using SPF 30 or more outdoors; with darker skin, or if brown patches appear, keep strict sun protection"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "from day 28."),
            ],
        ),
        (
            "30",
            [
                ("washing", "yes, clean your face as usual"),
                ("makeup", "yes, mineral makeup is fine"),
                ("exercise", "yes, as usual."),
                ("sauna_and_pools", "yes, sauna, steam room"),
                ("active_products", "yes, bring back retinol"),
                ("exfoliants", "yes, exfoliants, scrubs and peels are fine again."),
                ("sun", "yes, sun is fine again"),
                ("sunscreen", "yes, keep using SPF 30 or more outdoors"),
                ("picking", "no."),
                ("painkillers", "yes, for soreness or a headache"),
                ("next_session", "yes, the next session is usually 4 to 8 weeks after this one; ask the clinic when to book."),
            ],
        ),
    ];
    for (day, topics) in expected {
        let answers = answers_on(day);
        for ((topic, want), (asked, answer)) in topics.iter().zip(&answers) {
            assert_eq!(topic, asked);
            let name = {
                let words = topic.replace('_', " ");
                let mut c = words.chars();
                c.next()
                    .unwrap()
                    .to_uppercase()
                    .chain(c)
                    .collect::<String>()
            };
            let expected = format!("{name}: {want}");
            assert!(
                answer.starts_with(&expected),
                "day {day}, {topic}:\n  said: {answer}\n  want: {expected}…"
            );
        }
        let day_number: f64 = day.parse().unwrap();
        for (topic, answer) in &answers {
            // A "do" is never "not yet".
            if ["sunscreen", "painkillers", "next_session"].contains(&topic.as_str()) {
                assert!(!answer.contains("not yet"), "day {day}: {answer}");
            }
            // Nothing is said to run "for the first week" once the first week is over.
            if day_number > 7.0 {
                for stale in ["first week", "first 72 hours", "first 24 hours"] {
                    assert!(!answer.contains(stale), "day {day}: {answer}");
                }
            }
        }
    }
}

/// The same answers with the treatment's time: clock time and weekday.
#[test]
fn a_running_restriction_ends_at_a_clock_time_and_weekday() {
    let v = crate::support::run_at(
        "2026-11-21T09:00:00Z",
        &[
            "advice",
            "--treated",
            "2026-11-20 14:30",
            "--topic",
            "makeup",
            "--topic",
            "gym",
            "--topic",
            "sunscreen",
            "--format",
            "json",
        ],
        "",
    )
    .json();
    assert_eq!(
        v["answers"],
        serde_json::json!([
            "Makeup: not yet, until Sat 21 Nov, 14:30. No makeup for the first 24 hours.",
            "Exercise: not yet, until Mon 23 Nov, 14:30. No strenuous exercise or heavy sweating for the first 72 hours.",
            "Sunscreen: yes, use a broad-spectrum sunscreen SPF 30 or more whenever you are outdoors (the clinic may apply the first layer).",
        ])
    );
    assert!(v["coming_up"].as_array().unwrap().iter().any(|c| c
        .as_str()
        .unwrap()
        .starts_with("From Sat 21 Nov, 14:30: mineral makeup is fine")));
    // A date alone: the end of a day, never a time that may be too early.
    let v = advice_json(&["--treated", "yesterday", "--topic", "makeup"]);
    assert_eq!(
        v["answers"][0],
        "Makeup: not yet, until the end of Sat 21 Nov. No makeup for the first 24 hours."
    );
}

/// "A restriction that has ended is not listed under Today": on day 1, neither the wait
/// before washing nor the first-day makeup rule.
#[test]
fn an_ended_restriction_is_not_listed_under_today() {
    let r = advice(&["--day", "1"]);
    let today = r
        .stdout
        .split("\nToday\n")
        .nth(1)
        .and_then(|t| t.split("\n\n").next())
        .unwrap_or_else(|| panic!("{}", r.stdout));
    for ended in ["Wait at least 4 hours", "No makeup", "wash gently"] {
        assert!(!today.contains(ended), "{ended:?} on day 1:\n{today}");
    }
    let v = advice_json(&["--day", "1"]);
    let ids: Vec<&str> = v["today"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for ended in ["no_washing_yet", "gentle_washing", "no_makeup"] {
        assert!(!ids.contains(&ended), "{ids:?}");
    }
    // Day 10: nothing of the first week is running.
    let r = advice(&["--day", "10"]);
    assert!(!r.stdout.contains("for the first week"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Since day 7: exercise as usual."),
        "{}",
        r.stdout
    );
    // Every item today says whether it is a "do" or a "don't".
    let v = advice_json(&["--day", "0"]);
    for item in v["today"].as_array().unwrap() {
        assert!(
            ["do", "dont"].contains(&item["kind"].as_str().unwrap()),
            "{item}"
        );
    }
}

const NO_CLINIC: &str =
    "To reach the clinic, use the clinic's number on your aftercare sheet or booking confirmation.";

/// The safety net as the text page ends with it: its heading, then its lines.
fn safety_net_at_the_end(stdout: &str) -> Vec<String> {
    let (_, net) = stdout
        .rsplit_once("\nWarning signs: when to get help\n")
        .unwrap_or_else(|| panic!("no safety net:\n{stdout}"));
    let mut lines: Vec<String> = Vec::new();
    for line in net.lines() {
        match line.strip_prefix("  - ") {
            Some(item) => lines.push(item.to_string()),
            None => {
                let last = lines.last_mut().unwrap_or_else(|| panic!("{net}"));
                last.push(' ');
                last.push_str(line.trim());
            }
        }
    }
    lines
}

/// Clinical reference 1.2: every advice page, in every format, ends with which signs mean
/// emergency services, the emergency department and the clinic today, and how to reach the
/// clinic.
#[test]
fn every_advice_page_ends_with_the_safety_net() {
    for args in [
        &["--day", "0"][..],
        &["--day", "1"],
        &["--day", "10"],
        &["--day", "30", "--topic", "makeup"],
        &["--treated", "3 days ago"],
        &["--treated", "yesterday 14:30", "--topic", "gym"],
    ] {
        let r = advice(args);
        let net = safety_net_at_the_end(&r.stdout);
        assert_eq!(net.len(), 4, "{args:?}: {net:#?}");
        // Each level in its own words, listing every warning sign of that level by its label.
        for (line, lead, level) in [
            (
                &net[0],
                "Call emergency services (911, 999 or 112) now if you have: ",
                Disposition::CallEmergencyNow,
            ),
            (
                &net[1],
                "Go to an emergency department now, with someone else driving, if you have: ",
                Disposition::GoToEdNow,
            ),
            (
                &net[2],
                "Contact the clinic today if you have: ",
                Disposition::SeeToday,
            ),
        ] {
            assert!(line.starts_with(lead), "{line}");
            for w in rules()
                .warning_signs
                .iter()
                .filter(|w| w.disposition == level)
            {
                let label = w.label.to_lowercase();
                assert!(line.to_lowercase().contains(&label), "{} in {line}", w.id);
            }
        }
        // Combinations are said as their members together.
        assert!(net[0].contains(" together with "), "{}", net[0]);
        assert!(
            net[2].contains("anything else that is severe or getting worse"),
            "{}",
            net[2]
        );
        assert_eq!(net[3], NO_CLINIC, "{args:?}");
        assert!(
            r.stdout.ends_with("booking confirmation.\n"),
            "{}",
            r.stdout
        );
        // The JSON ends with the same lines.
        let mut json_args = args.to_vec();
        json_args.extend_from_slice(&["--format", "json"]);
        let j = advice(&json_args);
        let v = j.json();
        let lines: Vec<&str> = v["safety_net"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(lines, net, "{args:?}");
        let tail = j.stdout.rsplit_once("\"safety_net\":").unwrap().1;
        assert!(
            tail.trim_end().ends_with("]}"),
            "safety_net comes last: {tail}"
        );
    }
}

#[test]
fn the_safety_net_gives_the_clinics_numbers_and_its_own_signs() {
    // The first emergency sign, given other words by the clinic.
    let sign = rules()
        .warning_signs
        .iter()
        .find(|w| w.disposition == Disposition::CallEmergencyNow)
        .unwrap();
    let text = without_examples(aftercare_core::rules::DEFAULT_RULES).replacen(
        &format!("label = {:?}", sign.label),
        "label = \"Passing out\"",
        1,
    );
    let with_clinic = format!(
        "{text}\n[clinic]\nname = \"Riverside Skin Clinic\"\nphone = \"020 7946 0000\"\nout_of_hours_phone = \"020 7946 0999\"\nemergency_number = \"999\"\n"
    );
    let (_dir, path) = clinic_file(&with_clinic);
    let path = path.to_str().unwrap();
    let r = advice(&["--rules", path, "--day", "2"]);
    let net = safety_net_at_the_end(&r.stdout);
    assert!(
        net[0].starts_with("Call emergency services on 999 now if you have: passing out;"),
        "the rule file's own words: {}",
        net[0]
    );
    assert_eq!(
        net.last().unwrap(),
        "To reach the clinic, call Riverside Skin Clinic on 020 7946 0000 (out of hours, the on-call service on 020 7946 0999)."
    );
    // A name without a number: where to find the number.
    let name_only = format!("{text}\n[clinic]\nname = \"Riverside Skin Clinic\"\n");
    let (_dir, path) = clinic_file(&name_only);
    let r = advice(&["--rules", path.to_str().unwrap(), "--day", "2"]);
    assert_eq!(
        safety_net_at_the_end(&r.stdout).last().unwrap(),
        "To reach Riverside Skin Clinic, use the clinic's number on your aftercare sheet or booking confirmation."
    );
    // Without a [clinic] block, where to find the number.
    let r = advice(&["--day", "2"]);
    assert_eq!(safety_net_at_the_end(&r.stdout).last().unwrap(), NO_CLINIC);
}

/// The advice part of a result's text report ends with the same safety net.
#[test]
fn the_advice_of_a_result_ends_with_the_safety_net() {
    let r = crate::support::check(
        "text",
        r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "trend": "improving"}]}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let advice_part = r
        .stdout
        .split("\nAftercare today\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", r.stdout));
    let net = advice_part
        .split("\nWarning signs: when to get help\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", r.stdout))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        net.contains("Call emergency services (911, 999 or 112) now if you have"),
        "{net}"
    );
    assert!(
        net.contains("aftercare sheet or booking confirmation"),
        "{net}"
    );
    // An emergency shows no aftercare, and so no aftercare safety net either.
    let r = crate::support::check(
        "text",
        r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing"}]}"#,
    );
    assert!(
        !r.stdout.contains("Warning signs: when to get help"),
        "{}",
        r.stdout
    );
}

/// A clinic's advice item without its kind, or with one the tool does not know, is refused
/// on load, by file, rule and field, for every command that reads the file.
#[test]
fn a_clinic_file_with_an_advice_item_of_no_known_kind_is_refused() {
    let text = without_examples(aftercare_core::rules::DEFAULT_RULES);
    let kind = "topic = \"sunscreen\"\nkind = \"do\"\n";
    assert!(text.contains(kind));
    for (edit, expected) in [
        (
            "topic = \"sunscreen\"\n",
            "advice \"sunscreen\": kind: missing: every advice item is a \"do\" or a \"don't\"",
        ),
        (
            "topic = \"sunscreen\"\nkind = \"should\"\n",
            "advice \"sunscreen\": kind: unknown kind \"should\" (one of: do, dont)",
        ),
    ] {
        let (_dir, path) = clinic_file(text.replacen(kind, edit, 1));
        let path = path.to_str().unwrap();
        for args in [
            &["rules", "check", path][..],
            &["--rules", path, "advice", "--day", "1"],
        ] {
            let r = run(args, "");
            assert_ne!(r.code, 0, "{args:?}");
            assert_eq!(r.stdout, "", "{args:?}");
            assert!(
                r.stderr.contains(&format!("{path}: {expected}")),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
}
