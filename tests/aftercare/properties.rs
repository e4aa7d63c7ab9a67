//! The property suite: the safety invariants of the triage, over the real built-in rule set
//! and generated cases (whole cases here; one change at a time to one report below):
//! any known symptoms, severities, trends, start days up to the day, and days from 0 to 120
//! with the exact threshold days (and their neighbours) well represented.

use std::collections::HashSet;

use aftercare_core::{assess, Case, Disposition, ReportedSymptom, Severity, Trend};
use proptest::prelude::*;
use proptest::sample::select;

use crate::support::*;

/// Every day a rule of the built-in set turns on, with its neighbours.
fn threshold_days() -> Vec<f64> {
    let r = rules();
    let mut days = vec![0.0, r.late_presentation.after_day];
    for x in &r.reactions {
        days.push(x.normal_until);
        days.push(x.ok_if_improving_until);
        for t in [
            &x.worse_after,
            &x.severe_after,
            &x.severe_and_worse_after,
            &x.starts_after,
        ]
        .into_iter()
        .flat_map(|s| s.steps())
        {
            days.push(t.day);
        }
    }
    let mut out = Vec::new();
    for d in days {
        for near in [d - 0.01, d, d + 0.01] {
            if (0.0..=120.0).contains(&near) && !out.contains(&near) {
                out.push(near);
            }
        }
    }
    out
}

fn risk_factor_ids() -> Vec<String> {
    rules().risk_factors.iter().map(|f| f.id.clone()).collect()
}

fn symptom_ids() -> Vec<String> {
    rules().symptom_ids().map(str::to_string).collect()
}

fn day() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => select(threshold_days()),
        1 => (0u32..=120).prop_map(f64::from),
        2 => 0.0..=120.0f64,
    ]
}

fn severity() -> impl Strategy<Value = Severity> {
    select(Severity::ALL.to_vec())
}

fn trend() -> impl Strategy<Value = Trend> {
    select(Trend::ALL.to_vec())
}

/// The start day of a symptom on `day`: 0, the day itself, a threshold day before it, or
/// any day up to it.
fn started(day: f64) -> impl Strategy<Value = f64> {
    let thresholds: Vec<f64> = threshold_days().into_iter().filter(|d| *d <= day).collect();
    prop_oneof![
        Just(0.0),
        Just(day),
        select(thresholds),
        (0.0..=1.0f64).prop_map(move |f| f * day),
    ]
}

/// A symptom on `day` with one of `ids`.
fn reported_from(ids: Vec<String>, day: f64) -> impl Strategy<Value = ReportedSymptom> {
    (select(ids), severity(), trend(), started(day)).prop_map(
        |(id, severity, trend, started_day)| ReportedSymptom {
            id,
            severity,
            trend,
            started_day,
            description: None,
        },
    )
}

/// Any known symptom on `day`.
fn reported(day: f64) -> impl Strategy<Value = ReportedSymptom> {
    reported_from(symptom_ids(), day)
}

/// A case. Its symptoms are drawn from a few ids per case, so that duplicates and
/// combinations come up often rather than once in a thousand cases.
pub(crate) fn case() -> impl Strategy<Value = Case> {
    (day(), prop::collection::vec(select(symptom_ids()), 1..5)).prop_flat_map(|(day, pool)| {
        (
            prop::collection::vec(reported_from(pool, day), 0..8),
            any::<bool>(),
        )
            .prop_map(move |(symptoms, repeat_contact)| Case {
                repeat_contact,
                ..Case::on_day(day, symptoms)
            })
            .prop_flat_map(|case| {
                (
                    Just(case),
                    prop::collection::vec(select(risk_factor_ids()), 0..3),
                )
            })
            .prop_map(|(mut case, risks)| {
                case.risk_factors = risks;
                case
            })
    })
}

fn disposition(case: &Case) -> Disposition {
    assess(case, rules()).disposition
}

