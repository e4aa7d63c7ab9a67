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
    #[serde(default)]
    pub cluster: Vec<ClusterEntry>,
    pub other: Option<OtherEntry>,
    #[serde(default)]
    pub risk_factor: Vec<RiskFactorEntry>,
    pub clinic: Option<ClinicEntry>,
    pub repeat_contact: Option<SituationEntry>,
    pub late_presentation: Option<LatePresentationEntry>,
    #[serde(default)]
    pub advice: Vec<AdviceEntry>,
    #[serde(default)]
    pub nurse_note: Vec<NurseNoteEntry>,
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
    /// A sentence added to the action when a photo can show what the result rests on ("A
    /// photo review can do."); left out when it rests on something in the person's own words.
    pub photo_review: Option<String>,
}

/// A day threshold with the disposition it gives once passed ("after" is strict).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdEntry {
    pub day: f64,
    pub disposition: String,
}

/// A threshold column: one step (`{ day = 2, disposition = "see_today" }`) or a list of
/// steps, each after its own day (`[{ day = 1, disposition = "see_within_3_days" },
/// { day = 2, disposition = "see_today" }]`).
#[derive(Debug, Clone, Default)]
pub struct StepsEntry(pub Vec<ThresholdEntry>);

impl<'de> Deserialize<'de> for StepsEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Column;
        impl<'de> serde::de::Visitor<'de> for Column {
            type Value = StepsEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a step { day = .., disposition = \"..\" } or a list of steps")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<StepsEntry, A::Error> {
                let one =
                    ThresholdEntry::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(StepsEntry(vec![one]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StepsEntry, A::Error> {
                let mut steps = Vec::new();
                while let Some(step) = seq.next_element::<ThresholdEntry>()? {
                    steps.push(step);
                }
                Ok(StepsEntry(steps))
            }
        }
        d.deserialize_any(Column)
    }
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
    pub worse_after: Option<StepsEntry>,
    pub severe_after: Option<StepsEntry>,
    /// Severity severe AND trend worsening after this day: a reaction both strong and growing.
    pub severe_and_worse_after: Option<StepsEntry>,
    pub starts_after: Option<StepsEntry>,
    /// Plain words a person or a portal might use for it; suggestions only, never accepted
    /// in place of the id.
    #[serde(default)]
    pub aliases: Vec<String>,
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
    /// The likely cause as a person would say it ("a spreading skin infection" for
    /// "cellulitis"), for the person's own report.
    pub cause_in_words: Option<String>,
    /// What to do on top of the disposition's action when this sign is present ("on the
    /// way, phone the clinic that treated you").
    pub also_do: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// Fires when each of its members is present. `members` is the general form (each member a
/// group of alternatives, with qualifiers); `all_of` (each id a member of its own) and
/// `any_of` (one member of alternatives) are the short form of 1.0, still read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CombinationEntry {
    pub id: String,
    #[serde(default)]
    pub all_of: Vec<String>,
    #[serde(default)]
    pub any_of: Vec<String>,
    #[serde(default)]
    pub members: Vec<MemberEntry>,
    /// The combination holds only while the time since treatment is at most this day.
    pub until_day: Option<f64>,
    /// It is no more urgent than its members but names the likely cause and what follows
    /// (antiviral tablets for weeping eczema): the lint then does not call it useless.
    #[serde(default)]
    pub tells_the_cause: bool,
    pub disposition: String,
    pub reason: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// One member of a combination: any one of `any_of` (symptom, sign or risk-factor ids) counts,
/// if it meets the qualifiers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    pub any_of: Vec<String>,
    /// The symptom's own finding is above home care (an expected reaction only).
    #[serde(default)]
    pub outside_window: bool,
    /// The symptom is reported as worsening.
    #[serde(default)]
    pub worsening: bool,
    /// The symptom is reported as severe, or as worsening.
    #[serde(default)]
    pub severe_or_worsening: bool,
}

/// Several reactions at once, each at least `severity` and `trend`: `count` or more of
/// `among` give at least `disposition`, on any day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterEntry {
    pub id: String,
    pub among: Vec<String>,
    pub count: usize,
    pub severity: String,
    pub trend: String,
    pub disposition: String,
    pub reason: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// Something the lists do not name, reported in the person's own words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherEntry {
    pub id: String,
    pub label: String,
    pub description: String,
    pub disposition: String,
    /// What it gives when reported severe or worsening.
    pub severe_or_worsening: String,
    /// What it gives when reported both severe and worsening up to a day after the
    /// treatment (`{ until_day = 1, disposition = "go_to_ed_now" }`).
    pub severe_and_worsening_early: Option<EarlyEntry>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// Something about the person (eczema, blood thinners) that matters only in combinations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskFactorEntry {
    pub id: String,
    pub label: String,
    pub description: String,
    /// How the questionnaires ask about it.
    pub question: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// The clinic's own contact details, used by the actions' words where the text says
/// `{clinic}`, `{out_of_hours}` or `{emergency}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicEntry {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub out_of_hours_phone: Option<String>,
    pub emergency_number: Option<String>,
}

/// A disposition that holds up to a day after the treatment (inclusive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyEntry {
    pub until_day: f64,
    pub disposition: String,
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
    /// `do` or `dont`. Required, and checked by the validator (not by serde) so that its
    /// error names the rule and the field.
    pub kind: Option<String>,
    #[serde(default)]
    pub from_day: f64,
    /// When the advice ends (it applies before this day, not at it); absent: every day.
    pub until_day: Option<f64>,
    pub text: String,
    /// What applies once it stops ("Mineral makeup is fine from then on").
    pub then: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub source_note: String,
}

/// A reminder for the nurse's note (not patient advice), shown when the case has any of its
/// risk factors and any of its symptoms (an empty list asks nothing) from its day on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NurseNoteEntry {
    pub id: String,
    #[serde(default)]
    pub risk_factors: Vec<String>,
    #[serde(default)]
    pub symptoms: Vec<String>,
    #[serde(default)]
    pub from_day: f64,
    pub text: String,
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
