//! A triage put into words: the reasons, today's aftercare, what to expect next, when to
//! call back and what to tell an emergency operator.

use super::{Hit, Subject, Triage};
use crate::day_words::{after_day, day_number, since_treatment, up_to_day, Clock};
use crate::model::*;
use crate::rules::{Aspect, RuleRef, RuleSet, SymptomRef};

/// Puts a triage into words: reasons, today's aftercare, what to expect, when to call back.
pub fn explain(case: &Case, triage: &Triage, rules: &RuleSet) -> Assessment {
    let day = case.days_since_treatment;
    let findings = triage
        .findings
        .iter()
        .map(|f| Finding {
            kind: match (f.subject, f.hit.rule) {
                (Subject::Combination(_), _) => FindingKind::Combination,
                (Subject::Cluster(_), _) => FindingKind::Cluster,
                (Subject::RepeatContact, _) => FindingKind::RepeatContact,
                (Subject::Symptom(i), _) => match rules.lookup(&case.symptoms[i].id) {
                    Some(SymptomRef::Reaction(_)) => FindingKind::ExpectedReaction,
                    Some(SymptomRef::Other) => FindingKind::Other,
                    _ => FindingKind::WarningSign,
                },
            },
            symptom: subject_name(f.subject, case, rules),
            disposition: f.hit.disposition,
            rule: f.hit.rule.id(rules),
            reason: reason(f.hit, f.subject, case, rules),
            description: match f.subject {
                Subject::Symptom(i) => case.symptoms[i].description.clone(),
                _ => None,
            },
            also: f
                .also
                .iter()
                .map(|h| RuleHit {
                    rule: h.rule.id(rules),
                    disposition: h.disposition,
                    reason: reason_quoting(*h, f.subject, case, rules, false),
                })
                .collect(),
        })
        .collect();
    // An emergency carries no aftercare and no "what to expect": a portal that shows the
    // result as it comes must never put aftercare under an emergency.
    let emergency = triage.disposition >= Disposition::GoToEdNow;
    Assessment {
        format: RESULT_FORMAT,
        id: case.id.clone(),
        assessed_at: case.assessed_at.map(|t| t.to_rfc3339()),
        disposition: triage.disposition,
        action: action(case, triage, rules),
        days_since_treatment: day,
        shortest_days_since_treatment: (case.shortest_days_since_treatment != day)
            .then_some(case.shortest_days_since_treatment),
        findings,
        // The shortest reading of the time: no restriction is lifted early.
        advice: if emergency {
            Vec::new()
        } else {
            advice_for_day(rules, case.shortest_days_since_treatment)
        },
        expect_next: if emergency {
            Vec::new()
        } else {
            expect_next(case, triage, rules)
        },
        call_back: call_back(case, triage, rules),
        tell_operator: (triage.disposition == Disposition::CallEmergencyNow)
            .then(|| tell_operator(case, triage, rules)),
        rule_set: rules.id(),
    }
}

/// The action for the result's disposition, with its photo-review note unless the result
/// rests on something in the person's own words, which a photo may not show.
fn action(case: &Case, triage: &Triage, rules: &RuleSet) -> String {
    let text = rules.disposition_text(triage.disposition);
    let unseen = triage.findings.iter().any(|f| {
        matches!(f.subject, Subject::Symptom(i)
            if rules.lookup(&case.symptoms[i].id) == Some(SymptomRef::Other))
    });
    let mut action = match &text.photo_review {
        Some(note) if !unseen => format!("{} {note}", text.action),
        _ => text.action.clone(),
    };
    // What a present sign adds to the instruction (a filler can be dissolved: phone the
    // clinic that treated you on the way).
    for f in &triage.findings {
        if let (Subject::Symptom(_), RuleRef::WarningSign(i)) = (f.subject, f.hit.rule) {
            if let Some(also) = &rules.warning_signs[i].also_do {
                if !action.contains(also.as_str()) {
                    action.push(' ');
                    action.push_str(also);
                }
            }
        }
    }
    action
}