proptest! {
    #[test]
    fn any_warning_sign_gives_at_least_its_disposition(case in case()) {
        let got = disposition(&case);
        for s in &case.symptoms {
            if let Some(w) = rules().warning_sign(&s.id) {
                prop_assert!(got >= w.disposition, "{} needs at least {}, got {got}", s.id, w.disposition);
            }
        }
        if case.repeat_contact {
            prop_assert!(got >= Disposition::SeeToday);
        }
        if case.days_since_treatment > 90.0 && !case.symptoms.is_empty() {
            prop_assert!(got >= Disposition::SeeWithin2Weeks);
        }
    }

    #[test]
    fn adding_a_symptom_never_lowers_the_disposition(
        (case, extra, at) in case().prop_flat_map(|c| {
            let day = c.days_since_treatment;
            let len = c.symptoms.len();
            let mut own: Vec<String> = c.symptoms.iter().map(|s| s.id.clone()).collect();
            if own.is_empty() {
                own = symptom_ids();
            }
            let extra = prop_oneof![reported(day), reported_from(own, day)];
            (Just(c), extra, 0..=len)
        })
    ) {
        let before = disposition(&case);
        let mut more = case.clone();
        more.symptoms.insert(at, extra.clone());
        let after = disposition(&more);
        prop_assert!(after >= before, "adding {extra:?} lowered {before} to {after}");
    }

    #[test]
    fn a_worse_severity_or_trend_never_lowers_the_disposition(case in case()) {
        let before = disposition(&case);
        for (i, original) in case.symptoms.iter().enumerate() {
            for severity in Severity::ALL.into_iter().filter(|s| *s > original.severity) {
                let mut worse = case.clone();
                worse.symptoms[i].severity = severity;
                let after = disposition(&worse);
                prop_assert!(after >= before, "{} {:?} -> {severity:?} lowered {before} to {after}", original.id, original.severity);
            }
            for trend in Trend::ALL.into_iter().filter(|t| *t > original.trend) {
                let mut worse = case.clone();
                worse.symptoms[i].trend = trend;
                let after = disposition(&worse);
                prop_assert!(after >= before, "{} {:?} -> {trend:?} lowered {before} to {after}", original.id, original.trend);
            }
        }
    }

    #[test]
    fn the_same_case_gives_the_same_assessment(case in case()) {
        prop_assert_eq!(assess(&case, rules()), assess(&case, rules()));
    }

    #[test]
    fn the_result_is_the_most_urgent_finding_and_every_rule_is_real(case in case()) {
        let a = assess(&case, rules());
        let most_urgent = a.findings.iter().map(|f| f.disposition).max().unwrap_or(Disposition::HomeCare);
        prop_assert_eq!(a.disposition, most_urgent);
        let known: HashSet<String> = rules().rules().into_iter().map(|r| r.id.code()).collect();
        for f in &a.findings {
            prop_assert!(known.contains(&f.rule), "unknown rule {}", f.rule);
            prop_assert!(!f.reason.trim().is_empty());
            for h in &f.also {
                prop_assert!(known.contains(&h.rule), "unknown rule {}", h.rule);
                // The deciding rule is the most urgent of the finding's rules.
                prop_assert!(h.disposition <= f.disposition);
            }
        }
        // Every result below an emergency ends with a safety net; an emergency is one
        // short instruction.
        prop_assert_eq!(a.call_back.is_empty(), a.disposition == Disposition::CallEmergencyNow);
        // The action is the disposition's own, with at most the photo-review note and what a
        // present sign adds after it.
        prop_assert!(a.action.starts_with(&rules().disposition_text(a.disposition).action));
        // An emergency carries no aftercare and no "what to expect" (protocol 1.2).
        if a.disposition >= Disposition::GoToEdNow {
            prop_assert!(a.advice.is_empty() && a.expect_next.is_empty());
        }
        prop_assert_eq!(a.tell_operator.is_some(), a.disposition == Disposition::CallEmergencyNow);
        // One finding per symptom id, whatever the duplicates.
        let ids: HashSet<&str> = case.symptoms.iter().map(|s| s.id.as_str()).collect();
        let per_symptom = a.findings.iter().filter(|f| {
            f.kind != aftercare_core::model::FindingKind::Combination
                && f.kind != aftercare_core::model::FindingKind::Cluster
                && f.kind != aftercare_core::model::FindingKind::RepeatContact
        });
        prop_assert_eq!(per_symptom.count(), ids.len());
    }

    #[test]
    fn an_added_risk_factor_never_lowers_the_disposition(
        case in case(),
        risk in select(risk_factor_ids()),
    ) {
        let before = disposition(&case);
        let mut more = case.clone();
        more.risk_factors.push(risk.clone());
        let after = disposition(&more);
        prop_assert!(after >= before, "adding {risk} lowered {before} to {after}");
    }

    #[test]
    fn an_added_something_else_never_lowers_the_disposition_nor_gives_home_care(
        case in case(),
        severity in severity(),
        trend in trend(),
    ) {
        let before = disposition(&case);
        let mut more = case.clone();
        more.symptoms.push(ReportedSymptom {
            description: Some("something the lists do not name".into()),
            ..symptom("other", severity, trend, 0.0)
        });
        let after = disposition(&more);
        prop_assert!(after >= before, "adding other lowered {before} to {after}");
        prop_assert!(after >= Disposition::SeeWithin3Days);
    }

    #[test]
    fn a_later_start_never_lowers_the_disposition(case in case(), f in 0.0..=1.0f64) {
        // started_on_day d reads as min(d + 1, day), later than d: never milder.
        let before = disposition(&case);
        for i in 0..case.symptoms.len() {
            let mut later = case.clone();
            let s = &mut later.symptoms[i];
            s.started_day += (case.days_since_treatment - s.started_day) * f;
            let after = disposition(&later);
            prop_assert!(after >= before, "a later start of {} lowered {before} to {after}", case.symptoms[i].id);
        }
    }

    #[test]
    fn chills_counts_wherever_fever_does(case in case()) {
        let with_fever = Case {
            symptoms: case.symptoms.iter().cloned().chain([ReportedSymptom::new("fever")]).collect(),
            ..case.clone()
        };
        let as_chills = Case {
            symptoms: with_fever
                .symptoms
                .iter()
                .map(|s| if s.id == "fever" { ReportedSymptom { id: "chills".into(), ..s.clone() } } else { s.clone() })
                .collect(),
            ..case.clone()
        };
        prop_assert_eq!(disposition(&with_fever), disposition(&as_chills));
    }
}

