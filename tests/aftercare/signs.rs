//! Warning signs, combinations, repeat contact, late presentation and duplicate reports, with
//! expectations from the clinical reference (sections 3 to 5).

use aftercare_core::{assess, Case, Disposition, ReportedSymptom, Severity, Trend};

use crate::clinical_table::WARNING_SIGNS;
use crate::support::*;

fn on(day: f64, ids: &[&str]) -> Case {
    case_on(
        day,
        ids.iter().map(|id| ReportedSymptom::new(*id)).collect(),
    )
}

#[test]
fn every_warning_sign_alone_gives_at_least_its_disposition_on_any_day() {
    for &(id, disposition) in WARNING_SIGNS {
        for day in [0.0, 3.0, 200.0] {
            let a = assess(&on(day, &[id]), rules());
            assert!(a.disposition >= disposition, "{id} on day {day}");
            // The sign is what decides, with its own rule id.
            let f = &a.findings[0];
            assert_eq!(f.symptom.as_deref(), Some(id));
            assert_eq!(f.rule, id, "{id} on day {day}");
            assert_eq!(f.disposition, disposition, "{id} on day {day}");
            assert!(
                f.reason.contains("warning sign"),
                "{id}: the reason says it is a warning sign: {}",
                f.reason
            );
        }
    }
}

#[test]
fn a_warning_sign_wins_over_an_expected_reaction_in_its_window() {
    for &(id, disposition) in WARNING_SIGNS {
        let a = assess(&on(1.0, &["redness", "swelling", id]), rules());
        assert_eq!(a.disposition, disposition, "{id} with day-1 redness");
        let redness = a
            .findings
            .iter()
            .find(|f| f.symptom.as_deref() == Some("redness"))
            .unwrap();
        assert_eq!(redness.disposition, Disposition::HomeCare);
    }
}

#[test]
fn fever_with_purple_spots_is_an_emergency_and_neither_alone_is() {
    let both = assess(&on(2.0, &["fever", "purple_spots"]), rules());
    assert_eq!(both.disposition, Disposition::CallEmergencyNow);
    let combo = both
        .findings
        .iter()
        .find(|f| f.rule == "fever_with_purple_spots")
        .expect("the combination fired");
    assert_eq!(combo.disposition, Disposition::CallEmergencyNow);
    assert_eq!(combo.symptom.as_deref(), Some("fever+purple_spots"));
    assert!(combo.reason.contains("sepsis"), "{}", combo.reason);

    for alone in [
        &["fever"][..],
        &["purple_spots"][..],
        &["fever", "bruising_elsewhere"][..],
    ] {
        let a = assess(&on(2.0, alone), rules());
        assert_eq!(a.disposition, Disposition::SeeToday, "{alone:?}");
        assert!(!fired_rules(&a).contains(&"fever_with_purple_spots".to_string()));
    }
}

#[test]
fn fever_with_any_spreading_sign_means_the_emergency_department() {
    for spreading in [
        "spreading_redness",
        "red_streaks",
        "rapidly_spreading_swelling",
    ] {
        for day in [0.5, 4.0, 120.0] {
            let a = assess(&on(day, &["fever", spreading]), rules());
            assert_eq!(a.disposition, Disposition::GoToEdNow, "fever + {spreading}");
            let combo = a
                .findings
                .iter()
                .find(|f| f.rule == "fever_with_spreading_infection")
                .unwrap_or_else(|| panic!("fever + {spreading}: {:#?}", a.findings));
            assert_eq!(
                combo.symptom.as_deref(),
                Some(&*format!("fever+{spreading}"))
            );
            assert_eq!(combo.disposition, Disposition::GoToEdNow);
        }
        // Protocol 1.1: chills counts as fever does.
        let a = assess(&on(4.0, &[spreading, "chills"]), rules());
        assert!(fired_rules(&a).contains(&"fever_with_spreading_infection".to_string()));
        assert_eq!(a.disposition, Disposition::GoToEdNow);
        // Without fever or chills, the spreading sign counts alone and the combination is
        // silent.
        let a = assess(&on(4.0, &[spreading, "pus"]), rules());
        assert!(!fired_rules(&a).contains(&"fever_with_spreading_infection".to_string()));
    }
    // Fever with something that is not a spreading sign.
    let a = assess(&on(4.0, &["fever", "pus", "redness"]), rules());
    assert_eq!(a.disposition, Disposition::SeeToday);
    assert!(!fired_rules(&a)
        .iter()
        .any(|r| r == "fever_with_spreading_infection"));
    // Spreading redness alone is see today, not the emergency department.
    let a = assess(&on(4.0, &["spreading_redness"]), rules());
    assert_eq!(a.disposition, Disposition::SeeToday);
}

