//! The reports a worried person reads, as snapshots (tests/aftercare/snapshots/): a change of
//! wording or layout shows up in review as a diff of the whole report.

use crate::support::*;

/// The text report of one case, checked to be a success without colour codes.
fn text_report(case: &str) -> String {
    let r = check("text", case);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(!r.stdout.contains('\u{1b}'), "plain text without colour");
    r.stdout
}

#[test]
fn home_care_on_day_1() {
    let report = text_report(
        r#"{"id": "home-day-1", "days_since_treatment": 1, "symptoms": [{"id": "redness", "trend": "improving"}, {"id": "swelling", "severity": "mild"}]}"#,
    );
    assert!(report.starts_with("Case home-day-1\nHOME CARE\n"));
    insta::assert_snapshot!("text_home_care_day_1", report);
}

#[test]
fn see_within_3_days_for_redness_that_is_not_fading() {
    let report = text_report(
        r#"{"days_since_treatment": 5, "symptoms": [{"id": "redness", "severity": "mild", "trend": "stable"}, {"id": "peeling", "started_day": 2}]}"#,
    );
    assert!(report.starts_with("SEE WITHIN 3 DAYS\n"));
    insta::assert_snapshot!("text_see_within_3_days", report);
}

#[test]
fn see_today_for_a_warning_sign_and_a_repeat_contact() {
    let report = text_report(
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "pus"}, {"id": "redness", "trend": "improving"}], "repeat_contact": true}"#,
    );
    assert!(report.starts_with("SEE TODAY\n"));
    insta::assert_snapshot!("text_see_today_warning_sign_repeat_contact", report);
}

#[test]
fn call_emergency_now_is_one_short_instruction_first() {
    let report = text_report(
        r#"{"days_since_treatment": 0.2, "symptoms": [{"id": "redness"}, {"id": "hives"}, {"id": "throat_swelling"}]}"#,
    );
    assert!(report.starts_with(
        "CALL EMERGENCY SERVICES NOW\nCall emergency services (911, 999 or 112) now. Do not drive yourself.\n"
    ));
    assert!(!report.contains("Aftercare today"), "no long advice");
    assert!(!report.contains("What we found"), "nothing to read first");
    assert!(report.contains("Tell the operator: \"I had a micro-needling treatment 4 hours ago and now have\nswelling of the lips"), "{report}");
    assert!(
        report.ends_with("CALL EMERGENCY SERVICES NOW\nCall emergency services (911, 999 or 112) now. Do not drive yourself.\n"),
        "the instruction is what stays on the screen:\n{report}"
    );
    insta::assert_snapshot!("text_call_emergency_now", report);
}

#[test]
fn every_report_ends_with_its_disposition_and_action() {
    for (case, last) in [
        (
            r#"{"days_since_treatment": 4, "symptoms": [{"id": "redness", "trend": "stable"}]}"#,
            "SEE WITHIN 3 DAYS\nCall the clinic in office hours and arrange a review within the next 3 days. A\nphoto review can do.\n",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": [{"id": "stiff_neck"}]}"#,
            "GO TO AN EMERGENCY DEPARTMENT NOW\nGo to an emergency department now, with someone else driving. Do not drive\nyourself. Take this result with you.\n",
        ),
        (
            r#"{"days_since_treatment": 1, "symptoms": []}"#,
            "HOME CARE\nThis is expected healing for this day. Follow the aftercare advice.\n",
        ),
    ] {
        let report = text_report(case);
        assert!(report.ends_with(last), "{case}:\n{report}");
    }
}

#[test]
fn a_fractional_day_from_treated_at() {
    // --now is 2026-11-21T09:00:00Z: 1 day and 18 hours after the treatment.
    let report = text_report(
        r#"{"treated_at": "2026-11-19T15:00:00Z", "symptoms": [{"id": "swelling", "trend": "improving"}, {"id": "itching", "severity": "mild"}]}"#,
    );
    assert!(report.contains("1 day and 18 hours"), "{report}");
    insta::assert_snapshot!("text_fractional_day_treated_at", report);
}

#[test]
fn advice_on_day_1() {
    let r = run(&["advice", "--day", "1"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("advice_day_1", r.stdout);
}

#[test]
fn advice_at_both_widths() {
    for width in ["80", "40"] {
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args(["--now", NOW, "advice", "--treated", "2026-11-19 14:30"])
            .env("COLUMNS", width)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(0));
        let text = String::from_utf8(r.stdout).unwrap();
        // The time was given: the advice says so by not asking for it.
        assert!(!text.contains("Without the time"), "{text}");
        insta::assert_snapshot!(format!("advice_treated_with_a_time_at_{width}"), text);
    }
}

#[test]
fn a_warning_sign_and_a_late_reaction_in_the_questionnaires_words() {
    // Blisters (a warning sign with several clinical causes) and firm red bumps (a label
    // that is several things) on day 10, not improving: the words of the questionnaire's
    // result, no clinical cause list, no status in brackets, no "bumps is".
    let report = text_report(
        r#"{"days_since_treatment": 10, "symptoms": [{"id": "blisters"}, {"id": "firm_bumps", "trend": "stable", "started_day": 2}]}"#,
    );
    for wrong in [
        "Blisters is",
        "bumps is",
        "possible cause",
        "[normal for now]",
        "[see",
    ] {
        assert!(!report.contains(wrong), "{wrong:?} in:\n{report}");
    }
    insta::assert_snapshot!("text_warning_sign_and_late_reaction", report);
}

#[test]
fn record_show_of_a_patients_record_in_the_questionnaires_words() {
    let file = repo_path("contracts/fhir/records/patient-questionnaire.json");
    let r = run(&["record", "show", file.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("[normal for now]"), "{}", r.stdout);
    insta::assert_snapshot!("record_show_patient_questionnaire", r.stdout);
}
