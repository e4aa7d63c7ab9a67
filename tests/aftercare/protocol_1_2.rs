//! Protocol 1.2 (clinical reference sections 1 to 4 and 7), with expectations typed from the
//! reference: the new signs and combinations, "after 0", combinations that hold only until a
//! day, `other` in the first day, `started_on_day`, days from whole seconds, time in words,
//! and what an emergency result carries.

use aftercare_core::{assess, Case, Disposition, ReportedSymptom, Severity, Trend};

use crate::support::*;

use Disposition::*;
use Severity::*;
use Trend::*;

#[test]
fn the_new_warning_signs_give_their_disposition_on_any_day() {
    #[rustfmt::skip]
    let signs: [(&str, Disposition); 8] = [
        ("vision_loss", CallEmergencyNow),
        ("numbing_cream_reaction", CallEmergencyNow),
        ("sudden_severe_headache", CallEmergencyNow),
        ("seizure", CallEmergencyNow),
        ("blue_lips", CallEmergencyNow),
        ("cold_pale_hand", GoToEdNow),
        ("blood_draw_arm", SeeToday),
        ("patchy_hair_loss", SeeWithin3Days),
    ];
    for (id, expected) in signs {
        for day in [0.0, 0.05, 1.0, 30.0] {
            let (d, rules_fired) = fired(&case_on(day, vec![plain(id)]));
            assert_eq!(d, expected, "{id} on day {day}");
            assert!(rules_fired.contains(&id.to_string()), "{id}");
        }
    }
}

/// Each new combination of section 4.2 with each alternative of its members, the day it
/// holds until (inclusive) and a day after it, and without the member that makes it.
#[test]
fn the_new_combinations_fire_with_every_alternative() {
    type Row = (
        &'static str,
        Vec<ReportedSymptom>,
        &'static [&'static str],
        f64,
        Disposition,
    );
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        ("injected_with_pain", vec![report("pain", Severe, Stable)], &["injected"], 1.0, GoToEdNow),
        ("injected_with_pain", vec![report("pain", Mild, Worsening)], &["injected"], 2.0, GoToEdNow),
        ("injected_with_eye_signs", vec![plain("vision_change")], &["injected"], 0.5, CallEmergencyNow),
        ("injected_with_eye_signs", vec![plain("eye_pain")], &["injected"], 2.0, CallEmergencyNow),
        ("weak_immunity_with_blisters", vec![plain("grouped_blisters")], &["immunosuppressed"], 3.0, GoToEdNow),
        ("weak_immunity_with_blisters", vec![plain("blisters")], &["immunosuppressed"], 3.0, GoToEdNow),
        ("weak_immunity_with_blisters", vec![plain("widespread_blisters")], &["immunosuppressed"], 3.0, GoToEdNow),
        ("weak_immunity_with_blisters", vec![plain("weeping")], &["immunosuppressed"], 3.0, GoToEdNow),
        ("fever_with_growing_swelling", vec![plain("fever"), report("swelling", Mild, Worsening)], &[], 1.0, GoToEdNow),
        ("fever_with_growing_swelling", vec![plain("chills"), report("redness", Mild, Worsening)], &[], 4.0, GoToEdNow),
        ("fever_with_headache", vec![plain("fever"), report("headache", Severe, Stable)], &[], 1.0, GoToEdNow),
        ("fever_with_headache", vec![plain("chills"), report("headache", Mild, Worsening)], &[], 5.0, GoToEdNow),
        ("hives_with_vomiting", vec![plain("hives"), plain("vomiting")], &[], 1.0, CallEmergencyNow),
        ("hives_with_vomiting", vec![plain("widespread_rash"), plain("vomiting")], &[], 8.0, CallEmergencyNow),
        ("itch_with_growing_swelling", vec![report("itching", Mild, Worsening), report("swelling", Mild, Worsening)], &[], 2.0, SeeToday),
        ("eczema_with_weeping", vec![plain("weeping")], &["eczema"], 3.0, SeeToday),
        ("eczema_cold_sores_weeping", vec![plain("weeping")], &["eczema", "cold_sores"], 3.0, GoToEdNow),
        ("blood_thinners_with_growing_bruise", vec![report("blood_draw_bruise", Mild, Worsening)], &["blood_thinners"], 2.0, SeeToday),
    ];
    for (combo, symptoms, risks, day, expected) in table {
        let (d, rules_fired) = fired(&with_risks(day, symptoms.clone(), risks));
        assert_eq!(d, expected, "{combo} on day {day}: {rules_fired:?}");
        assert!(rules_fired.contains(&combo.to_string()), "{combo}");
        // Without its risk factors, or without its first symptom, it does not fire.
        if !risks.is_empty() {
            let (_, rules_fired) = fired(&with_risks(day, symptoms.clone(), &[]));
            assert!(!rules_fired.contains(&combo.to_string()), "{combo}");
        }
        let (_, rules_fired) = fired(&with_risks(day, symptoms[1..].to_vec(), risks));
        assert!(!rules_fired.contains(&combo.to_string()), "{combo}");
    }
    // The qualifiers: pain that is neither severe nor worsening, and swelling that is not
    // worsening, do not meet them.
    let (_, r) = fired(&with_risks(
        1.0,
        vec![report("pain", Moderate, Stable)],
        &["injected"],
    ));
    assert!(!r.contains(&"injected_with_pain".to_string()), "{r:?}");
    let (_, r) = fired(&case_on(
        1.0,
        vec![plain("fever"), report("swelling", Severe, Stable)],
    ));
    assert!(
        !r.contains(&"fever_with_growing_swelling".to_string()),
        "{r:?}"
    );
    // Eczema with blisters no longer counts weeping alone (it is its own combination).
    let (d, r) = fired(&with_risks(3.0, vec![plain("weeping")], &["eczema"]));
    assert_eq!(d, SeeToday);
    assert!(!r.contains(&"eczema_with_blisters".to_string()), "{r:?}");
}

