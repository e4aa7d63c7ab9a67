//! Protocol 1.1 (clinical reference sections 1, 3, 4.1, 4.2 and 5), with expectations typed
//! from the reference: the cluster, every combination with each alternative and qualifier,
//! risk factors, `other` and `started_on_day`.

use aftercare_core::{assess, Disposition, ReportedSymptom, Severity, Trend};

use crate::support::*;

use Disposition::*;
use Severity::*;
use Trend::*;

const CLUSTER: &str = "several_strong_reactions";
/// The inflammatory reactions the cluster counts among (section 3, notes).
const INFLAMMATORY: [&str; 9] = [
    "redness",
    "swelling",
    "pain",
    "warmth",
    "burning",
    "itching",
    "tightness",
    "sensitivity",
    "swollen_glands",
];

#[test]
fn two_severe_and_worsening_reactions_are_seen_today_on_any_day() {
    // Protocol 1.2: two, not three. Tightness and sensitivity have no severe rule of their
    // own before day 3, so only the cluster can raise these.
    let strong = |id| report(id, Severe, Worsening);
    for day in [0.0, 0.5, 1.0, 2.0] {
        let two = case_on(day, vec![strong("tightness"), strong("sensitivity")]);
        let (d, rules_fired) = fired(&two);
        assert_eq!(d, SeeToday, "day {day}");
        assert!(rules_fired.contains(&CLUSTER.to_string()), "day {day}");
        // One is not enough.
        let one = case_on(day, vec![strong("tightness")]);
        let (d, rules_fired) = fired(&one);
        assert!(
            !rules_fired.contains(&CLUSTER.to_string()),
            "day {day}: {rules_fired:?}"
        );
        assert_eq!(d, HomeCare, "day {day}");
    }
    // Every id of the list counts: each pair of consecutive ids fires it.
    for w in INFLAMMATORY.windows(2) {
        let case = case_on(1.0, w.iter().map(|id| strong(id)).collect());
        assert!(fired(&case).1.contains(&CLUSTER.to_string()), "{w:?}");
    }
    // A stable or improving one, a moderate one, or a non-inflammatory one does not count.
    for second in [
        report("sensitivity", Severe, Stable),
        report("sensitivity", Severe, Improving),
        report("sensitivity", Moderate, Worsening),
        report("peeling", Severe, Worsening),
        report("crusting", Severe, Worsening),
    ] {
        let case = case_on(1.0, vec![strong("tightness"), second.clone()]);
        assert!(!fired(&case).1.contains(&CLUSTER.to_string()), "{second:?}");
    }
    // The same id twice counts once.
    let case = case_on(1.0, vec![strong("tightness"), strong("tightness")]);
    assert!(!fired(&case).1.contains(&CLUSTER.to_string()));
}

/// Each fever-or-chills combination of section 4.2, with every alternative of its partner.
#[test]
fn fever_or_chills_combinations_fire_with_every_alternative() {
    #[rustfmt::skip]
    let table: [(&str, &[&str], Disposition); 4] = [
        ("fever_with_purple_spots", &["purple_spots"], CallEmergencyNow),
        ("fever_with_stiff_neck", &["stiff_neck"], CallEmergencyNow),
        ("fever_with_spreading_infection", &["spreading_redness", "red_streaks", "rapidly_spreading_swelling"], GoToEdNow),
        ("fever_with_blisters", &["grouped_blisters", "blisters", "weeping"], GoToEdNow),
    ];
    for (combo, partners, disposition) in table {
        for fever in ["fever", "chills"] {
            for partner in partners {
                for day in [0.2, 3.0, 40.0] {
                    let case = case_on(day, vec![plain(fever), plain(partner)]);
                    let (d, rules_fired) = fired(&case);
                    assert_eq!(d, disposition, "{fever} + {partner} on day {day}");
                    assert!(
                        rules_fired.contains(&combo.to_string()),
                        "{combo}: {fever} + {partner}"
                    );
                }
                // Either alone does not fire it.
                for alone in [fever, partner] {
                    let case = case_on(3.0, vec![plain(alone)]);
                    assert!(
                        !fired(&case).1.contains(&combo.to_string()),
                        "{combo}: {alone} alone"
                    );
                }
            }
        }
    }
    for fever in ["fever", "chills"] {
        for partner in ["very_unwell", "widespread_rash"] {
            let case = case_on(2.0, vec![plain(fever), plain(partner)]);
            let (d, rules_fired) = fired(&case);
            assert_eq!(d, GoToEdNow, "{fever} + {partner}");
            assert!(rules_fired.contains(&"fever_very_unwell".to_string()));
        }
    }
}

