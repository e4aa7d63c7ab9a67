//! The words of the web check-in, one file per language (`en.toml`): the templates hold
//! no sentence of their own, so a second language is a second file of the same shape. The
//! file is read into typed fields, so a template naming a word the file lacks does not
//! compile, and a file lacking a word the templates need does not load (a test loads it).

use std::sync::OnceLock;

use serde::Deserialize;

/// Every word of the pages, in one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub lang: String,
    pub service: String,
    pub skip_link: String,
    pub back: String,
    #[serde(rename = "continue")]
    pub continue_: String,
    pub error_title: String,
    pub error_prefix: String,
    #[serde(rename = "or")]
    pub or_: String,
    pub none_of_these: String,
    pub emergency_footer: String,
    pub help_footer: String,
    pub not_a_diagnosis: String,
    pub start: Start,
    pub emergency: Emergency,
    pub urgent: Urgent,
    pub when: When,
    pub same_day: SameDay,
    pub symptoms: Symptoms,
    pub other: Other,
    pub details: Details,
    pub about_you: AboutYou,
    pub repeat: Repeat,
    pub answers: Answers,
    pub result: Result,
    pub send: Send,
    pub problems: Problems,
    pub login: Login,
    pub inbox: Inbox,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    pub title: String,
    pub lead: String,
    pub not_diagnosis: String,
    pub emergency: String,
    pub time: String,
    pub start: String,
    pub resume: String,
    pub expired: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Emergency {
    pub title: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urgent {
    pub title: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub title: String,
    pub date_label: String,
    pub date_hint: String,
    pub time_label: String,
    pub time_hint: String,
    pub confirm: String,
    pub confirm_needed: String,
    pub date_missing: String,
    pub date_invalid: String,
    pub time_invalid: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SameDay {
    pub title: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptoms {
    pub title: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Other {
    pub title: String,
    pub label: String,
    pub hint: String,
    pub missing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    pub severity: String,
    pub mild: String,
    pub moderate: String,
    pub severe: String,
    pub trend_day: String,
    pub trend_day0: String,
    pub improving: String,
    pub stable: String,
    pub worsening: String,
    pub unsure: String,
    pub started: String,
    pub started_hint: String,
    pub since_treatment: String,
    pub later_treatment_day: String,
    pub day_today: String,
    pub day_yesterday: String,
    pub day: String,
    pub started_unsure: String,
    pub severity_missing: String,
    pub trend_missing: String,
    pub started_missing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AboutYou {
    pub title: String,
    pub hint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub title: String,
    pub yes: String,
    pub no: String,
    pub missing: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub title: String,
    pub lead: String,
    pub change: String,
    pub danger: String,
    pub treatment: String,
    pub treatment_time_unknown: String,
    pub same_day: String,
    pub symptoms: String,
    pub about_you: String,
    pub repeat: String,
    pub none: String,
    pub yes: String,
    pub no: String,
    pub submit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Result {
    pub title: String,
    pub urgency_prefix: String,
    pub why: String,
    pub found: String,
    pub aftercare: String,
    pub expect: String,
    pub safety_net: String,
    pub sooner: String,
    pub day0: String,
    pub day: String,
    pub call: String,
    pub tell_title: String,
    pub more_title: String,
    pub more_hint: String,
    pub more_submit: String,
    pub checked_with: String,
    pub start_again: String,
    pub contact: String,
    pub out_of_hours: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    pub title: String,
    pub title_after: String,
    pub lead: String,
    pub not_emergency: String,
    pub name: String,
    pub phone: String,
    pub phone_hint: String,
    pub consent: String,
    pub submit: String,
    pub name_missing: String,
    pub name_invalid: String,
    pub phone_missing: String,
    pub phone_invalid: String,
    pub sent_title: String,
    pub sent: String,
    pub sent_no_consent: String,
    pub sent_reminder: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problems {
    pub none_with_others: String,
    pub nothing_ticked: String,
    pub unknown_choice: String,
    pub unknown_field: String,
    pub too_long: String,
    pub control: String,
    pub cross_site: String,
    /// A form's body over the limit (a page of its own: the form is not drawn again).
    pub too_large: String,
    pub expired_title: String,
    pub not_found: String,
    pub store: String,
    /// In place of a result the answers could not give (a fault of the tool, never of the
    /// answers): never "home care", and the way to help.
    pub no_result: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub title: String,
    pub name: String,
    pub password: String,
    pub submit: String,
    pub wrong: String,
    pub missing: String,
    pub slowed: String,
    pub signed_in_as: String,
    pub sign_out: String,
    pub signed_out: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbox {
    pub title: String,
    pub lead: String,
    pub not_emergency: String,
    pub empty: String,
    pub waiting: String,
    pub sent_ago: String,
    pub claimed_by: String,
    pub unclaimed: String,
    pub done: String,
    pub open: String,
    pub refresh: String,
    pub minutes_ago: String,
    pub hours_ago: String,
    pub days_ago: String,
    pub just_now: String,
    pub back: String,
    pub answers: String,
    pub findings: String,
    pub own_words: String,
    pub callback: String,
    pub name: String,
    pub phone: String,
    pub consent: String,
    pub consent_yes: String,
    pub consent_no: String,
    pub rules: String,
    pub sent: String,
    pub claim: String,
    pub claimed_by_you: String,
    pub claimed_elsewhere: String,
    pub claim_refused: String,
    pub outcome_title: String,
    pub outcome_change: String,
    pub reached: String,
    pub reached_yes: String,
    pub reached_no: String,
    pub disposition_after: String,
    pub note: String,
    pub note_hint: String,
    pub save_outcome: String,
    pub outcome_saved: String,
    pub outcome_not_yours: String,
    pub reached_missing: String,
    pub disposition_missing: String,
    pub nurse_protocol: String,
    pub export: String,
    pub not_found: String,
}

const ENGLISH: &str = include_str!("en.toml");

/// The English words, read once. The file is part of the binary and loaded by a test, so
/// failing here is a build defect, not an input error.
pub fn english() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        toml::from_str(ENGLISH).expect("src/web/en.toml is checked by the test suite")
    })
}

/// A sentence with its `{name}` places filled, each once, in one pass (a value that itself
/// holds `{...}` is not read again).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_words_load() {
        let w: Words = toml::from_str(ENGLISH).expect("en.toml loads");
        assert_eq!(w.lang, "en");
        assert!(!w.start.title.is_empty());
    }

    #[test]
    fn fill_puts_each_value_in_once() {
        assert_eq!(fill("Day {day}: today", &[("day", "3")]), "Day 3: today");
        assert_eq!(fill("{a} {b}", &[("a", "{b}"), ("b", "x")]), "{b} x");
        assert_eq!(fill("{missing}", &[]), "{missing}");
        assert_eq!(fill("open { end", &[]), "open { end");
    }
}
