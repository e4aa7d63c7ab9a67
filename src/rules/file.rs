//! The rule file as a clinic writes it (TOML), before validation.
//!
//! Every table denies unknown fields: a misspelt `worse_afer` must fail loudly rather than
//! silently drop a threshold and under-triage. Dispositions are read as plain strings and
//! checked by the validator, so that its error can name the rule and the field.

use serde::Deserialize;

use crate::input::CaseInput;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rule_set: RuleSetHeader,
    #[serde(default)]
    pub source: Vec<SourceEntry>,
    #[serde(default)]
    pub disposition: Vec<DispositionEntry>,
    #[serde(default)]
    pub expected_reaction: Vec<ReactionEntry>,
    #[serde(default)]
    pub warning_sign: Vec<WarningSignEntry>,
    #[serde(default)]
    pub combination: Vec<CombinationEntry>,
    pub repeat_contact: Option<SituationEntry>,
    pub late_presentation: Option<LatePresentationEntry>,
    #[serde(default)]
    pub advice: Vec<AdviceEntry>,
    #[serde(default)]
    pub example: Vec<ExampleEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetHeader {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub title: String,
}

/// Where rules come from: a clinic sheet (S000–S004), a published source, or "proposed".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub id: String,
    /// `clinic_sheet`, `published` or `proposed`.
    pub kind: String,
    pub title: String,
}

/// The words the person sees for each of the six dispositions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositionEntry {
    pub code: String,
    /// Short heading, e.g. "See today".
    pub label: String,
    /// What to do and how soon, in plain words.
    pub action: String,
    /// Safety-net advice: when to call back or escalate. Empty for an emergency.
    #[serde(default)]
    pub call_back: String,
}

/// A day threshold with the disposition it gives once passed ("after" is strict).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdEntry {
    pub day: f64,
    pub disposition: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactionEntry {
    pub id: String,
    pub label: String,
    pub description: String,
    pub normal_until: f64,
    pub ok_if_improving_until: f64,
    pub past_window: String,
    pub worse_after: Option<ThresholdEntry>,
    pub severe_after: Option<ThresholdEntry>,
    pub starts_after: Option<ThresholdEntry>,
    /// What normally happens next, in plain words (optional; derived from the window if absent).
    #[serde(default)]
    pub course: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSignEntry {
    pub id: String,
    pub label: String,
    pub description: String,
    pub disposition: String,
    pub likely_cause: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// Fires when every symptom of `all_of` is present and, if `any_of` is not empty, at least
/// one of `any_of`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CombinationEntry {
    pub id: String,
    pub all_of: Vec<String>,
    #[serde(default)]
    pub any_of: Vec<String>,
    pub disposition: String,
    pub reason: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SituationEntry {
    pub id: String,
    pub disposition: String,
    pub reason: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatePresentationEntry {
    pub id: String,
    pub after_day: f64,
    pub disposition: String,
    pub reason: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceEntry {
    pub id: String,
    /// What the advice is about, so a person can ask for one topic ("makeup", "exercise").
    pub topic: String,
    #[serde(default)]
    pub from_day: f64,
    /// Last day (inclusive) the advice applies; absent means every day.
    pub until_day: Option<f64>,
    pub text: String,
    /// What applies once it stops ("Mineral makeup is fine from then on").
    pub then: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleEntry {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub case: CaseInput,
    pub expect: String,
    /// Rule ids that must fire (as a finding's rule, or among its other rules).
    #[serde(default)]
    pub expect_rules: Vec<String>,
}