/// What a finding is about, as results name it: the symptom id, a combination's present
/// symptoms joined by "+", or nothing for a repeat contact.
pub fn subject_name(subject: Subject, case: &Case, rules: &RuleSet) -> Option<String> {
    match subject {
        Subject::Symptom(i) => Some(case.symptoms[i].id.clone()),
        Subject::Combination(c) => {
            let combo = &rules.combinations[c];
            let present = |id: &String| {
                case.symptoms.iter().any(|s| &s.id == id) || case.risk_factors.contains(id)
            };
            let names: Vec<&str> = combo
                .members
                .iter()
                .flat_map(|m| m.any_of.iter().filter(|id| present(id)))
                .map(String::as_str)
                .collect();
            Some(names.join("+"))
        }
        Subject::Cluster(c) => {
            let cluster = &rules.clusters[c];
            let mut names: Vec<&str> = Vec::new();
            for s in &case.symptoms {
                if cluster.among.contains(&s.id)
                    && cluster.counts(s)
                    && !names.contains(&s.id.as_str())
                {
                    names.push(&s.id);
                }
            }
            Some(names.join("+"))
        }
        Subject::RepeatContact => None,
    }
}

/// The plain-words label of a symptom, lower-cased for use inside a sentence.
pub fn in_sentence(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    push_in_sentence(&mut out, label);
    out
}

/// [`in_sentence`], written at the end of `out`.
fn push_in_sentence(out: &mut String, label: &str) {
    // An acronym ("PRP") keeps its capitals; any other first word ("A fit", "Redness") is
    // lowered.
    let first_word = label.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().count() > 1 && first_word.chars().all(|c| !c.is_lowercase());
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if !acronym => {
            // The rest copied whole, not a character at a time: this is asked for every
            // warning sign of a result's call-back lines, on every result.
            out.extend(first.to_lowercase());
            out.push_str(chars.as_str());
        }
        _ => out.push_str(label),
    }
}

/// Whether the case knows the treatment date but not its time of day: the time since
/// treatment is then a span, and words name the day, never hours.
fn date_only(case: &Case) -> bool {
    case.shortest_days_since_treatment != case.days_since_treatment
}

/// A reason a person can read, with the numbers behind it, in words: hours in the first 2
/// days, days after, never a fractional day.
pub fn reason(hit: Hit, subject: Subject, case: &Case, rules: &RuleSet) -> String {
    reason_quoting(hit, subject, case, rules, true)
}

/// As [`reason`]; `quote_words` is false for the other rules of a finding, so that the
/// person's own words (`other`) are quoted once.
fn reason_quoting(
    hit: Hit,
    subject: Subject,
    case: &Case,
    rules: &RuleSet,
    quote_words: bool,
) -> String {
    let day = case.days_since_treatment;
    let when = since_treatment(day, date_only(case));
    let symptom = match subject {
        Subject::Symptom(i) => case.symptoms.get(i),
        _ => None,
    };
    let name = symptom
        .and_then(|s| rules.symptom_text(&s.id))
        .map(|t| in_sentence(t.label))
        .unwrap_or_else(|| "this symptom".into());
    // The step of a column that decided on this day, named by its own day.
    let step_after = |steps: &crate::rules::Steps| {
        after_day(steps.at(day).or(steps.first()).map_or(0.0, |t| t.day))
    };
    match hit.rule {
        RuleRef::Reaction(i, aspect) => {
            let r = &rules.reactions[i];
            let (normal, ok) = (
                up_to_day(r.normal_until),
                up_to_day(r.ok_if_improving_until),
            );
            match aspect {
                Aspect::Window => {
                    format!("{name} {when}: within the usual window ({normal})")
                }
                Aspect::Improving => format!(
                    "{name} {when}: past the usual window ({normal}) but improving, which is expected {ok}"
                ),
                Aspect::NotImproving => format!(
                    "{name} {when}: past the usual window ({normal}) and not improving"
                ),
                Aspect::PastWindow => format!(
                    "{name} {when}: lasting longer than normal healing explains, even when improving (expected {ok})"
                ),
                Aspect::WorseAfter => format!(
                    "{name} getting worse {when} ({}): not part of normal healing",
                    step_after(&r.worse_after)
                ),
                Aspect::SevereAfter => format!(
                    "severe {name} {when} ({}): more than normal healing",
                    step_after(&r.severe_after)
                ),
                Aspect::SevereAndWorseAfter => format!(
                    "severe {name} still getting worse {when} ({}): more than normal healing",
                    step_after(&r.severe_and_worse_after)
                ),
                Aspect::StartsAfter => {
                    let started = symptom.map_or(0.0, |s| s.started_day);
                    let threshold = r
                        .starts_after
                        .started_after(started)
                        .or(r.starts_after.first())
                        .map_or(0.0, |t| t.day);
                    format!(
                        "{name} that started {} ({}): a late or new reaction, not part of normal healing",
                        since_treatment(started, date_only(case)),
                        after_day(threshold)
                    )
                }
            }
        }
        RuleRef::WarningSign(i) => {
            let w = &rules.warning_signs[i];
            format!(
                "{name}: a warning sign, never part of normal healing (possible cause: {})",
                w.likely_cause
            )
        }
        RuleRef::Other { raised } => {
            let words = symptom.and_then(|s| s.description.as_deref()).unwrap_or("");
            let what = if quote_words {
                format!("something not on the list ({words:?})")
            } else {
                "it".to_string()
            };
            if raised {
                format!(
                    "{what} is severe or getting worse, so a clinician should see it today; the tool does not interpret it"
                )
            } else {
                format!(
                    "{what} cannot be judged as normal healing; a clinician should look at it (the tool does not interpret it)"
                )
            }
        }
        RuleRef::OtherEarly => {
            let words = symptom.and_then(|s| s.description.as_deref()).unwrap_or("");
            let what = if quote_words {
                format!("something not on the list ({words:?})")
            } else {
                "it".to_string()
            };
            format!(
                "{what} that is severe and still getting worse {when}, so soon after the procedure, is not safe to leave until the clinic can be reached; the tool does not interpret it"
            )
        }
        RuleRef::Combination(i) => rules.combinations[i].reason.clone(),
        RuleRef::Cluster(i) => rules.clusters[i].reason.clone(),
        RuleRef::RepeatContact => rules.repeat_contact.reason.clone(),
        RuleRef::UnknownSymptom => format!(
            "{:?} is not a symptom this rule set knows, so it cannot be judged as normal",
            symptom.map_or("", |s| s.id.as_str())
        ),
        RuleRef::LatePresentation => format!(
            "{name} {when} ({}): {}",
            after_day(rules.late_presentation.after_day),
            rules.late_presentation.reason
        ),
    }
}

