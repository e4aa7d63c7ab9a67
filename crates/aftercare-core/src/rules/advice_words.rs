//! Aftercare advice in words, day by day: the short answer to "can I …?" for a topic, what
//! applies once a topic's advice has ended, what changes soon, and the safety net that ends
//! every advice page. Here, below the evaluation and the output formats, so that the
//! `advice` page, a result's "what to expect next" and its text report say the same.

use std::cmp::Ordering;

use super::{Advice, AdviceKind, Clinic, MemberRef, RuleSet, SymptomRef};
use crate::day_words::Clock;
use crate::model::{Disposition, Severity, Trend};

/// "Sauna and pools" for `sauna_and_pools`.
pub fn topic_words(topic: &str) -> String {
    topic.replace('_', " ")
}

/// A text inside a sentence: "yes, light exercise is fine"; an abbreviation ("SPF") kept.
pub fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(s)) if !s.is_uppercase() => {
            // The rest copied whole, not a character at a time: the day's coming changes
            // are put in sentences on every result.
            let mut out = String::with_capacity(text.len());
            out.extend(f.to_lowercase());
            out.push_str(c.as_str());
            out
        }
        _ => text.to_string(),
    }
}

/// The items of one topic, in file order.
fn items_of<'a>(rules: &'a RuleSet, topic: &'a str) -> impl Iterator<Item = &'a Advice> + 'a {
    rules.advice.iter().filter(move |a| a.topic == topic)
}

/// The item of a topic that ended last by `day`, when none of the topic's items runs: what
/// it left in its place holds now.
fn last_ended<'a>(rules: &'a RuleSet, topic: &'a str, day: f64) -> Option<&'a Advice> {
    if items_of(rules, topic).any(|a| a.applies_on(day)) {
        return None;
    }
    items_of(rules, topic)
        .filter(|a| a.ended_by(day))
        .max_by(|a, b| {
            a.until_day
                .partial_cmp(&b.until_day)
                .unwrap_or(Ordering::Equal)
        })
}

/// What an ended item leaves in place: its `then`, or, once the topic has nothing later,
/// the topic as usual.
fn after(rules: &RuleSet, a: &Advice) -> Option<String> {
    if let Some(then) = &a.then {
        return Some(then.clone());
    }
    let until = a.until_day?;
    let later = items_of(rules, &a.topic).any(|b| b.from_day >= until && b.id != a.id);
    (!later).then(|| format!("{} as usual.", capitalise(&topic_words(&a.topic))))
}

/// "Since day 7: exercise as usual." for a topic whose advice has ended.
pub fn since(rules: &RuleSet, topic: &str, day: f64, clock: Clock) -> Option<String> {
    let a = last_ended(rules, topic, day)?;
    let now = after(rules, a)?;
    Some(format!(
        "Since {}: {}",
        clock.words(a.until_day?),
        lower_first(&now)
    ))
}