#[test]
fn a_combination_until_a_day_holds_on_that_day_and_not_after() {
    for (combo, symptoms, risks) in [
        (
            "injected_with_pain",
            vec![report("pain", Severe, Worsening)],
            &["injected"][..],
        ),
        (
            "injected_with_eye_signs",
            vec![plain("vision_change")],
            &["injected"][..],
        ),
        (
            "itch_with_growing_swelling",
            vec![
                report("itching", Mild, Worsening),
                report("swelling", Mild, Worsening),
            ],
            &[][..],
        ),
    ] {
        let (_, on) = fired(&with_risks(2.0, symptoms.clone(), risks));
        assert!(on.contains(&combo.to_string()), "{combo} on day 2: {on:?}");
        let (_, after) = fired(&with_risks(2.001, symptoms, risks));
        assert!(
            !after.contains(&combo.to_string()),
            "{combo} after day 2: {after:?}"
        );
    }
}

#[test]
fn after_0_includes_the_treatment_day_itself() {
    // A portal that sends 0 for "the treatment day" must not turn these into home care.
    for (id, severity, trend, expected) in [
        ("pain", Severe, Worsening, SeeToday),
        ("burning", Severe, Worsening, SeeToday),
        ("bruising", Severe, Worsening, SeeToday),
        ("itching", Severe, Worsening, SeeToday),
        ("pinpoint_bleeding", Mild, Worsening, SeeToday),
        ("headache", Mild, Worsening, SeeToday),
        ("headache", Severe, Worsening, GoToEdNow),
        ("blood_draw_bruise", Severe, Stable, SeeWithin3Days),
        ("hair_shedding", Severe, Stable, SeeWithin3Days),
    ] {
        let (d, _) = fired(&case_on(0.0, vec![report(id, severity, trend)]));
        assert_eq!(d, expected, "{id} {severity:?} {trend:?} on day 0");
    }
    // A start is strict even at 0: there since the treatment is not a late start.
    let (d, _) = fired(&case_on(0.0, vec![report("headache", Mild, Stable)]));
    assert_eq!(d, HomeCare);
}