#[test]
fn spreading_petechiae_with_fever_need_the_dots_outside_their_window() {
    let combo = "fever_with_spreading_petechiae".to_string();
    for fever in ["fever", "chills"] {
        // P-24: inside the window (day 1, improving): fever alone decides.
        let case = case_on(
            1.0,
            vec![plain(fever), report("petechiae", Mild, Improving)],
        );
        assert_eq!(fired(&case), (SeeToday, fired(&case).1.clone()));
        assert!(!fired(&case).1.contains(&combo));
        // Past day 4 and not improving: outside the window.
        let case = case_on(4.5, vec![plain(fever), report("petechiae", Mild, Stable)]);
        let (d, rules_fired) = fired(&case);
        assert_eq!(d, CallEmergencyNow, "{fever}: {rules_fired:?}");
        assert!(rules_fired.contains(&combo));
        // Inside day 4 but getting worse after day 2: outside too (worse_after -> 3D).
        let case = case_on(
            2.5,
            vec![plain(fever), report("petechiae", Mild, Worsening)],
        );
        assert_eq!(fired(&case).0, CallEmergencyNow);
        // New dots after day 1: a late start is outside the window.
        let case = case_on(
            1.5,
            vec![plain(fever), symptom("petechiae", Mild, Improving, 1.2)],
        );
        assert_eq!(fired(&case).0, CallEmergencyNow);
        // Improving up to day 7 is inside.
        let case = case_on(
            6.0,
            vec![plain(fever), report("petechiae", Mild, Improving)],
        );
        assert!(!fired(&case).1.contains(&combo));
    }
}

#[test]
fn hives_with_swelling_need_the_swelling_to_grow() {
    let combo = "hives_with_growing_swelling".to_string();
    let case = case_on(
        0.5,
        vec![plain("hives"), report("swelling", Mild, Worsening)],
    );
    let (d, rules_fired) = fired(&case);
    assert_eq!(d, GoToEdNow);
    assert!(rules_fired.contains(&combo));
    for trend in [Stable, Improving] {
        let case = case_on(0.5, vec![plain("hives"), report("swelling", Severe, trend)]);
        let (d, rules_fired) = fired(&case);
        assert!(!rules_fired.contains(&combo), "{trend:?}");
        assert_eq!(d, SeeToday, "{trend:?}: hives alone");
    }
}

/// (combination, risk factor, symptoms, day, with it, without it)
type RiskRow = (
    &'static str,
    &'static str,
    Vec<ReportedSymptom>,
    f64,
    Disposition,
    Disposition,
);

#[test]
fn risk_factor_combinations_fire_only_with_the_risk_factor() {
    #[rustfmt::skip]
    let table: [RiskRow; 12] = [
        // (combination, risk factor, symptoms, day, with it, without it)
        ("eczema_with_blisters", "eczema", vec![plain("grouped_blisters")], 3.0, GoToEdNow, SeeToday),
        ("eczema_with_blisters", "eczema", vec![plain("blisters")], 3.0, GoToEdNow, SeeToday),
        // Protocol 1.2: weeping alone with eczema is seen today, for its own reason.
        ("eczema_with_weeping", "eczema", vec![plain("weeping")], 3.0, SeeToday, SeeToday),
        ("weak_immunity_with_infection", "immunosuppressed", vec![plain("fever")], 2.0, GoToEdNow, SeeToday),
        ("weak_immunity_with_infection", "immunosuppressed", vec![plain("chills")], 2.0, GoToEdNow, SeeToday),
        ("weak_immunity_with_infection", "immunosuppressed", vec![plain("spreading_redness")], 2.0, GoToEdNow, SeeToday),
        ("weak_immunity_with_infection", "immunosuppressed", vec![plain("red_streaks")], 2.0, GoToEdNow, GoToEdNow),
        ("weak_immunity_with_infection", "immunosuppressed", vec![plain("pus")], 2.0, GoToEdNow, SeeToday),
        ("blood_thinners_with_growing_bruise", "blood_thinners", vec![report("bruising", Mild, Worsening)], 0.8, SeeToday, HomeCare),
        ("blood_thinners_with_growing_bruise", "blood_thinners", vec![report("bruising", Mild, Worsening)], 3.0, SeeToday, SeeWithin3Days),
        ("radio_frequency_burn", "radio_frequency", vec![report("burning", Mild, Stable)], 2.0, SeeToday, SeeWithin3Days),
        ("radio_frequency_burn", "radio_frequency", vec![report("burning", Severe, Improving)], 0.75, SeeToday, SeeWithin3Days),
    ];
    for (combo, risk, symptoms, day, with, without) in table {
        let (d, rules_fired) = fired(&with_risks(day, symptoms.clone(), &[risk]));
        assert_eq!(d, with, "{combo} with {risk}: {rules_fired:?}");
        assert!(rules_fired.contains(&combo.to_string()), "{combo}");
        let (d, rules_fired) = fired(&with_risks(day, symptoms.clone(), &[]));
        assert_eq!(d, without, "{combo} without {risk}");
        assert!(!rules_fired.contains(&combo.to_string()));
        // Another risk factor is no stand-in.
        let (_, rules_fired) = fired(&with_risks(
            day,
            symptoms,
            &["pregnant", "cold_sores", "prp"],
        ));
        assert!(
            !rules_fired.contains(&combo.to_string()),
            "{combo} with others"
        );
    }
    // The qualifiers: a bruise not growing, burning inside its window.
    let (_, f) = fired(&with_risks(
        3.0,
        vec![report("bruising", Severe, Stable)],
        &["blood_thinners"],
    ));
    assert!(!f.contains(&"blood_thinners_with_growing_bruise".to_string()));
    let (d, f) = fired(&with_risks(
        0.5,
        vec![report("burning", Mild, Stable)],
        &["radio_frequency"],
    ));
    assert!(!f.contains(&"radio_frequency_burn".to_string()));
    assert_eq!(d, HomeCare);
    // A risk factor alone changes nothing.
    for risk in [
        "radio_frequency",
        "eczema",
        "immunosuppressed",
        "blood_thinners",
        "cold_sores",
        "prp",
        "pregnant",
    ] {
        assert_eq!(
            fired(&with_risks(2.0, vec![], &[risk])).0,
            HomeCare,
            "{risk}"
        );
    }
}