#[test]
fn both_combinations_fire_together() {
    let a = assess(
        &on(
            3.0,
            &["purple_spots", "red_streaks", "fever", "spreading_redness"],
        ),
        rules(),
    );
    assert_eq!(a.disposition, Disposition::CallEmergencyNow);
    let fired = fired_rules(&a);
    assert!(fired.contains(&"fever_with_purple_spots".to_string()));
    assert!(fired.contains(&"fever_with_spreading_infection".to_string()));
    let spreading = a
        .findings
        .iter()
        .find(|f| f.rule == "fever_with_spreading_infection")
        .unwrap();
    // Every spreading sign present is named, in the rule's order.
    assert_eq!(
        spreading.symptom.as_deref(),
        Some("fever+spreading_redness+red_streaks")
    );
}

#[test]
fn repeat_contact_is_at_least_see_today() {
    for (ids, day, expected) in [
        (&[][..], 1.0, Disposition::SeeToday),
        (&["redness"][..], 1.0, Disposition::SeeToday),
        (&["milia"][..], 20.0, Disposition::SeeToday),
        (&["pus"][..], 2.0, Disposition::SeeToday),
        (&["eye_pain"][..], 2.0, Disposition::GoToEdNow),
        (&["fainting"][..], 0.0, Disposition::CallEmergencyNow),
    ] {
        let mut case = on(day, ids);
        let without = assess(&case, rules()).disposition;
        case.repeat_contact = true;
        let a = assess(&case, rules());
        assert_eq!(a.disposition, expected, "{ids:?} on day {day}");
        assert!(a.disposition >= without);
        let f = a
            .findings
            .iter()
            .find(|f| f.rule == "repeat_contact")
            .expect("a repeat-contact finding");
        assert_eq!(f.disposition, Disposition::SeeToday);
        assert_eq!(f.symptom, None);
    }
}

#[test]
fn after_day_90_every_symptom_is_at_least_a_routine_review_and_a_late_change() {
    let all: Vec<&str> = rules().symptom_ids().collect();
    for id in &all {
        for trend in Trend::ALL {
            let case = case_on(90.5, vec![symptom(id, Severity::Mild, trend, 0.0)]);
            let a = assess(&case, rules());
            assert!(
                a.disposition >= Disposition::SeeWithin2Weeks,
                "{id} {trend:?} on day 90.5"
            );
            let f = &a.findings[0];
            let late = std::iter::once((f.rule.as_str(), f.reason.as_str()))
                .chain(f.also.iter().map(|h| (h.rule.as_str(), h.reason.as_str())))
                .find(|(rule, _)| *rule == "after_day_90")
                .unwrap_or_else(|| panic!("{id}: after_day_90 fired: {f:#?}"));
            assert!(
                // Protocol 1.1: a late change a clinician should look at, never dismissed.
                late.1
                    .contains("a late change that a clinician should look at")
                    && !late.1.contains("unlikely to come from the treatment"),
                "{id}: {}",
                late.1
            );
        }
    }
}

#[test]
fn day_90_itself_is_not_late() {
    // "after" is strict: on day 90 the late-presentation rule does not fire yet.
    let a = assess(&on(90.0, &["milia", "fever"]), rules());
    assert!(!fired_rules(&a).contains(&"after_day_90".to_string()));
    let a = assess(&on(90.01, &["milia", "fever"]), rules());
    let fired = fired_rules(&a);
    assert_eq!(
        fired.iter().filter(|r| *r == "after_day_90").count(),
        2,
        "once per symptom: {fired:?}"
    );
}

#[test]
fn a_symptom_reported_twice_counts_by_its_worse_report() {
    let mild = symptom("redness", Severity::Mild, Trend::Improving, 0.0);
    let worse = symptom("redness", Severity::Moderate, Trend::Worsening, 0.0);
    for symptoms in [vec![mild.clone(), worse.clone()], vec![worse, mild]] {
        let a = assess(&case_on(5.0, symptoms), rules());
        assert_eq!(a.disposition, Disposition::SeeToday);
        assert_eq!(a.findings.len(), 1, "one finding per symptom id");
        assert_eq!(a.findings[0].rule, "redness.worse_after");
    }
    // A sign reported twice is one finding.
    let a = assess(&on(1.0, &["fever", "fever"]), rules());
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.disposition, Disposition::SeeToday);
}

#[test]
fn no_symptoms_is_home_care_with_no_findings() {
    for day in [0.0, 3.0, 200.0] {
        let a = assess(&on(day, &[]), rules());
        assert_eq!(a.disposition, Disposition::HomeCare);
        assert!(a.findings.is_empty());
        assert!(!a.call_back.is_empty(), "home care still has a safety net");
    }
}

#[test]
fn an_emergency_gives_one_short_instruction_without_a_safety_net_list() {
    let a = assess(&on(0.2, &["difficulty_breathing", "redness"]), rules());
    assert_eq!(a.disposition, Disposition::CallEmergencyNow);
    assert!(a
        .action
        .contains("Call emergency services (911, 999 or 112) now"));
    assert!(a.call_back.is_empty());
}