#[test]
fn something_else_severe_and_worsening_is_the_emergency_department_in_the_first_day() {
    let other = |day: f64| {
        let mut s = report("other", Severe, Worsening);
        s.description = Some("my cheek feels strange".into());
        assess(&case_on(day, vec![s]), rules())
    };
    for (day, expected) in [
        (0.0, GoToEdNow),
        (0.9, GoToEdNow),
        (1.0, GoToEdNow),
        (1.1, SeeToday),
    ] {
        assert_eq!(other(day).disposition, expected, "day {day}");
    }
    // Its reason quotes the words once, and no photo review is offered for it.
    let a = other(1.1);
    let all: String = a
        .findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.reason.clone()).chain(f.also.iter().map(|h| h.reason.clone()))
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(all.matches("my cheek feels strange").count(), 1, "{all}");
    let mut mild = report("other", Mild, Stable);
    mild.description = Some("a small lump".into());
    let a = assess(&case_on(3.0, vec![mild]), rules());
    assert_eq!(a.disposition, SeeWithin3Days);
    assert!(!a.action.contains("photo"), "{}", a.action);
    // A window past its days still offers it.
    let a = assess(
        &case_on(5.0, vec![report("redness", Mild, Stable)]),
        rules(),
    );
    assert_eq!(a.disposition, SeeWithin3Days);
    assert!(a.action.contains("A photo review can do."), "{}", a.action);
}

#[test]
fn a_blocked_blood_vessel_asks_to_phone_the_clinic_that_treated_you_on_the_way() {
    let a = assess(&case_on(0.2, vec![plain("dusky_skin")]), rules());
    assert_eq!(a.disposition, GoToEdNow);
    assert!(
        a.action.contains("phone the clinic that treated you"),
        "{}",
        a.action
    );
}

#[test]
fn started_on_day_is_a_whole_day_from_0_to_today() {
    for (day, started, ok) in [
        (2.5, "2", true),
        (2.0, "2", true),
        (0.3, "0", true),
        (2.5, "3", false),
        (2.0, "2.5", false),
        (2.0, "-1", false),
    ] {
        let (v, code, stderr) = check_json(&format!(
            r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "redness", "started_on_day": {started}}}]}}"#
        ));
        if ok {
            assert_eq!(code, 0, "{day} {started}: {stderr}");
        } else {
            assert_eq!(code, 3, "{day} {started}: {stderr}");
            assert_eq!(v["error"]["field"], "symptoms[0].started_on_day", "{v}");
        }
    }
}

#[test]
fn days_come_from_whole_seconds_with_at_most_six_decimals() {
    // A date alone, assessed on a date: 4 days, never 3.999999988425926.
    let (v, code, _) =
        check_json(r#"{"treated_at": "2026-11-18", "assessed_at": "2026-11-21", "symptoms": []}"#);
    assert_eq!(code, 0);
    assert_eq!(v["days_since_treatment"], 4.0);
    // An instant 18.5 hours on.
    let (v, _, _) = check_json(
        r#"{"treated_at": "2026-11-18T00:00:00Z", "assessed_at": "2026-11-18T18:30:00.5Z", "symptoms": []}"#,
    );
    let days = v["days_since_treatment"].as_f64().unwrap();
    let text = v["days_since_treatment"].to_string();
    assert!(
        text.split('.').nth(1).is_none_or(|d| d.len() <= 6),
        "{text}"
    );
    // 18 hours, 30 minutes and half a second: counted as the whole second after it.
    assert!((days - 66_601.0 / 86_400.0).abs() < 1e-6, "{days}");
}

#[test]
fn an_emergency_result_carries_no_aftercare_and_says_what_to_tell_the_operator() {
    let (v, _, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}, {"id": "redness"}]}"#,
    );
    assert_eq!(v["disposition"], "call_emergency_now");
    assert_eq!(v["advice"], serde_json::json!([]));
    assert_eq!(v["expect_next"], serde_json::json!([]));
    let tell = v["tell_operator"].as_str().unwrap();
    assert!(
        tell.starts_with(
            "I had a micro-needling treatment 2 days ago and now have trouble breathing"
        ),
        "{tell}"
    );
    let (v, _, _) = check_json(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "red_streaks"}, {"id": "redness"}]}"#,
    );
    assert_eq!(v["disposition"], "go_to_ed_now");
    assert_eq!(v["advice"], serde_json::json!([]));
    assert_eq!(v["expect_next"], serde_json::json!([]));
    assert!(v.get("tell_operator").is_none(), "{v}");
    // The short safety net stays: what to do if it gets worse on the way.
    assert!(!v["call_back"].as_array().unwrap().is_empty());
    // A result below an emergency keeps its aftercare.
    let (v, _, _) = check_json(r#"{"days_since_treatment": 2, "symptoms": [{"id": "redness"}]}"#);
    assert!(!v["advice"].as_array().unwrap().is_empty());
}