/// The short answer for one topic on `day`. A "don't" that runs is "not yet, until …" (or
/// "no" when it never ends); a "do" that runs is "yes", never "not yet"; once a topic's
/// advice has ended, "yes" with what applies from then on, or "yes, as usual".
pub fn answer(rules: &RuleSet, topic: &str, day: f64, clock: Clock) -> String {
    let name = capitalise(&topic_words(topic));
    let running: Vec<&Advice> = items_of(rules, topic)
        .filter(|a| a.applies_on(day))
        .collect();
    let donts = || running.iter().filter(|a| a.kind == AdviceKind::Dont);
    // A "don't" for good outweighs one that ends; of those that end, the last to end.
    if let Some(a) = donts().find(|a| a.until_day.is_none()) {
        return format!("{name}: no. {}", a.text);
    }
    if let Some(a) = donts().max_by(|a, b| {
        a.until_day
            .partial_cmp(&b.until_day)
            .unwrap_or(Ordering::Equal)
    }) {
        let until = a.until_day.unwrap_or_default();
        return format!("{name}: not yet, until {}. {}", clock.words(until), a.text);
    }
    let dos: Vec<&str> = running
        .iter()
        .filter(|a| a.kind == AdviceKind::Do)
        .map(|a| a.text.as_str())
        .collect();
    if !dos.is_empty() {
        return format!("{name}: yes, {}", lower_first(&dos.join(" ")));
    }
    let next = items_of(rules, topic)
        .filter(|a| a.from_day > day)
        .min_by(|a, b| {
            a.from_day
                .partial_cmp(&b.from_day)
                .unwrap_or(Ordering::Equal)
        });
    // The plain final state: "yes, as usual", not "yes, exercise as usual".
    let now = last_ended(rules, topic, day).and_then(|a| match &a.then {
        None => after(rules, a).map(|_| "as usual.".to_string()),
        Some(_) => after(rules, a),
    });
    match (now, next) {
        // Before a "do" starts, when it starts; never "not yet".
        (None, Some(n)) if n.kind == AdviceKind::Do => {
            format!("{name}: from {}. {}", clock.words(n.from_day), n.text)
        }
        (None, Some(n)) => format!(
            "{name}: yes, until {}. Then: {}",
            clock.words(n.from_day),
            lower_first(&n.text)
        ),
        (Some(now), Some(n)) => format!(
            "{name}: yes, {} From {}: {}",
            lower_first(&now),
            clock.words(n.from_day),
            lower_first(&n.text)
        ),
        (Some(now), None) => format!("{name}: yes, {}", lower_first(&now)),
        (None, None) => format!("{name}: yes, as usual."),
    }
}

/// What stops or starts within the coming week, soonest first: "From day 3: light exercise
/// is fine; …", "From Sat 21 Nov, 14:30: mineral makeup is fine, …".
pub fn coming_up(
    rules: &RuleSet,
    day: f64,
    clock: Clock,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let soon = |m: f64| m > day && m <= day + LOOK_AHEAD_DAYS;
    let mut changes: Vec<(f64, String)> = Vec::new();
    for a in rules.advice.iter().filter(|a| wanted(&a.topic)) {
        if soon(a.from_day) {
            changes.push((a.from_day, a.text.clone()));
        }
        if let Some(until) = a.until_day.filter(|&u| soon(u) && a.from_day <= day) {
            if let Some(next) = after(rules, a) {
                changes.push((until, next));
            }
        }
    }
    changes.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    changes
        .into_iter()
        .map(|(m, what)| format!("From {}: {}", clock.words(m), lower_first(&what)))
        .collect()
}

/// How far ahead "Coming up" looks.
const LOOK_AHEAD_DAYS: f64 = 7.0;

/// The short safety net: which signs mean "call emergency services", "go to an emergency
/// department" and "contact the clinic today", in the rule set's own words for them, and
/// how to reach the clinic. Built from the rule set (its warning signs, its combinations
/// in words, its cluster and `other`), so that a clinic's own signs are the ones listed.
pub fn safety_net(rules: &RuleSet) -> Vec<String> {
    let clinic = &rules.clinic;
    let mut out = Vec::new();
    for (d, lead) in [
        (
            Disposition::CallEmergencyNow,
            format!("Call {} now if you have", clinic.emergency_words()),
        ),
        (
            Disposition::GoToEdNow,
            "Go to an emergency department now, with someone else driving, if you have".into(),
        ),
        (
            Disposition::SeeToday,
            "Contact the clinic today if you have".into(),
        ),
    ] {
        let signs = signs_in_words(rules, d);
        if !signs.is_empty() {
            out.push(format!("{lead}: {}.", signs.join("; ")));
        }
    }
    out.push(reach_the_clinic(&rules.clinic));
    out
}

