//! The clinical model: dispositions, what a person reports, and what the triage finds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What the person should do and how soon, least urgent first so that `max` is "most urgent".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    #[default]
    HomeCare,
    // snake_case alone would give "see_within2_weeks".
    #[serde(rename = "see_within_2_weeks")]
    SeeWithin2Weeks,
    #[serde(rename = "see_within_3_days")]
    SeeWithin3Days,
    SeeToday,
    GoToEdNow,
    CallEmergencyNow,
}

impl Disposition {
    /// Most urgent first, as the clinic reads them.
    pub const ALL: [Disposition; 6] = [
        Disposition::CallEmergencyNow,
        Disposition::GoToEdNow,
        Disposition::SeeToday,
        Disposition::SeeWithin3Days,
        Disposition::SeeWithin2Weeks,
        Disposition::HomeCare,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Disposition::HomeCare => "home_care",
            Disposition::SeeWithin2Weeks => "see_within_2_weeks",
            Disposition::SeeWithin3Days => "see_within_3_days",
            Disposition::SeeToday => "see_today",
            Disposition::GoToEdNow => "go_to_ed_now",
            Disposition::CallEmergencyNow => "call_emergency_now",
        }
    }

    /// The short form of the clinical reference's tables, as `rules list` prints them.
    pub fn short(self) -> &'static str {
        match self {
            Disposition::CallEmergencyNow => "EMERG",
            Disposition::GoToEdNow => "ED",
            Disposition::SeeToday => "TODAY",
            Disposition::SeeWithin3Days => "3D",
            Disposition::SeeWithin2Weeks => "2W",
            Disposition::HomeCare => "HOME",
        }
    }

    /// What the short form stands for, in a few plain words (the legend of a table).
    pub fn in_brief(self) -> &'static str {
        match self {
            Disposition::CallEmergencyNow => "call emergency services now",
            Disposition::GoToEdNow => "go to ED now",
            Disposition::SeeToday => "see today",
            Disposition::SeeWithin3Days => "within 3 days",
            Disposition::SeeWithin2Weeks => "within 2 weeks",
            Disposition::HomeCare => "home care",
        }
    }

    /// 0 for home care up to 5 for an emergency: the order of urgency as a number.
    pub fn urgency(self) -> u8 {
        self as u8
    }

    pub fn codes() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|d| d.code())
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Disposition {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|d| d.code() == s).ok_or(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Mild, Severity::Moderate, Severity::Severe];
    /// The protocol's severity for a report that does not give one.
    pub const ASSUMED: Severity = Severity::Moderate;
    pub fn code(self) -> &'static str {
        match self {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
        }
    }
}

/// Ordered from most reassuring to most worrying, so that "a worse trend" is `>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Stable,
    Worsening,
}

impl Trend {
    pub const ALL: [Trend; 3] = [Trend::Improving, Trend::Stable, Trend::Worsening];
    /// The protocol's trend for a report that does not give one: stable is not improving,
    /// so an unknown trend never reassures.
    pub const ASSUMED: Trend = Trend::Stable;
    pub fn code(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Stable => "stable",
            Trend::Worsening => "worsening",
        }
    }
}

/// One thing the person notices, with the defaults of the protocol already applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportedSymptom {
    pub id: String,
    pub severity: Severity,
    pub trend: Trend,
    /// The day it began, counted from the treatment day (day 0).
    pub started_day: f64,
    /// The person's own words, for `other` (something the lists do not name): recorded and
    /// shown, never interpreted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The protocol's start day for a report that does not give one: since the treatment.
pub const ASSUMED_STARTED_DAY: f64 = 0.0;

impl ReportedSymptom {
    /// A symptom reported with nothing else known: the protocol's defaults
    /// (moderate, stable, since day 0). Stable is not improving, so unknown never reassures.
    pub fn new(id: impl Into<String>) -> Self {
        ReportedSymptom {
            id: id.into(),
            severity: Severity::ASSUMED,
            trend: Trend::ASSUMED,
            started_day: ASSUMED_STARTED_DAY,
            description: None,
        }
    }
}

/// A case ready for evaluation: the time since treatment is already a number of days.
///
/// When the input leaves the time uncertain (a date without a time of day), the two readings
/// differ, and each is used in the direction that is careful for it: the triage reads the
/// longest time (a symptom never looks more "within its window" than it may be), the
/// aftercare reads the shortest (a restriction is never lifted early).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The longest time since treatment the input allows; the triage uses it.
    pub days_since_treatment: f64,
    /// The shortest time since treatment the input allows; the aftercare advice uses it.
    pub shortest_days_since_treatment: f64,
    pub symptoms: Vec<ReportedSymptom>,
    /// Ids of the rule set's risk factors (eczema, blood thinners...): they change the answer
    /// only through combinations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub risk_factors: Vec<String>,
    pub repeat_contact: bool,
    /// The assessment time the case was resolved against, when it came from a time (input
    /// or the clock); a case built with a number of days alone has none.
    #[serde(skip)]
    pub assessed_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Case {
    /// A case whose time since treatment is known exactly.
    pub fn on_day(days: f64, symptoms: Vec<ReportedSymptom>) -> Case {
        Case {
            id: None,
            days_since_treatment: days,
            shortest_days_since_treatment: days,
            symptoms,
            risk_factors: Vec::new(),
            repeat_contact: false,
            assessed_at: None,
        }
    }
}

