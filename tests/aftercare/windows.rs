//! The evaluation at every window edge of the built-in rule set: for each expected reaction
//! and each of its thresholds, the day just before, on and just after it, with the trend,
//! severity or start day that makes the threshold matter and with those that do not.
//!
//! The expectations here follow the rule data; `clinical_table.rs` checks the same edges
//! against numbers typed from the clinical reference, so that a change of data or of
//! arithmetic cannot pass unseen.

use aftercare_core::rules::{ExpectedReaction, Steps, Threshold};
use aftercare_core::{assess, Assessment, Disposition, Severity, Trend};

use crate::support::*;

const EPSILON: f64 = 0.01;

/// The three days around a threshold: just before (when not negative), on, just after.
fn around(threshold: f64) -> Vec<f64> {
    [threshold - EPSILON, threshold, threshold + EPSILON]
        .into_iter()
        .filter(|d| *d >= 0.0)
        .collect()
}

/// The one finding of a single-symptom case.
fn only_finding(a: &Assessment) -> &aftercare_core::model::Finding {
    assert_eq!(a.findings.len(), 1, "{:#?}", a.findings);
    &a.findings[0]
}

fn assess_one(
    r: &ExpectedReaction,
    day: f64,
    severity: Severity,
    trend: Trend,
    started: f64,
) -> Assessment {
    assess(
        &case_on(day, vec![symptom(&r.id, severity, trend, started)]),
        rules(),
    )
}

/// What the window alone says on `day`: "until" is inclusive, and only "improving" earns
/// the stretch between the two days.
fn window_part(r: &ExpectedReaction, day: f64, trend: Trend) -> (Disposition, &'static str) {
    if day <= r.normal_until {
        (Disposition::HomeCare, "window")
    } else if day <= r.ok_if_improving_until && trend == Trend::Improving {
        (Disposition::HomeCare, "improving")
    } else if day <= r.ok_if_improving_until {
        (r.past_window, "not_improving")
    } else {
        (r.past_window, "past_window")
    }
}

/// Asserts the deciding rule and the disposition, with a message naming the case.
fn assert_decided(a: &Assessment, what: &str, rule: &str, disposition: Disposition) {
    let f = only_finding(a);
    assert_eq!(
        (f.rule.as_str(), f.disposition),
        (rule, disposition),
        "{what}: {f:#?}"
    );
    assert_eq!(a.disposition, disposition, "{what}: overall");
}