/// "To reach the clinic, call Riverside Skin Clinic on 020 7946 0000 (out of hours, the
/// on-call service on 020 7946 0999)", or where the rule file gives no number, where to
/// find it.
pub fn reach_the_clinic(clinic: &Clinic) -> String {
    let out_of_hours = clinic
        .out_of_hours_phone
        .as_ref()
        .map(|_| format!(" (out of hours, {})", clinic.out_of_hours_words()))
        .unwrap_or_default();
    match (&clinic.name, &clinic.phone) {
        (_, Some(_)) => format!("To reach the clinic, call {}{out_of_hours}.", clinic.clinic_words()),
        (Some(name), None) => format!(
            "To reach {name}, use the clinic's number on your aftercare sheet or booking confirmation{out_of_hours}."
        ),
        (None, None) => format!(
            "To reach the clinic, use the clinic's number on your aftercare sheet or booking confirmation{out_of_hours}."
        ),
    }
}

/// What gives disposition `d` on its own, in a person's words: the warning signs, then the
/// combinations ("fever or chills with purple spots that do not fade when pressed"), the
/// cluster and `other`. An alternative of a combination that already gives `d` alone is left
/// out of it, and a combination with nothing left is said by its signs already.
fn signs_in_words(rules: &RuleSet, d: Disposition) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |words: String| {
        if !out.contains(&words) {
            out.push(words);
        }
    };
    for w in rules.warning_signs.iter().filter(|w| w.disposition == d) {
        add(lower_first(&w.label));
    }
    'combination: for c in rules.combinations.iter().filter(|c| c.disposition == d) {
        let mut members = Vec::new();
        for m in &c.members {
            let qualified = m.qualified();
            let words: Vec<String> = m
                .refs
                .iter()
                .filter(|&&r| {
                    qualified
                        || !matches!(r, MemberRef::Symptom(SymptomRef::WarningSign(i))
                            if rules.warning_signs[i].disposition >= d)
                })
                .map(|&r| member_words(rules, r))
                .collect();
            if words.is_empty() {
                continue 'combination;
            }
            let mut words = or_list(&words);
            if m.worsening {
                words.push_str(" getting worse");
            }
            if m.severe_or_worsening {
                words.push_str(" that is severe or getting worse");
            }
            if m.outside_window {
                words.push_str(" beyond the usual days");
            }
            members.push(words);
        }
        let mut words = members.join(" together with ");
        if let Some(until) = c.until_day {
            words.push_str(&format!(" ({})", crate::day_words::in_the_first(until)));
        }
        add(words);
    }
    for c in rules.clusters.iter().filter(|c| c.disposition == d) {
        let severity = match c.severity {
            Severity::Severe => "severe",
            Severity::Moderate => "moderate or severe",
            Severity::Mild => "noticeable",
        };
        let trend = match c.trend {
            Trend::Worsening => " and getting worse",
            Trend::Stable => " and not improving",
            Trend::Improving => "",
        };
        add(format!(
            "{} or more reactions at once that are each {severity}{trend}",
            c.count
        ));
    }
    if let Some(o) = rules.other.as_ref() {
        if o.severe_and_worsening_early
            .is_some_and(|e| e.disposition == d)
        {
            add("anything else that is severe and keeps getting worse in the first day".into());
        }
        if o.severe_or_worsening == d {
            add("anything else that is severe or getting worse".into());
        }
        if o.disposition == d {
            add("anything else that worries you".into());
        }
    }
    out
}

/// A symptom or risk factor by its label, inside a sentence.
fn member_words(rules: &RuleSet, r: MemberRef) -> String {
    let label = match r {
        MemberRef::Symptom(SymptomRef::Reaction(i)) => rules.reactions[i].label.as_str(),
        MemberRef::Symptom(SymptomRef::WarningSign(i)) => rules.warning_signs[i].label.as_str(),
        MemberRef::Symptom(SymptomRef::Other) => rules
            .other
            .as_ref()
            .map_or("something else", |o| o.label.as_str()),
        MemberRef::RiskFactor(i) => rules.risk_factors[i].label.as_str(),
    };
    lower_first(label)
}