/// What kind of rule produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    ExpectedReaction,
    WarningSign,
    /// Something the lists do not name, in the person's own words.
    Other,
    Combination,
    /// Several strong reactions at once.
    Cluster,
    RepeatContact,
}

/// One rule that fired, with its disposition and a reason in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHit {
    pub rule: String,
    pub disposition: Disposition,
    pub reason: String,
}

/// What the triage concluded about one symptom (or combination, or the person's situation).
/// Read back too, from a saved record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The symptom id; for a combination, its symptoms joined by "+"; none for repeat contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom: Option<String>,
    pub disposition: Disposition,
    /// The rule that decided this finding's disposition.
    pub rule: String,
    pub reason: String,
    /// The person's own words about this symptom, when the case gave them: recorded and
    /// shown to whoever reads the result, never interpreted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Other rules that fired for the same symptom, less or equally urgent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<RuleHit>,
}

/// One piece of aftercare advice that applies on the day assessed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdviceItem {
    pub id: String,
    pub topic: String,
    /// `do` or `dont`: what to do, or what not to do yet.
    pub kind: AdviceKind,
    pub text: String,
    /// When it ends (it applies before this day, not at it), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_day: Option<f64>,
    /// What applies once it stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
}

/// Whether an advice item says what to do or what not to do: a short answer to "can I …?"
/// is "yes" for a "do" while it runs, and "not yet" for a "don't" until it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AdviceKind {
    Do,
    Dont,
}

impl AdviceKind {
    /// The codes a rule file writes, in the order shown in messages.
    pub const CODES: [&'static str; 2] = ["do", "dont"];

    pub fn code(self) -> &'static str {
        match self {
            AdviceKind::Do => "do",
            AdviceKind::Dont => "dont",
        }
    }
}

impl std::str::FromStr for AdviceKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "do" => Ok(AdviceKind::Do),
            "dont" => Ok(AdviceKind::Dont),
            _ => Err(()),
        }
    }
}

/// The format and version of a JSON result, named in every result.
pub const RESULT_FORMAT: &str = "aftercare-result-1";
/// The format and version of a JSON error record, named in every error record.
pub const ERROR_FORMAT: &str = "aftercare-error-1";

/// The whole answer for one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Always [`RESULT_FORMAT`]: a record says which contract it follows.
    pub format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The assessment time used (RFC 3339), so that the result can be replayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_at: Option<String>,
    pub disposition: Disposition,
    /// What to do, in plain words, for the disposition.
    pub action: String,
    pub days_since_treatment: f64,
    /// Present when the input left the time of day open (a date alone): the shortest time
    /// since treatment it allows, from which the advice counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortest_days_since_treatment: Option<f64>,
    pub findings: Vec<Finding>,
    pub advice: Vec<AdviceItem>,
    pub expect_next: Vec<String>,
    pub call_back: Vec<String>,
    /// For `call_emergency_now`: the sentence for the emergency operator, in the person's own
    /// voice ("I had a micro-needling treatment 2 days ago and now have trouble breathing").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tell_operator: Option<String>,
    pub rule_set: RuleSetId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetId {
    pub name: String,
    pub version: String,
}

/// A time since treatment as JSON carries it: at most 6 decimals. The value comes from whole
/// seconds (rounded the careful way by the caller), so the nearest micro-day moves it by less
/// than a tenth of a second, and an exact time gives the same number however it is read.
pub fn days_to_micro(days: f64) -> f64 {
    (days * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_json_have_at_most_six_decimals() {
        assert_eq!(days_to_micro(0.5), 0.5);
        assert_eq!(days_to_micro(1.0 / 3.0), 0.333_333);
        assert_eq!(days_to_micro(2.5), 2.5);
    }

    #[test]
    fn dispositions_order_by_urgency() {
        assert!(Disposition::CallEmergencyNow > Disposition::GoToEdNow);
        assert!(Disposition::SeeWithin3Days > Disposition::SeeWithin2Weeks);
        assert_eq!(
            Disposition::ALL.iter().copied().max(),
            Some(Disposition::CallEmergencyNow)
        );
        for d in Disposition::ALL {
            assert_eq!(d.code().parse::<Disposition>(), Ok(d));
        }
    }

    #[test]
    fn dispositions_serialize_as_their_codes() {
        for d in Disposition::ALL {
            assert_eq!(serde_json::to_value(d).unwrap(), d.code());
            let back: Disposition = serde_json::from_value(d.code().into()).unwrap();
            assert_eq!(back, d);
        }
    }
}
