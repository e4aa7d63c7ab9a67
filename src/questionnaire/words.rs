//! The words the questions and the results use for the rule set's signs, symptoms and risk
//! factors, and the line said when the questionnaire is cancelled.

use super::answers::{Mode, SymptomAnswer};
use crate::output::text::capitalise;
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

/// A symptom's label, or a risk factor's (a combination names both), from the rule set.
pub fn label(rules: &RuleSet, id: &str) -> String {
    match rules.symptom_text(id) {
        Some(t) => t.label.to_string(),
        None => rules
            .risk_factors
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_string(), |r| r.label.clone()),
    }
}

/// A sign in the fullest plain words: its description, which lists what to look for.
pub fn sign_words(rules: &RuleSet, id: &str) -> String {
    match rules.symptom_text(id) {
        Some(t) if !t.description.is_empty() => capitalise(t.description),
        Some(t) => t.label.to_string(),
        None => id.to_string(),
    }
}

/// A checklist line: the label with its short description, unless the description only
/// repeats the label, or the screen is too narrow for both.
pub fn symptom_words(rules: &RuleSet, id: &str, width: usize) -> String {
    let Some(t) = rules.symptom_text(id) else {
        return id.to_string();
    };
    // A label that explains itself ("Milia (tiny white bumps)") needs nothing more.
    if width < 60 || t.description.is_empty() || t.label.contains('(') {
        return t.label.to_string();
    }
    let desc = t.description.to_lowercase();
    let first = t.label.to_lowercase();
    let first = first.split([' ', '(']).next().unwrap_or("");
    if desc.starts_with(first) {
        capitalise(t.description)
    } else {
        format!("{}: {}", t.label, t.description)
    }
}

/// One line per symptom: "Redness: moderate, about the same, since day 0".
pub fn symptom_line(rules: &RuleSet, s: &SymptomAnswer) -> String {
    let name = match &s.description {
        Some(d) => format!("{} (\"{d}\")", label(rules, &s.id)),
        None => label(rules, &s.id),
    };
    format!(
        "{name}: {}, {}, {}",
        s.severity.code(),
        s.trend.words(Mode::Patient),
        s.started.words(Mode::Patient)
    )
}

/// The line said when the questionnaire is cancelled: the emergency signs of the rule set,
/// by their labels, and what to do ("If you have trouble breathing, swelling of the lips,
/// tongue or throat, ... or signs of a stroke, call emergency services now.").
pub fn cancel_safety_net(rules: &RuleSet) -> String {
    let d = Disposition::CallEmergencyNow;
    let signs: Vec<String> = rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition == d)
        .map(|w| w.label.to_lowercase())
        .collect();
    let what = rules.disposition_text(d).label.to_lowercase();
    match signs.as_slice() {
        [] => format!("If you are in danger, {what}."),
        [one] => format!("If you have {one}, {what}."),
        [rest @ .., last] => format!("If you have {}, or {last}, {what}.", rest.join(", ")),
    }
}