/// Safety invariants of the triage, as property tests over the real (built-in) rule set:
/// more of anything worrying never gives a milder answer.
///
/// Day: every rule of an expected reaction is a step up in time (the window gives home care,
/// then "improving" home care or past_window, then past_window; thresholds fire "after" a
/// day and stay), so for a fixed report the answer never drops as days pass. This holds on
/// every day, not only past each window, and is tested so.
mod one_change_at_a_time {
    use aftercare_core::input::CaseInput;
    use aftercare_core::model::{Case, Disposition, ReportedSymptom, Severity, Trend};
    use aftercare_core::triage;
    use chrono::DateTime;
    use proptest::prelude::*;

    use crate::support::rules;

    fn answer(case: &Case) -> Disposition {
        triage(case, rules()).disposition
    }

    fn case(day: f64, symptoms: Vec<ReportedSymptom>, repeat_contact: bool) -> Case {
        Case {
            repeat_contact,
            ..Case::on_day(day, symptoms)
        }
    }

    /// Every day where a rule of the set changes, and just after it; days in between.
    fn day() -> impl Strategy<Value = f64> {
        let r = rules();
        let mut edges: Vec<f64> = vec![0.0, r.late_presentation.after_day];
        for x in &r.reactions {
            edges.extend([x.normal_until, x.ok_if_improving_until]);
            for t in [&x.worse_after, &x.severe_after, &x.starts_after]
                .into_iter()
                .flat_map(|s| s.steps())
            {
                edges.push(t.day);
            }
        }
        let near: Vec<f64> = edges.iter().flat_map(|&d| [d, d + 1e-6, d + 0.5]).collect();
        prop_oneof![proptest::sample::select(near), 0.0..120.0f64]
    }

    fn reaction_id() -> impl Strategy<Value = String> {
        let ids: Vec<String> = rules().reactions.iter().map(|r| r.id.clone()).collect();
        proptest::sample::select(ids)
    }

    fn any_id() -> impl Strategy<Value = String> {
        let ids: Vec<String> = rules().symptom_ids().map(str::to_string).collect();
        proptest::sample::select(ids)
    }

    fn severity() -> impl Strategy<Value = Severity> {
        proptest::sample::select(Severity::ALL.to_vec())
    }

    fn trend() -> impl Strategy<Value = Trend> {
        proptest::sample::select(Trend::ALL.to_vec())
    }

    /// A symptom reported on `day`, started on a day from 0 to `day`.
    fn symptom_on(
        id: impl Strategy<Value = String>,
        day: f64,
    ) -> impl Strategy<Value = ReportedSymptom> {
        (id, severity(), trend(), 0.0..=1.0f64).prop_map(move |(id, severity, trend, f)| {
            ReportedSymptom {
                id,
                severity,
                trend,
                started_day: (day * f).min(day),
                description: None,
            }
        })
    }