/// "I had a micro-needling treatment 2 days ago and now have trouble breathing." What to
/// tell the emergency operator, in the person's own voice: the warning signs that led to the
/// emergency, by their names.
pub fn tell_operator(case: &Case, triage: &Triage, rules: &RuleSet) -> String {
    let mut named: Vec<String> = Vec::new();
    for f in &triage.findings {
        if f.disposition() < Disposition::GoToEdNow {
            continue;
        }
        let ids: Vec<String> = match f.subject {
            Subject::Symptom(i) => vec![case.symptoms[i].id.clone()],
            Subject::Combination(_) => subject_name(f.subject, case, rules)
                .map(|n| n.split('+').map(str::to_string).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Symptoms and signs by their names; a risk factor is no symptom, and `other` is in
        // the person's own words, which they can say themselves.
        for id in ids {
            let Some(t) = rules.symptom_text(&id) else {
                continue;
            };
            if rules.lookup(&id) == Some(SymptomRef::Other) {
                continue;
            }
            let words = in_sentence(t.label);
            if !named.contains(&words) {
                named.push(words);
            }
        }
    }
    let when = crate::day_words::treatment_ago(case.days_since_treatment, date_only(case));
    let mut tell = format!("I had a micro-needling treatment {when}");
    if !named.is_empty() {
        tell.push_str(&format!(" and now have {}", and_list(&named)));
    }
    tell.push('.');
    tell
}

/// The aftercare that applies on `day`, in rule-file order.
pub fn advice_for_day(rules: &RuleSet, day: f64) -> Vec<AdviceItem> {
    rules
        .advice
        .iter()
        .filter(|a| a.applies_on(day))
        .map(|a| AdviceItem {
            id: a.id.clone(),
            topic: a.topic.clone(),
            kind: a.kind,
            text: a.text.clone(),
            until_day: a.until_day,
            then: a.then.clone(),
        })
        .collect()
}

/// What normally happens in the coming days: the course of each reported reaction that is
/// still within its window, and the aftercare that changes soon.
pub fn expect_next(case: &Case, triage: &Triage, rules: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for f in &triage.findings {
        let (Subject::Symptom(_), RuleRef::Reaction(r, Aspect::Window | Aspect::Improving)) =
            (f.subject, f.hit.rule)
        else {
            continue;
        };
        if f.hit.disposition != Disposition::HomeCare {
            continue;
        }
        out.push(reaction_course(&rules.reactions[r]));
    }
    out.extend(upcoming_advice_changes(
        rules,
        case.shortest_days_since_treatment,
    ));
    out
}

/// The normal course of an expected reaction, from the rule file or from its window.
pub fn reaction_course(r: &crate::rules::ExpectedReaction) -> String {
    match &r.course {
        Some(course) => format!("{}: {}", r.label, course),
        None if r.ok_if_improving_until > r.normal_until => format!(
            "{}: usually settles by day {}; if it keeps improving it can last until day {}.",
            r.label,
            day_number(r.normal_until),
            day_number(r.ok_if_improving_until)
        ),
        None => format!(
            "{}: usually settles by day {}.",
            r.label,
            day_number(r.normal_until)
        ),
    }
}

/// Aftercare that stops or starts within the look-ahead, as the `advice` page says it
/// ("From day 3: light exercise is fine; …", "From 24 hours after the treatment: …").
pub fn upcoming_advice_changes(rules: &RuleSet, day: f64) -> Vec<String> {
    crate::rules::advice_words::coming_up(rules, day, Clock::Days, &|_| true)
}

/// The safety net: what would make the person call back or escalate.
pub fn call_back(case: &Case, triage: &Triage, rules: &RuleSet) -> Vec<String> {
    if triage.disposition == Disposition::CallEmergencyNow {
        // One short instruction, nothing to read.
        return Vec::new();
    }
    let day = case.days_since_treatment;
    let mut out = Vec::new();
    let text = rules.disposition_text(triage.disposition);
    if !text.call_back.trim().is_empty() {
        out.push(text.call_back.clone());
    }
    for f in &triage.findings {
        let (Subject::Symptom(_), RuleRef::Reaction(r, Aspect::Window | Aspect::Improving)) =
            (f.subject, f.hit.rule)
        else {
            continue;
        };
        let r = &rules.reactions[r];
        let label = in_sentence(&r.label);
        let mut when = Vec::new();
        if day <= r.normal_until && r.ok_if_improving_until > r.normal_until {
            when.push(format!("not improving {}", after_day(r.normal_until)));
        }
        when.push(format!(
            "still there {}",
            after_day(r.ok_if_improving_until)
        ));
        // Said without a verb of its own: a label can be one thing or several ("the firm
        // red bumps"), and "is" would be wrong for one of them.
        for (steps, change) in [
            (&r.worse_after, "getting worse"),
            (&r.severe_after, "severe"),
            (&r.severe_and_worse_after, "severe and still getting worse"),
        ] {
            if steps.is_empty() {
                continue;
            }
            // A step that already applies needs no day; otherwise the first one ahead.
            match steps.at(day) {
                Some(_) => when.push(change.to_string()),
                None => {
                    if let Some(t) = steps.first() {
                        when.push(format!("{change} {}", after_day(t.day)));
                    }
                }
            }
        }
        out.push(format!(
            "Call the clinic about the {label} if: {}.",
            join_or(&when)
        ));
    }
    for (d, lead) in [
        (
            Disposition::CallEmergencyNow,
            "Call emergency services at once for",
        ),
        (
            Disposition::GoToEdNow,
            "Go to an emergency department now for",
        ),
    ] {
        if triage.disposition < d {
            // "{lead}: a, b, c.", written into one string (every result has these lines).
            let mut line = String::new();
            for w in rules.warning_signs.iter().filter(|w| w.disposition == d) {
                if line.is_empty() {
                    line.push_str(lead);
                    line.push_str(": ");
                } else {
                    line.push_str(", ");
                }
                push_in_sentence(&mut line, &w.label);
            }
            if !line.is_empty() {
                line.push('.');
                out.push(line);
            }
        }
    }
    out
}

/// "a", "a and b", "a, b and c": the signs an emergency operator hears, as a sentence
/// names them.
pub fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn join_or(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn a_label_in_a_sentence_lowers_its_first_letter_unless_an_acronym() {
        for (label, said) in [
            ("Redness", "redness"),
            ("A fit", "a fit"),
            ("PRP injections", "PRP injections"),
            ("X", "x"),
            ("Élan vital", "élan vital"),
            ("\u{130}stanbul", "i\u{307}stanbul"),
            ("already lower", "already lower"),
            ("", ""),
        ] {
            assert_eq!(in_sentence(label), said, "{label:?}");
        }
    }
}
