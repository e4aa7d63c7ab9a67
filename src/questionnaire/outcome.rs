//! The answers put to the one evaluation: the outcome of a questionnaire (with the nurse's
//! change of the disposition, if any), the disposition so far, and what could still raise
//! it (the follow-up signs and the risk factors worth asking).

use chrono::{DateTime, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

use super::answers::{Answers, Mode, SignAnswer, SignState};
use crate::error::Error;
use aftercare_core::evaluate::{assess, triage};
use aftercare_core::follow_up::Asked;
use aftercare_core::input::CaseInput;
use aftercare_core::model::{Assessment, Case, Disposition};
use aftercare_core::rules::{RuleSet, SymptomRef};

/// A nurse's change of the computed disposition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// What the nurse records about the call itself, around the clinical questions: who
/// called and how to call back, the complaint in the caller's words, and at the end the
/// advice given, whether the caller understood, notes, and who took the call.
///
/// Read back from a record, a field left out is as the writer leaves it out: empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CallDetails {
    /// "patient" or "someone else"; empty when the call details were skipped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caller: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caller_name: String,
    /// The patient, when someone else calls for them: the caller's name alone would not
    /// say whose chart the call belongs to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub patient_name: String,
    /// The patient's date of birth (YYYY-MM-DD), to tell patients of the same name apart.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub patient_birth_date: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub callback: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub complaint: String,
    /// The care advice the nurse confirmed giving, in the words given.
    pub advice_given: Vec<String>,
    /// Whether the safety net (when to call back) was confirmed as given.
    pub safety_net_given: bool,
    /// "Caller understood and agrees"; `None` when not asked (the call stopped first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub understood: Option<bool>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nurse: String,
    /// Set when the call was stopped and kept (Esc or Ctrl-C, then "stop and keep", or any
    /// stop after an instruction was given): "cancelled" or "interrupted"; "hangup" or
    /// "terminated" when the terminal was closed or a SIGTERM came (see `hangup`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The call was stopped before any disposition was given to the caller: the computed
    /// disposition is of the answers so far, and was not said.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub before_instruction: bool,
    /// When the call began and ended (RFC 3339, whole seconds): the start is the clock the
    /// answers are assessed at, the end that clock plus the time the questions took.
    /// Records saved before call times were kept have none.
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub ended_at: String,
    /// The web check-in the call was started from (a callback on it), by its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_checkin: Option<String>,
    /// When that check-in was sent (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin_sent_at: Option<String>,
    /// The disposition the check-in gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin_disposition: Option<Disposition>,
    /// The symptoms whose details (severity, trend, start) are the check-in's, as sent:
    /// still ticked in the call, and confirmed by the nurse as still right rather than
    /// asked again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkin_details_kept: Vec<String>,
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
    pub call: Option<CallDetails>,
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
    let case = signs_alone(rules, present);
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

/// The signs present alone, on day 0: the day cannot change what a combination of signs
/// gives, and a combination "until day 2" is not ruled out by a date not asked yet.
fn signs_alone(rules: &RuleSet, present: &[String]) -> Case {
    Case::on_day(
        0.0,
        present
            .iter()
            .filter(|id| rules.lookup(id).is_some())
            .map(|id| aftercare_core::model::ReportedSymptom::new(id.clone()))
            .collect(),
    )
}

/// The risk factors not yet answered that would make the present signs an emergency in
/// combination, after a stop at the emergency department (`injected` with an eye sign: an
/// emergency where the sign alone is the emergency department). The questions stopped at
/// the sign, before "about you" could ask them, so they are asked with the follow-up signs
/// (clinical reference section 4: a risk factor is asked when the answers so far make it
/// able to change the result). The signs are read as [`escalation_ids`] reads them.
pub fn escalation_risk_factors(rules: &RuleSet, answers: &Answers) -> Vec<String> {
    let yes = |list: &[SignAnswer]| -> Vec<String> {
        list.iter()
            .filter(|a| a.answer == SignState::Yes)
            .map(|a| a.id.to_string())
            .collect()
    };
    let mut case = signs_alone(rules, &yes(&answers.signs));
    case.risk_factors = yes(&answers.risk_factors);
    // Asked after a stop at the emergency department: only what makes it an emergency.
    let now = triage(&case, rules).disposition.max(Disposition::GoToEdNow);
    // Each risk factor not answered, added alone to the signs present: asked when it would
    // raise them by itself (not when it would need a sign not asked yet).
    rules
        .risk_factors
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| {
            !answers
                .risk_factors
                .iter()
                .any(|a| a.id == *id && a.answer != SignState::NotAsked)
        })
        .filter(|id| {
            let mut with = case.clone();
            with.risk_factors.push((*id).to_string());
            triage(&with, rules).disposition > now
        })
        .map(str::to_string)
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
    let current = triage(&case, rules).disposition;
    risk_factors_open(&case, current, &asked(answers, rules, |_, _| {}), rules)
}