    /// A case on some day with up to six symptoms of any kind.
    fn any_case() -> impl Strategy<Value = Case> {
        (day(), any::<bool>()).prop_flat_map(|(d, repeat)| {
            proptest::collection::vec(symptom_on(any_id(), d), 0..6)
                .prop_map(move |symptoms| case(d, symptoms, repeat))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn later_never_milder(
            (s, d1, d2) in (day(), day()).prop_flat_map(|(a, b)| {
                let (d1, d2) = if a <= b { (a, b) } else { (b, a) };
                (symptom_on(reaction_id(), d1), Just(d1), Just(d2))
            })
        ) {
            // The same report (severity, trend, start) on a later day.
            let earlier = answer(&case(d1, vec![s.clone()], false));
            let later = answer(&case(d2, vec![s.clone()], false));
            prop_assert!(later >= earlier, "{s:?}: day {d1} {earlier}, day {d2} {later}");
        }

        #[test]
        fn more_severe_never_milder(d in day(), id in any_id(), t in trend(), f in 0.0..=1.0f64) {
            let at = |severity| answer(&case(d, vec![ReportedSymptom { id: id.clone(), severity, trend: t, started_day: d * f, description: None }], false));
            prop_assert!(at(Severity::Mild) <= at(Severity::Moderate));
            prop_assert!(at(Severity::Moderate) <= at(Severity::Severe));
        }

        #[test]
        fn a_worse_trend_never_milder(d in day(), id in any_id(), s in severity(), f in 0.0..=1.0f64) {
            let at = |trend| answer(&case(d, vec![ReportedSymptom { id: id.clone(), severity: s, trend, started_day: d * f, description: None }], false));
            prop_assert!(at(Trend::Improving) <= at(Trend::Stable));
            prop_assert!(at(Trend::Stable) <= at(Trend::Worsening));
        }

        #[test]
        fn a_later_start_never_milder(d in day(), id in reaction_id(), s in severity(), t in trend(), a in 0.0..=1.0f64, b in 0.0..=1.0f64) {
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            let at = |f: f64| answer(&case(d, vec![ReportedSymptom { id: id.clone(), severity: s, trend: t, started_day: d * f, description: None }], false));
            prop_assert!(at(early) <= at(late));
        }

        #[test]
        fn an_added_symptom_or_sign_never_milder((c, extra) in any_case().prop_flat_map(|c| {
            let d = c.days_since_treatment;
            // Half the time a second report of a symptom already there: the worse one counts.
            let present: Vec<String> = c.symptoms.iter().map(|s| s.id.clone()).collect();
            let id = if present.is_empty() {
                any_id().boxed()
            } else {
                prop_oneof![any_id(), proptest::sample::select(present)].boxed()
            };
            (Just(c), symptom_on(id, d))
        })) {
            let before = answer(&c);
            // Added first and added last: the worse report counts wherever it comes.
            for at in [0, c.symptoms.len()] {
                let mut more = c.clone();
                more.symptoms.insert(at, extra.clone());
                prop_assert!(answer(&more) >= before, "adding {extra:?} at {at} to {c:?}");
            }
        }

        #[test]
        fn a_repeat_contact_never_milder_and_at_least_its_rule(mut c in any_case()) {
            c.repeat_contact = false;
            let first = answer(&c);
            c.repeat_contact = true;
            let again = answer(&c);
            prop_assert!(again >= first);
            prop_assert!(again >= rules().repeat_contact.disposition);
            prop_assert!(again >= Disposition::SeeToday);
        }

        #[test]
        fn a_warning_sign_always_counts_in_full(c in any_case()) {
            let got = answer(&c);
            for s in &c.symptoms {
                if let Some(w) = rules().warning_sign(&s.id) {
                    prop_assert!(got >= w.disposition, "{} gives {} but the case got {got}", s.id, w.disposition);
                }
            }
        }

        #[test]
        fn the_order_of_symptoms_does_not_matter(c in any_case(), seed in any::<u64>()) {
            let mut shuffled = c.clone();
            let n = shuffled.symptoms.len();
            if n > 1 {
                shuffled.symptoms.rotate_left((seed as usize) % n);
                shuffled.symptoms.swap(0, (seed as usize / 7) % n);
            }
            prop_assert_eq!(answer(&shuffled), answer(&c));
        }

        #[test]
        fn an_unknown_trend_or_severity_is_never_milder_than_a_reassuring_one(d in 0.0..100.0f64, id in any_id()) {
            // Through the JSON door: a missing trend is "stable", a missing severity "moderate".
            let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap();
            let run = |extra: &str| {
                let text = format!(r#"{{"days_since_treatment":{d},"symptoms":[{{"id":"{id}"{extra}}}]}}"#);
                let input: CaseInput = serde_json::from_str(&text).unwrap();
                answer(&input.resolve(rules(), now).unwrap())
            };
            prop_assert!(run("") >= run(r#","trend":"improving""#));
            prop_assert!(run("") >= run(r#","severity":"mild""#));
            prop_assert!(run("") >= run(r#","severity":"mild","trend":"improving""#));
        }
    }
}