/// No fractional day anywhere a person reads: reasons, the text report, the safety net.
#[test]
fn a_person_never_reads_a_fractional_day() {
    let fractional = |text: &str| -> Option<String> {
        // (The rule set's version, "1.2.0", is no day.)
        for w in text.split_whitespace().filter(|w| !w.starts_with("1.2.0")) {
            let w = w.trim_matches(|c: char| !c.is_ascii_digit());
            if w.contains('.') && w.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return Some(w.to_string());
            }
        }
        None
    };
    for day in [0.05, 0.25, 0.5, 0.75, 1.5, 1.99, 2.5, 3.4, 6.75, 90.5] {
        for (id, severity, trend) in [
            ("redness", Severe, Worsening),
            ("pain", Severe, Worsening),
            ("swelling", Mild, Stable),
            ("pinpoint_bleeding", Mild, Stable),
            ("burning", Severe, Improving),
            ("peeling", Mild, Improving),
        ] {
            let input = format!(
                r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "{id}", "severity": "{}", "trend": "{}", "started_day": {day}}}]}}"#,
                severity.code(),
                trend.code()
            );
            let r = check("text", input.clone());
            assert_eq!(fractional(&r.stdout), None, "{input}:\n{}", r.stdout);
        }
    }
}

#[test]
fn a_see_today_report_shows_its_safety_net_before_any_aftercare() {
    let r = check(
        "text",
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "pus"}, {"id": "redness"}]}"#,
    );
    let net = r.stdout.find("When to call back or get help").unwrap();
    let care = r.stdout.find("Aftercare today").unwrap();
    assert!(net < care, "{}", r.stdout);
}

#[test]
fn the_normal_courses_of_the_second_review_are_home_care() {
    // Tightness and itch during normal peeling; a headache; the bruise where blood was
    // taken; hair shedding after a scalp treatment.
    for (day, symptoms) in [
        (
            5.0,
            vec![
                report("peeling", Moderate, Stable),
                report("tightness", Mild, Stable),
                report("itching", Mild, Stable),
            ],
        ),
        (1.0, vec![report("headache", Mild, Stable)]),
        (4.0, vec![report("blood_draw_bruise", Moderate, Improving)]),
        (40.0, vec![report("hair_shedding", Moderate, Stable)]),
    ] {
        let (d, r) = fired(&case_on(day, symptoms.clone()));
        assert_eq!(d, HomeCare, "{symptoms:?}: {r:?}");
    }
    // And the under-triaged call: severe, growing itch with growing redness on day 2.
    let (d, _) = fired(&case_on(
        2.0,
        vec![
            report("itching", Severe, Worsening),
            report("redness", Moderate, Worsening),
        ],
    ));
    assert_eq!(d, SeeToday);
}

#[test]
fn the_nurse_is_reminded_of_prp_equipment_and_of_late_lumps() {
    let notes = |case: &Case| -> Vec<String> {
        rules()
            .nurse_notes_for(case)
            .iter()
            .map(|n| n.id.clone())
            .collect()
    };
    let lumps = |day: f64| case_on(day, vec![plain("firm_bumps")]);
    assert_eq!(notes(&lumps(14.0)), ["late_lumps"]);
    assert_eq!(notes(&lumps(30.0)), ["late_lumps"]);
    assert!(notes(&lumps(13.9)).is_empty());
    assert!(notes(&case_on(20.0, vec![plain("redness")])).is_empty());
    assert_eq!(
        notes(&with_risks(1.0, vec![plain("redness")], &["prp"])),
        ["prp_equipment"]
    );
    let text = &rules().nurse_notes[1].text;
    assert!(text.contains("atypical mycobacteria"), "{text}");
}

/// The person's own words about a listed symptom are recorded and shown wherever a clinician
/// reads the result (they never change it).
#[test]
fn the_persons_own_words_reach_every_form_of_the_result() {
    let input = r#"{"days_since_treatment": 2, "symptoms": [{"id": "swelling", "description": "and now my throat is closing up"}]}"#;
    let (v, _, _) = check_json(input);
    assert_eq!(v["disposition"], "home_care", "the words are never read");
    assert_eq!(
        v["findings"][0]["description"],
        "and now my throat is closing up"
    );
    let text = check("text", input);
    let flat = text.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("In their words: \"and now my throat is closing up\""),
        "{}",
        text.stdout
    );
    let compact = check("compact", input);
    assert!(
        compact
            .stdout
            .contains(r#""description":"and now my throat is closing up""#),
        "{}",
        compact.stdout
    );
}