fn other(description: &str, severity: Severity, trend: Trend) -> ReportedSymptom {
    ReportedSymptom {
        description: Some(description.to_string()),
        ..report("other", severity, trend)
    }
}

#[test]
fn something_else_is_never_home_care_and_severe_or_worse_is_seen_today() {
    for day in [0.0, 2.0, 30.0, 200.0] {
        // Protocol 1.2: both severe and worsening in the first day is the emergency
        // department.
        let (both, both_rule) = if day <= 1.0 {
            (GoToEdNow, "other.severe_and_worsening_early")
        } else {
            (SeeToday, "other.severe_or_worsening")
        };
        for (severity, trend, expected, rule) in [
            (Mild, Stable, SeeWithin3Days, "other"),
            (Moderate, Improving, SeeWithin3Days, "other"),
            (Severe, Improving, SeeToday, "other.severe_or_worsening"),
            (Mild, Worsening, SeeToday, "other.severe_or_worsening"),
            (Severe, Worsening, both, both_rule),
        ] {
            let a = assess(
                &case_on(day, vec![other("ears feel blocked", severity, trend)]),
                rules(),
            );
            assert_eq!(a.disposition, expected, "day {day} {severity:?} {trend:?}");
            let f = &a.findings[0];
            assert_eq!(f.rule, rule);
            assert_eq!(f.kind, aftercare_core::model::FindingKind::Other);
            // Recorded and shown, never interpreted.
            assert!(f.reason.contains("\"ears feel blocked\""), "{}", f.reason);
        }
    }
    // Two different things each keep their own finding.
    let a = assess(
        &case_on(
            1.0,
            vec![
                other("a headache", Mild, Stable),
                other("blocked ears", Mild, Stable),
            ],
        ),
        rules(),
    );
    assert_eq!(a.findings.len(), 2);
}

#[test]
fn a_start_known_as_a_whole_day_is_read_at_its_latest_moment() {
    let started = |day: f64, on: u32, id: &str| -> Disposition {
        let input = serde_json::json!({
            "days_since_treatment": day,
            "symptoms": [{"id": id, "severity": "mild", "trend": "improving", "started_on_day": on}]
        });
        let case: aftercare_core::CaseInput = serde_json::from_value(input).unwrap();
        let case = case
            .resolve(rules(), chrono::DateTime::parse_from_rfc3339(NOW).unwrap())
            .unwrap();
        assess(&case, rules()).disposition
    };
    // Swelling starts after 2 -> TODAY: "day 2" on day 3 is 3.0, after 2 (P-23).
    assert_eq!(started(3.0, 2, "swelling"), SeeToday);
    // On day 2.4 the latest moment of day 2 is now (2.4), after 2.
    assert_eq!(started(2.4, 2, "swelling"), SeeToday);
    // "Day 1" is read as 2.0 at the latest: not after 2.
    assert_eq!(started(3.0, 1, "swelling"), HomeCare);
    // Pinpoint bleeding starts after 0.5: "day 0" on day 0.4 reads 0.4 (not after), on day
    // 0.7 reads 0.7 (after).
    assert_eq!(started(0.4, 0, "pinpoint_bleeding"), HomeCare);
    assert_eq!(started(0.7, 0, "pinpoint_bleeding"), SeeToday);
    // Swollen glands start after 3 -> 3D; "day 3" on day 3.5 reads 3.5.
    assert_eq!(started(3.5, 3, "swollen_glands"), SeeWithin3Days);
    assert_eq!(started(3.5, 2, "swollen_glands"), HomeCare);
    // Bruising starts after 1: "day 1" on day 5 reads 2.0.
    assert_eq!(started(5.0, 1, "bruising"), SeeWithin3Days);
    assert_eq!(started(5.0, 0, "bruising"), HomeCare);
}