/// "a, b or c".
fn or_list(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// "Sauna and pools" at the start of a sentence.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::built_in_for_tests;

    /// A text in a sentence: its first letter lowered, an abbreviation kept, the rest as it
    /// was, whatever its characters.
    #[test]
    fn lower_first_lowers_the_first_letter_only() {
        assert_eq!(
            lower_first("Light exercise is fine"),
            "light exercise is fine"
        );
        assert_eq!(lower_first("SPF 30 or more"), "SPF 30 or more");
        assert_eq!(lower_first("Éclat Serum, été"), "éclat Serum, été");
        assert_eq!(lower_first("A"), "A");
        assert_eq!(lower_first(""), "");
    }

    /// Every topic on every hour of the first 40 days: a "do" that runs is never "not yet",
    /// a "don't" that runs and ends is always "not yet, until", and nothing said after an
    /// item's end is its running text.
    #[test]
    fn short_answers_follow_the_kind_on_every_hour() {
        let rules = built_in_for_tests();
        let topics: Vec<&str> = {
            let mut t: Vec<&str> = rules.advice.iter().map(|a| a.topic.as_str()).collect();
            t.dedup();
            t
        };
        for hour in 0..(40 * 24) {
            let day = f64::from(hour) / 24.0;
            for &topic in &topics {
                let said = answer(rules, topic, day, Clock::Days);
                let running: Vec<&Advice> = rules
                    .advice
                    .iter()
                    .filter(|a| a.topic == topic && a.applies_on(day))
                    .collect();
                let dont = running.iter().find(|a| a.kind == AdviceKind::Dont);
                match dont {
                    Some(a) if a.until_day.is_some() => {
                        assert!(said.contains(": not yet, until "), "{day}: {said}")
                    }
                    Some(_) => assert!(said.contains(": no. "), "{day}: {said}"),
                    None => assert!(!said.contains("not yet"), "{day}: {said}"),
                }
                for ended in rules
                    .advice
                    .iter()
                    .filter(|a| a.topic == topic && a.ended_by(day))
                {
                    assert!(!said.contains(&ended.text), "{day}: {said}");
                }
            }
        }
    }

    #[test]
    fn the_safety_net_comes_from_the_rule_set() {
        let rules = built_in_for_tests();
        let net = safety_net(rules);
        assert_eq!(net.len(), 4, "{net:#?}");
        for w in &rules.warning_signs {
            let line = match w.disposition {
                Disposition::CallEmergencyNow => &net[0],
                Disposition::GoToEdNow => &net[1],
                Disposition::SeeToday => &net[2],
                _ => continue,
            };
            assert!(line.contains(&lower_first(&w.label)), "{} in {line}", w.id);
        }
        // A combination is said with the alternatives that do not already say it alone: an
        // unqualified alternative that gives the combination's level alone is left out.
        for c in &rules.combinations {
            let line = match c.disposition {
                Disposition::CallEmergencyNow => &net[0],
                Disposition::GoToEdNow => &net[1],
                Disposition::SeeToday => &net[2],
                _ => continue,
            };
            for m in c
                .members
                .iter()
                .filter(|m| !m.worsening && !m.outside_window)
            {
                for &r in &m.refs {
                    if let MemberRef::Symptom(SymptomRef::WarningSign(i)) = r {
                        let w = &rules.warning_signs[i];
                        if w.disposition >= c.disposition {
                            let alone = format!("together with {}", lower_first(&w.label));
                            assert!(!line.contains(&alone), "{}: {line}", c.id);
                        }
                    }
                }
            }
        }
        assert!(
            net.iter().any(|l| l.contains(" together with ")),
            "{net:#?}"
        );
        for c in &rules.clusters {
            let words = format!("{} or more reactions at once that are each", c.count);
            assert!(net.iter().any(|l| l.contains(&words)), "{net:#?}");
        }
        assert!(net[3].contains("aftercare sheet or booking confirmation"));
        // With the clinic's numbers.
        let mut with_clinic = rules.clone();
        with_clinic.clinic = Clinic {
            name: None,
            phone: Some("020 7946 0000".into()),
            out_of_hours_phone: None,
            emergency_number: Some("112".into()),
        };
        let net = safety_net(&with_clinic);
        assert!(net[0].starts_with("Call emergency services on 112 now if you have: "));
        assert_eq!(
            net[3],
            "To reach the clinic, call the clinic on 020 7946 0000."
        );
    }
}
