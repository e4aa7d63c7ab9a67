//! Safety invariants of the triage, as property tests over the real (built-in) rule set:
//! more of anything worrying never gives a milder answer.
//!
//! Day: every rule of an expected reaction is a step up in time (the window gives home care,
//! then "improving" home care or past_window, then past_window; thresholds fire "after" a
//! day and stay), so for a fixed report the answer never drops as days pass. This holds on
//! every day, not only past each window, and is tested so.

use std::sync::OnceLock;

use aftercare::input::CaseInput;
use aftercare::model::{Case, Disposition, ReportedSymptom, Severity, Trend};
use aftercare::{triage, RuleSet};
use chrono::DateTime;
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

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
        for t in [x.worse_after, x.severe_after, x.starts_after]
            .into_iter()
            .flatten()
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
