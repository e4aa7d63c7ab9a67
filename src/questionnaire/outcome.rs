//! The answers put to the one evaluation: the outcome of a questionnaire (with the nurse's
//! change of the disposition, if any), the disposition so far, and what could still raise
//! it (the follow-up signs and the risk factors worth asking).

use chrono::{DateTime, FixedOffset, Timelike};
use serde::Serialize;

use super::answers::{Answers, Mode};
use super::nurse;
use crate::error::Error;
use aftercare_core::evaluate::{assess, triage};
use aftercare_core::input::CaseInput;
use aftercare_core::model::{Assessment, Case, Disposition};
use aftercare_core::rules::RuleSet;

/// A nurse's change of the computed disposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub from: Disposition,
    pub to: Disposition,
    /// Required when `to` is less urgent than `from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The explicit "yes" asked for a large lowering (from an emergency or ED disposition,
    /// or by two or more levels); `None` when it was not needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<bool>,
}

impl Override {
    /// Whether lowering `from` to `to` needs an explicit confirmation besides the reason:
    /// away from an emergency or ED disposition, or by two or more levels.
    pub fn needs_confirmation(from: Disposition, to: Disposition) -> bool {
        to < from && (from >= Disposition::GoToEdNow || from.urgency() >= to.urgency() + 2)
    }
}

/// The end of a questionnaire: the answers, the case built from them, and its assessment.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub mode: Mode,
    pub assessed_at: DateTime<FixedOffset>,
    pub answers: Answers,
    pub input: CaseInput,
    pub case: Case,
    pub assessment: Assessment,
    /// The danger sign at which the questions stopped, if they stopped early.
    pub stopped_at: Option<String>,
    pub nurse_override: Option<Override>,
    /// The nurse's call details and end of call (nurse only).
    pub call: Option<nurse::CallDetails>,
}

impl Outcome {
    /// The disposition in force: the nurse's, when changed.
    pub fn disposition(&self) -> Disposition {
        self.nurse_override
            .as_ref()
            .map_or(self.assessment.disposition, |o| o.to)
    }
}

/// The clock without its fraction of a second, so that the times written into the case read
/// back to exactly the same number of days.
pub fn whole_seconds(now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    now.with_nanosecond(0).unwrap_or(now)
}

/// Builds the case from the answers and assesses it with the one evaluation.
pub fn evaluate(
    mode: Mode,
    answers: Answers,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    stopped_at: Option<String>,
) -> Result<Outcome, Error> {
    let input = answers.case_input(now);
    let case = input.resolve(rules, now).map_err(invalid_case)?;
    let assessment = assess(&case, rules);
    Ok(Outcome {
        mode,
        assessed_at: now,
        answers,
        input,
        case,
        assessment,
        stopped_at,
        nurse_override: None,
        call: None,
    })
}

/// Answers that give no valid case: a fault of the questions, not of the person.
pub fn invalid_case(e: aftercare_core::input::InputError) -> Error {
    Error::Input(format!("the answers give an invalid case: {e}"))
}

/// Signs that, together with those present, would make a combination more urgent than
/// anything found so far, and that were not asked yet. After a positive danger sign the
/// questions stop, but not before these: a go-to-ED sign with fever and purple spots is an
/// emergency, and stopping early must not hide that.
///
/// Both questions are put to [`Combination::fires`], the triage's own test: a combination is
/// followed while it would fire if every sign not yet asked were present (an answered "no"
/// that rules it out ends its questions), and a sign of it is asked when its answer can
/// change whether it fires (so no second "one of" sign once one is present).
///
/// [`Combination::fires`]: aftercare_core::rules::Combination::fires
pub fn escalation_ids(rules: &RuleSet, present: &[String], asked: &[String]) -> Vec<String> {
    // The signs alone, on day 0: the day cannot change what a combination of signs gives.
    let case = aftercare_core::model::Case::on_day(
        0.0,
        present
            .iter()
            .filter(|id| rules.lookup(id).is_some())
            .map(|id| aftercare_core::model::ReportedSymptom::new(id.clone()))
            .collect(),
    );
    let answered: Vec<String> = present.iter().chain(asked).cloned().collect();
    aftercare_core::follow_up::could_still_raise(&case, rules, &answered)
        .into_iter()
        // Risk factors are not asked here, and a sign on its own is asked by the checklist.
        .filter(|q| {
            q.through_combination && q.kind == aftercare_core::follow_up::OpenKind::WarningSign
        })
        .map(|q| q.id)
        .collect()
}

/// The disposition the answers so far give, with the one evaluation: its triage alone,
/// since the words of an answer that is not shown yet would be thrown away (the flows ask
/// this after every answer, and the web pages on every page).
pub fn disposition_so_far(
    answers: &Answers,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Disposition {
    answers
        .case_input(now)
        .resolve(rules, now)
        .map(|case| triage(&case, rules).disposition)
        .unwrap_or_default()
}

/// The risk factors to ask the patient: only those not answered yet whose "yes" could
/// still change the result, as the evaluation's own follow-up function says. (The nurse
/// asks every one, in the background.)
pub fn risk_factors_to_ask(
    answers: &Answers,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Vec<String> {
    let Ok(case) = answers.case_input(now).resolve(rules, now) else {
        return Vec::new();
    };
    risk_factors_open(answers, &case, rules)
}

/// [`risk_factors_to_ask`] of answers whose case is already built and resolved.
pub fn risk_factors_open(answers: &Answers, case: &Case, rules: &RuleSet) -> Vec<String> {
    // The symptom list offered every expected reaction: one not ticked was answered "no".
    let mut answered: Vec<&str> = answers.answered().collect();
    if answers.symptoms_asked {
        answered.extend(rules.reactions.iter().map(|r| r.id.as_str()));
    }
    aftercare_core::follow_up::could_still_raise(case, rules, &answered)
        .into_iter()
        .filter(|q| q.kind == aftercare_core::follow_up::OpenKind::RiskFactor)
        .map(|q| q.id)
        .collect()
}