#[test]
fn until_days_are_inclusive_and_only_improving_extends_the_window() {
    let mut checked = 0;
    for r in &rules().reactions {
        for threshold in [r.normal_until, r.ok_if_improving_until] {
            for day in around(threshold) {
                for trend in [Trend::Improving, Trend::Stable] {
                    // Mild, since day 0, not worsening: only the window can fire.
                    let a = assess_one(r, day, Severity::Mild, trend, 0.0);
                    let (disposition, aspect) = window_part(r, day, trend);
                    let what = format!("{} day {day} {trend:?}", r.id);
                    assert_decided(&a, &what, &format!("{}.{aspect}", r.id), disposition);
                    // (After the late-presentation day that rule fires too.)
                    assert!(
                        only_finding(&a).also.is_empty()
                            || day > rules().late_presentation.after_day,
                        "{what}: nothing else fires"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 19 * 2 * 2 * 3, "every reaction was checked");
}

#[test]
fn on_the_normal_until_day_it_is_home_care_and_just_after_it_is_not_without_improving() {
    for r in &rules().reactions {
        let on = assess_one(r, r.normal_until, Severity::Moderate, Trend::Stable, 0.0);
        assert_decided(
            &on,
            &format!("{} on day {}", r.id, r.normal_until),
            &format!("{}.window", r.id),
            Disposition::HomeCare,
        );
        let after = assess_one(
            r,
            r.normal_until + EPSILON,
            Severity::Moderate,
            Trend::Stable,
            0.0,
        );
        assert_eq!(after.disposition, r.past_window, "{} just after", r.id);
        assert!(after.disposition > Disposition::HomeCare, "{}", r.id);
        let after_improving = assess_one(
            r,
            r.ok_if_improving_until + EPSILON,
            Severity::Moderate,
            Trend::Improving,
            0.0,
        );
        assert_decided(
            &after_improving,
            &format!("{} improving past the window", r.id),
            &format!("{}.past_window", r.id),
            r.past_window,
        );
    }
}

/// The deciding rule among those that fire, in the evaluation's order (window, worse,
/// severe, starts): the most urgent, and on a tie the first.
fn decide(hits: &[(Disposition, String)]) -> (Disposition, String) {
    let mut best = hits[0].clone();
    for h in &hits[1..] {
        if h.0 > best.0 {
            best = h.clone();
        }
    }
    best
}

/// The step of a column that applies on `day`, read from the reference's words rather than
/// from the code under test: "after" is strict but "after 0" is any time, day 0 included,
/// and the most urgent step that applies counts.
fn step_on(steps: &Steps, day: f64) -> Option<Threshold> {
    let mut best: Option<Threshold> = None;
    for t in steps.steps() {
        let applies = day > t.day || t.day == 0.0;
        if applies && best.is_none_or(|b| t.disposition >= b.disposition) {
            best = Some(*t);
        }
    }
    best
}

#[test]
fn worse_after_is_strict_and_needs_a_worsening_trend() {
    let mut checked = 0;
    for r in &rules().reactions {
        for t in r.worse_after.steps() {
            for day in around(t.day) {
                for trend in Trend::ALL {
                    let a = assess_one(r, day, Severity::Mild, trend, 0.0);
                    let (wd, aspect) = window_part(r, day, trend);
                    let mut hits = vec![(wd, format!("{}.{aspect}", r.id))];
                    let step = step_on(&r.worse_after, day).filter(|_| trend == Trend::Worsening);
                    let fires = step.is_some();
                    if let Some(step) = step {
                        hits.push((step.disposition, format!("{}.worse_after", r.id)));
                    }
                    let (disposition, rule) = decide(&hits);
                    let what = format!("{} day {day} {trend:?} (worse after {})", r.id, t.day);
                    assert_decided(&a, &what, &rule, disposition);
                    let worse = format!("{}.worse_after", r.id);
                    assert_eq!(fired_rules(&a).contains(&worse), fires, "{what}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn severe_after_is_strict_and_needs_severe() {
    let mut checked = 0;
    for r in &rules().reactions {
        for t in r.severe_after.steps() {
            for day in around(t.day) {
                for severity in Severity::ALL {
                    // Improving, so that the window part stays home care near the edge.
                    let a = assess_one(r, day, severity, Trend::Improving, 0.0);
                    let (wd, aspect) = window_part(r, day, Trend::Improving);
                    let mut hits = vec![(wd, format!("{}.{aspect}", r.id))];
                    let step =
                        step_on(&r.severe_after, day).filter(|_| severity == Severity::Severe);
                    let fires = step.is_some();
                    if let Some(step) = step {
                        hits.push((step.disposition, format!("{}.severe_after", r.id)));
                    }
                    let (disposition, rule) = decide(&hits);
                    let what = format!("{} day {day} {severity:?} (severe after {})", r.id, t.day);
                    assert_decided(&a, &what, &rule, disposition);
                    let severe = format!("{}.severe_after", r.id);
                    assert_eq!(fired_rules(&a).contains(&severe), fires, "{what}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn starts_after_is_strict_on_the_start_day() {
    let mut checked = 0;
    for r in &rules().reactions {
        for &t in r.starts_after.steps() {
            for started in around(t.day) {
                // Assessed on the day it started, and a day later.
                for day in [started, started + 1.0] {
                    let a = assess_one(r, day, Severity::Mild, Trend::Improving, started);
                    let (wd, aspect) = window_part(r, day, Trend::Improving);
                    let mut hits = vec![(wd, format!("{}.{aspect}", r.id))];
                    let fires = started > t.day;
                    if fires {
                        hits.push((t.disposition, format!("{}.starts_after", r.id)));
                    }
                    let (disposition, rule) = decide(&hits);
                    let what = format!(
                        "{} started day {started}, assessed day {day} (starts after {})",
                        r.id, t.day
                    );
                    assert_decided(&a, &what, &rule, disposition);
                    let starts = format!("{}.starts_after", r.id);
                    assert_eq!(fired_rules(&a).contains(&starts), fires, "{what}");
                    checked += 1;
                }
            }
            // Started on day 0 (the default), it never counts as late, whatever the day.
            let a = assess_one(r, t.day + 1.0, Severity::Mild, Trend::Improving, 0.0);
            assert!(
                !fired_rules(&a).contains(&format!("{}.starts_after", r.id)),
                "{}",
                r.id
            );
        }
    }
    assert!(checked > 0);
}

#[test]
fn a_threshold_that_is_absent_never_fires() {
    for r in &rules().reactions {
        let a = assess_one(r, 60.0, Severity::Severe, Trend::Worsening, 59.0);
        let fired = fired_rules(&a);
        for (aspect, present) in [
            ("worse_after", !r.worse_after.is_empty()),
            ("severe_after", !r.severe_after.is_empty()),
            ("starts_after", !r.starts_after.is_empty()),
        ] {
            assert_eq!(
                fired.contains(&format!("{}.{aspect}", r.id)),
                present,
                "{}.{aspect} on day 60, severe, worsening, started day 59",
                r.id
            );
        }
    }
}

/// Cases as scripts send them, with fields left out: the defaults are moderate, stable and
/// started on day 0, and none of them may make the answer milder.
mod defaults {
    use super::*;
    use aftercare_core::input::parse_json_case;

    fn assess_json(json: &str) -> Assessment {
        let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
        aftercare_core::assess_input(&parse_json_case(json).unwrap(), rules(), now).unwrap()
    }

    #[test]
    fn a_missing_trend_is_stable_and_never_improving() {
        for r in &rules().reactions {
            if r.ok_if_improving_until <= r.normal_until {
                continue;
            }
            let day = r.normal_until + EPSILON;
            let a = assess_json(&format!(
                r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "{}"}}]}}"#,
                r.id
            ));
            assert_decided(
                &a,
                &format!("{} day {day}, no trend", r.id),
                &format!("{}.not_improving", r.id),
                r.past_window,
            );
            let improving = assess_json(&format!(
                r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "{}", "trend": "improving"}}]}}"#,
                r.id
            ));
            assert_eq!(improving.disposition, Disposition::HomeCare, "{}", r.id);
        }
    }

    #[test]
    fn a_missing_severity_is_moderate() {
        for r in &rules().reactions {
            let Some(t) = r.severe_after.first() else {
                continue;
            };
            let day = t.day + EPSILON;
            let given = |severity: &str| {
                assess_json(&format!(
                    r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "{}", "trend": "improving"{severity}}}]}}"#,
                    r.id
                ))
            };
            let missing = given("");
            let moderate = given(r#", "severity": "moderate""#);
            let severe = given(r#", "severity": "severe""#);
            assert_eq!(missing.findings, moderate.findings, "{}", r.id);
            assert!(severe.disposition > missing.disposition, "{}", r.id);
        }
    }

    #[test]
    fn a_missing_start_day_is_day_0() {
        for r in &rules().reactions {
            let Some(t) = r.starts_after.first() else {
                continue;
            };
            let day = t.day + 1.0;
            let given = |started: &str| {
                assess_json(&format!(
                    r#"{{"days_since_treatment": {day}, "symptoms": [{{"id": "{}", "trend": "improving"{started}}}]}}"#,
                    r.id
                ))
            };
            assert_eq!(
                given("").findings,
                given(r#", "started_day": 0"#).findings,
                "{}",
                r.id
            );
        }
    }
}

/// Every reaction, on every threshold day of the set and its neighbours, with every start
/// day among them: a worse severity or trend never lowers the disposition. Exhaustive over
/// one symptom, where the generated cases of `properties.rs` only sample.
#[test]
fn a_worse_severity_or_trend_never_lowers_a_single_symptom() {
    let rules = rules();
    let mut days: Vec<f64> = vec![0.0, 90.0, 90.0 + EPSILON, 120.0];
    for r in &rules.reactions {
        days.push(r.normal_until);
        days.push(r.ok_if_improving_until);
        days.extend(
            [&r.worse_after, &r.severe_after, &r.starts_after]
                .into_iter()
                .flat_map(|s| s.steps())
                .map(|t| t.day),
        );
    }
    let days: Vec<f64> = days.into_iter().flat_map(around).collect();
    let triage = |id: &str, day: f64, severity, trend, started| {
        aftercare_core::triage(
            &case_on(day, vec![symptom(id, severity, trend, started)]),
            rules,
        )
        .disposition
    };
    let mut checked = 0;
    for r in &rules.reactions {
        for &day in &days {
            for started in [0.0, day] {
                for (i, &severity) in Severity::ALL.iter().enumerate() {
                    for (j, &trend) in Trend::ALL.iter().enumerate() {
                        let here = triage(&r.id, day, severity, trend, started);
                        for &worse in &Severity::ALL[i + 1..] {
                            let there = triage(&r.id, day, worse, trend, started);
                            assert!(
                                there >= here,
                                "{} day {day} started {started} {trend:?}: {severity:?} gives {here}, {worse:?} gives {there}",
                                r.id
                            );
                        }
                        for &worse in &Trend::ALL[j + 1..] {
                            let there = triage(&r.id, day, severity, worse, started);
                            assert!(
                                there >= here,
                                "{} day {day} started {started} {severity:?}: {trend:?} gives {here}, {worse:?} gives {there}",
                                r.id
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 1000);
}