/// What the answers asked, for the follow-up questions, by table position: every sign and
/// risk factor answered yes or no ([`Answers::answered`]; "not known" is still open), and
/// every expected reaction once the symptom list was answered (it offered them all: one not
/// ticked was answered "no"). `each_sign` is told every answered sign with its place in
/// the rule set, whatever its answer, as it is read: a web page needs both, and looks each
/// sign up once.
pub fn asked(
    answers: &Answers,
    rules: &RuleSet,
    mut each_sign: impl FnMut(&SignAnswer, Option<SymptomRef>),
) -> Asked {
    let mut asked = Asked::none(rules);
    for s in &answers.signs {
        let found = rules.lookup(&s.id);
        each_sign(s, found);
        if matches!(s.answer, SignState::Yes | SignState::No) {
            match found {
                Some(symptom) => asked.add_symptom(symptom),
                None => asked.add(rules, &s.id),
            }
        }
    }
    for f in &answers.risk_factors {
        if matches!(f.answer, SignState::Yes | SignState::No) {
            asked.add(rules, &f.id);
        }
    }
    if answers.symptoms_asked {
        asked.every_reaction();
    }
    asked
}

/// [`risk_factors_to_ask`] of answers whose case is already built, resolved and triaged
/// (`current` is its disposition), with what they asked ([`asked`]).
pub fn risk_factors_open(
    case: &Case,
    current: Disposition,
    asked: &Asked,
    rules: &RuleSet,
) -> Vec<String> {
    aftercare_core::follow_up::could_still_raise_above(case, rules, current, asked)
        .into_iter()
        .filter(|q| q.kind == aftercare_core::follow_up::OpenKind::RiskFactor)
        .map(|q| q.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_risk_factor_that_would_make_the_signs_an_emergency_is_asked_after_them() {
        let rules = RuleSet::built_in();
        let answer = |id: &str, yes: bool| SignAnswer {
            id: id.into(),
            answer: yes.into(),
        };
        let mut answers = Answers::new(None);
        answers.signs = vec![answer("vision_change", true), answer("eye_pain", false)];
        // Blurred vision after an injection: an emergency, where the sign alone is the
        // emergency department.
        assert_eq!(escalation_risk_factors(&rules, &answers), ["injected"]);
        // Answered, either way: not asked again.
        answers.risk_factors = vec![answer("injected", false)];
        assert!(escalation_risk_factors(&rules, &answers).is_empty());
        // A sign that no risk factor makes more urgent: nothing to ask.
        let mut answers = Answers::new(None);
        answers.signs = vec![answer("red_streaks", true)];
        assert!(escalation_risk_factors(&rules, &answers).is_empty());
    }

    #[test]
    fn what_was_asked_by_position_is_what_was_answered_by_id() {
        let rules = RuleSet::built_in();
        let sign = |id: &str, answer| SignAnswer {
            id: id.into(),
            answer,
        };
        let w = &rules.warning_signs;
        let mut answers = Answers::new(None);
        answers.signs = vec![
            sign(&w[0].id, SignState::Yes),
            sign(&w[1].id, SignState::No),
            sign(&w[2].id, SignState::NotKnown),
            sign(&w[3].id, SignState::NotAsked),
            sign("no_such_sign", SignState::Yes),
        ];
        let f = &rules.risk_factors;
        answers.risk_factors = vec![
            sign(&f[0].id, SignState::No),
            sign(&f[1].id, SignState::NotKnown),
        ];
        for symptoms_asked in [false, true] {
            answers.symptoms_asked = symptoms_asked;
            let mut told = Vec::new();
            let by_position = asked(&answers, &rules, |s, found| {
                told.push((s.id.to_string(), found));
            });
            let mut by_id = Asked::of(&rules, answers.answered());
            if symptoms_asked {
                by_id.every_reaction();
            }
            assert_eq!(by_position, by_id);
            // Every sign is told, whatever its answer, with its place in the rule set.
            assert_eq!(told.len(), answers.signs.len());
            assert_eq!(told[2], (w[2].id.clone(), Some(SymptomRef::WarningSign(2))));
            assert_eq!(told[4], ("no_such_sign".to_string(), None));
        }
        // "Not known" is still open: it is no answer.
        assert_ne!(
            asked(&answers, &rules, |_, _| {}),
            Asked::of(
                &rules,
                [w[2].id.as_str()].into_iter().chain(answers.answered())
            )
        );
    }
}
