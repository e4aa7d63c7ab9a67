//! The triage itself: a pure function of (case, rules). The time since treatment is already
//! in the case; no clock, terminal or file is touched here.
//!
//! `triage` finds which rules fire and is cheap (no text); `explain` turns that into the
//! words a person reads. Batch runs that want only codes skip `explain`.
//!
//! The two halves are files of their own: `triage.rs` (which rules fire) and `words.rs`
//! (a triage in words, which reads the triage and is never read by it). What both share,
//! the outcome of the rules, is here.

mod triage;
mod words;

use chrono::{DateTime, FixedOffset};

use crate::input::{CaseInput, InputError};
use crate::model::{Assessment, Case, Disposition};
use crate::rules::RuleSet;
pub use crate::rules::{Aspect, RuleRef};

pub(crate) use triage::known_states;
pub use triage::{triage, triage_without_time, UNKNOWN_SYMPTOM_DISPOSITION};
pub use words::{
    advice_for_day, and_list, call_back, expect_next, explain, in_sentence, reaction_course,
    reason, subject_name, tell_operator, upcoming_advice_changes,
};

/// A rule that fires, and the disposition it gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub rule: RuleRef,
    pub disposition: Disposition,
}

/// What one finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The index of the reported symptom in the case (the worst report of that id).
    Symptom(usize),
    Combination(usize),
    Cluster(usize),
    RepeatContact,
}

/// One finding before it is put into words: the deciding rule first, then any others.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    pub subject: Subject,
    pub hit: Hit,
    pub also: Vec<Hit>,
}

impl RawFinding {
    pub fn disposition(&self) -> Disposition {
        self.hit.disposition
    }
}

/// The outcome of the rules for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    pub disposition: Disposition,
    pub findings: Vec<RawFinding>,
}

/// Resolves a case's time against `now` (used only when the case has no `assessed_at`),
/// then triages and explains it.
pub fn assess_input(
    input: &CaseInput,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Assessment, InputError> {
    let case = input.resolve(rules, now)?;
    Ok(assess(&case, rules))
}

/// The whole answer for a case: triage plus the words.
pub fn assess(case: &Case, rules: &RuleSet) -> Assessment {
    explain(case, &triage(case, rules), rules)
}