#[test]
fn started_on_day_is_checked_like_started_day() {
    for (symptom, field, words) in [
        (
            r#"{"id": "swelling", "started_on_day": 2, "started_day": 2}"#,
            "symptoms[0].started_on_day",
            "not both",
        ),
        (
            r#"{"id": "swelling", "started_on_day": 1.5}"#,
            "symptoms[0].started_on_day",
            "whole day",
        ),
        (
            r#"{"id": "swelling", "started_on_day": 4}"#,
            "symptoms[0].started_on_day",
            "later than",
        ),
        (
            r#"{"id": "swelling", "started_on_day": -1}"#,
            "symptoms[0].started_on_day",
            "whole day",
        ),
        (r#"{"id": "other"}"#, "symptoms[0].description", "missing"),
        (
            r#"{"id": "other", "description": "  "}"#,
            "symptoms[0].description",
            "empty",
        ),
        (
            r#"{"id": "other", "description": "a\u001b[2J"}"#,
            "symptoms[0].description",
            "control character",
        ),
        (
            r#"{"id": "redness", "description": "red\u0007"}"#,
            "symptoms[0].description",
            "control character",
        ),
    ] {
        let input = format!(r#"{{"days_since_treatment": 3, "symptoms": [{symptom}]}}"#);
        let (v, code, stderr) = check_json(&input);
        assert_eq!(code, 3, "{symptom}: {stderr}");
        assert_eq!(v["error"]["field"], field, "{symptom}: {v}");
        assert!(stderr.contains(words), "{symptom}: {stderr}");
    }
    let long = "x".repeat(501);
    let (v, code, _) = check_json(&format!(
        r#"{{"days_since_treatment": 3, "symptoms": [{{"id": "other", "description": "{long}"}}]}}"#
    ));
    assert_eq!(code, 3);
    assert_eq!(v["error"]["field"], "symptoms[0].description");
    let ok = "é".repeat(500);
    let (v, code, _) = check_json(&format!(
        r#"{{"days_since_treatment": 3, "symptoms": [{{"id": "other", "description": "{ok}"}}]}}"#
    ));
    assert_eq!(code, 0, "500 characters are accepted: {v}");
    // Words with a listed symptom are kept, never read: the id alone decides.
    let (v, code, _) = check_json(
        r#"{"days_since_treatment": 1, "symptoms": [{"id": "redness", "description": "it is terrible"}]}"#,
    );
    assert_eq!(code, 0);
    assert_eq!(v["disposition"], "home_care");
}

#[test]
fn an_unknown_risk_factor_is_an_input_error_with_suggestions() {
    let (v, code, stderr) = check_json(
        r#"{"days_since_treatment": 3, "symptoms": [], "risk_factors": ["eczema", "warfarin"]}"#,
    );
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(v["error"]["field"], "risk_factors[1]");
    assert!(
        stderr.contains("did you mean \"blood_thinners\""),
        "{stderr}"
    );
    let (v, code, _) = check_json(
        r#"{"days_since_treatment": 3, "symptoms": [{"id": "blisters"}], "risk_factors": ["eczema", "eczema"]}"#,
    );
    assert_eq!(code, 0);
    assert_eq!(v["disposition"], "go_to_ed_now");
}

#[test]
fn a_suggestion_puts_the_urgent_candidate_first() {
    // The inputs of the 1.1 review: 1.0 sent swollen_lips to swollen_glands and wheezing to
    // weeping.
    for (typed, urgent) in [
        ("swollen_lips", "throat_swelling"),
        ("swollen_tongue", "throat_swelling"),
        ("wheezing", "difficulty_breathing"),
        ("breathing", "difficulty_breathing"),
        ("red_lines", "red_streaks"),
        ("pain_eye", "eye_pain"),
        ("dark_skin", "dusky_skin"),
        ("swelling_spreading", "rapidly_spreading_swelling"),
        ("redness_spreading", "spreading_redness"),
        ("lip_swelling", "throat_swelling"),
        ("short_of_breath", "difficulty_breathing"),
        ("worst_headache", "sudden_severe_headache"),
        ("cold_sore", "grouped_blisters"),
    ] {
        let (v, code, _) = check_json(&format!(
            r#"{{"days_since_treatment": 1, "symptoms": [{{"id": "{typed}"}}]}}"#
        ));
        assert_eq!(code, 3);
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("(did you mean {urgent:?}")),
            "{typed}: {message}"
        );
    }
}
