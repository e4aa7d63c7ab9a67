//! The order of the web check-in's questions: the terminal questionnaire's conversation,
//! one question a page. The answers are the questionnaire's own [`Answers`]; what is asked
//! next is worked out from them each time (never remembered as a position), so that the
//! back button, a change from "Check your answers" and a page sent twice all land on the
//! first question still open.
//!
//! The order is the patient's: the emergency signs, the emergency-department signs (a yes
//! to either ends the questions at once with the instruction), when the treatment was, the
//! signs to have checked today, what the person notices, the details of each, the risk
//! factors only when a yes could change the answer, the repeat contact, the check of the
//! answers, the result.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use std::sync::OnceLock;

use crate::conversation::Part;
use crate::questionnaire::{
    asked, invalid_case, risk_factors_open, Answers, Mode, Outcome, SignAnswer, SignState,
};
use aftercare_core::evaluate::{explain, triage, Triage};
use aftercare_core::follow_up::Asked;
use aftercare_core::input::{CaseInput, InputError};
use aftercare_core::model::{Case, Disposition};
use aftercare_core::rules::{RuleSet, SymptomRef};

/// The answers between pages, kept in the store under the session's cookie (as
/// [`Draft::to_stored`] writes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub answers: Answers,
    /// What was ticked on the symptoms page, in its order: the details pages are numbered
    /// by it (`/check/details/2`), so no id appears in an address.
    pub symptom_order: Vec<String>,
    /// "Something else", in the person's words.
    pub other_description: Option<String>,
    /// "Check your answers" was submitted since the last change.
    pub confirmed: bool,
    /// The check-in sent to the clinic from this draft, if any, and when.
    pub sent: Option<Sent>,
    /// When the check-in began (RFC 3339), for the clinic: how long the questions took.
    pub begun_at: Option<String>,
}

/// The draft as the store keeps it: the draft's own fields, with the answered signs
/// (every warning sign of the rule set once a check-in is past its sign pages) as one line
/// of text rather than an object each, which is most of a draft and of its reading on
/// every page. Drafts written before hold the signs in `answers` and no `signs` line; they
/// read as they are. An older server reading a draft written here sees no sign answered,
/// and asks the signs again from the first page.
#[derive(Deserialize)]
struct Stored {
    answers: Answers,
    /// [`signs_line`] of the answered signs, when it could say them; then `answers` holds
    /// none.
    #[serde(default)]
    signs: Option<String>,
    symptom_order: Vec<String>,
    other_description: Option<String>,
    confirmed: bool,
    sent: Option<Sent>,
    #[serde(default)]
    begun_at: Option<String>,
}

/// [`Stored`], as written.
#[derive(Serialize)]
struct StoredRef<'a> {
    answers: &'a Answers,
    #[serde(skip_serializing_if = "Option::is_none")]
    signs: Option<String>,
    symptom_order: &'a [String],
    other_description: &'a Option<String>,
    confirmed: bool,
    sent: &'a Option<Sent>,
    begun_at: &'a Option<String>,
}

impl Draft {
    /// The draft as the store keeps it ([`Stored`]).
    pub fn to_stored(&self) -> serde_json::Result<String> {
        let signs = signs_line(&self.answers.signs);
        let without_signs;
        let answers = match signs {
            Some(_) => {
                without_signs = Answers {
                    signs: Vec::new(),
                    ..self.answers.clone()
                };
                &without_signs
            }
            None => &self.answers,
        };
        serde_json::to_string(&StoredRef {
            answers,
            signs,
            symptom_order: &self.symptom_order,
            other_description: &self.other_description,
            confirmed: self.confirmed,
            sent: &self.sent,
            begun_at: &self.begun_at,
        })
    }

    /// A draft as the store keeps it, in this form or the one before; `None` when it does
    /// not read (written by another version).
    pub fn from_stored(text: &str) -> Option<Draft> {
        let stored: Stored = serde_json::from_str(text).ok()?;
        let mut answers = stored.answers;
        if let Some(line) = &stored.signs {
            answers.signs = signs_from_line(line)?;
        }
        Some(Draft {
            answers,
            symptom_order: stored.symptom_order,
            other_description: stored.other_description,
            confirmed: stored.confirmed,
            sent: stored.sent,
            begun_at: stored.begun_at,
        })
    }
}

/// The mark of each answer in a signs line.
const SIGN_MARKS: [(SignState, char); 4] = [
    (SignState::Yes, '+'),
    (SignState::No, '-'),
    (SignState::NotAsked, '~'),
    (SignState::NotKnown, '?'),
];

/// Answered signs as one line, in their order: each id after the mark of its answer
/// ("-fever +chills"). `None` when there are none, or when an id could not be told from
/// the marks and spaces (a rule file's ids are lower-case letters, digits and `_`).
fn signs_line(signs: &[SignAnswer]) -> Option<String> {
    if signs.is_empty() {
        return None;
    }
    let mut line = String::with_capacity(signs.iter().map(|s| s.id.len() + 2).sum());
    for s in signs {
        let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
        if s.id.is_empty() || !s.id.bytes().all(plain) {
            return None;
        }
        let (_, mark) = SIGN_MARKS.iter().find(|(state, _)| *state == s.answer)?;
        if !line.is_empty() {
            line.push(' ');
        }
        line.push(*mark);
        line.push_str(&s.id);
    }
    Some(line)
}

/// The signs of a [`signs_line`]; `None` if it is not one.
fn signs_from_line(line: &str) -> Option<Vec<SignAnswer>> {
    // Every page reads its draft. The line is cut at its spaces in one pass over its bytes
    // (a search per token costs more than these short tokens), and each mark, one ASCII
    // byte, is read as a byte.
    let bytes = line.as_bytes();
    // Each sign takes at least three bytes with its space: room for all, without counting.
    let mut signs = Vec::with_capacity(bytes.len().div_ceil(3));
    let mut start = 0;
    for end in (0..=bytes.len()).filter(|&i| i == bytes.len() || bytes[i] == b' ') {
        let mark = *bytes.get(start)?;
        let (answer, _) = SIGN_MARKS
            .iter()
            .find(|(_, m)| *m as u32 == u32::from(mark))?;
        // The mark is ASCII and the cut a space, so both are characters' boundaries.
        let id = line.get(start + 1..end)?;
        if id.is_empty() {
            return None;
        }
        signs.push(SignAnswer {
            id: id.into(),
            answer: *answer,
        });
        start = end + 1;
    }
    Some(signs)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub checkin: String,
    pub at: String,
    pub consent_to_call: bool,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            answers: Answers::new(None),
            symptom_order: Vec::new(),
            other_description: None,
            confirmed: false,
            sent: None,
            begun_at: None,
        }
    }
}

/// A page of the check-in, by a neutral name: never an id or value the person chose
/// (addresses end up in proxy logs and browser history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Emergency,
    Urgent,
    When,
    SameDay,
    Symptoms,
    Other,
    /// The details of the n-th symptom ticked, from 1.
    Details(usize),
    AboutYou,
    Repeat,
    Answers,
    Result,
}

impl Step {
    /// The page's address.
    pub fn path(self) -> String {
        match self {
            Step::Emergency => "/check/emergency".into(),
            Step::Urgent => "/check/urgent".into(),
            Step::When => "/check/when".into(),
            Step::SameDay => "/check/same-day".into(),
            Step::Symptoms => "/check/symptoms".into(),
            Step::Other => "/check/other".into(),
            Step::Details(n) => format!("/check/details/{n}"),
            Step::AboutYou => "/check/about-you".into(),
            Step::Repeat => "/check/repeat".into(),
            Step::Answers => "/check/answers".into(),
            Step::Result => "/check/result".into(),
        }
    }

    /// The part of the conversation the page asks
    /// ([`crate::conversation::PATIENT_ON_THE_WEB`] is their order);
    /// `None` for the pages after the questions.
    pub fn part(self) -> Option<Part> {
        Some(match self {
            Step::Emergency | Step::Urgent => Part::DangerSigns,
            Step::When => Part::Treatment,
            Step::SameDay => Part::SameDaySigns,
            Step::Symptoms | Step::Other | Step::Details(_) => Part::Symptoms,
            Step::AboutYou => Part::RiskFactors,
            Step::Repeat => Part::RepeatContact,
            Step::Answers | Step::Result => return None,
        })
    }

    /// The step of a `/check/NAME` address.
    pub fn named(name: &str) -> Option<Step> {
        Some(match name {
            "emergency" => Step::Emergency,
            "urgent" => Step::Urgent,
            "when" => Step::When,
            "same-day" => Step::SameDay,
            "symptoms" => Step::Symptoms,
            "other" => Step::Other,
            "about-you" => Step::AboutYou,
            "repeat" => Step::Repeat,
            "answers" => Step::Answers,
            "result" => Step::Result,
            _ => return None,
        })
    }
}

/// The emergency signs, asked first.
pub fn emergency_signs(rules: &RuleSet) -> Vec<&str> {
    rules.signs_of(Disposition::CallEmergencyNow)
}

/// The emergency-department signs, asked second.
pub fn urgent_signs(rules: &RuleSet) -> Vec<&str> {
    rules.signs_of(Disposition::GoToEdNow)
}

/// Every other warning sign (to be seen today, or within days), asked after the date: the
/// terminal lists them with the symptoms; here they are a page of their own, so that the
/// symptoms page holds the expected reactions only.
pub fn same_day_signs(rules: &RuleSet) -> Vec<&str> {
    rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition < Disposition::GoToEdNow)
        .map(|w| w.id.as_str())
        .collect()
}

/// The symptoms page: the expected reactions, then "something else".
pub fn symptom_choices(rules: &RuleSet) -> Vec<&str> {
    rules
        .reactions
        .iter()
        .map(|r| r.id.as_str())
        .chain(rules.other.as_ref().map(|o| o.id.as_str()))
        .collect()
}

/// What the evaluation says of one draft's answers, each worked out at most once: a page
/// asks several times (the first open question, its back link, the "about you" list, the
/// result), and each asking would build, resolve and triage the case again. It belongs to
/// one draft: a changed draft needs a new one.
#[derive(Default)]
pub struct Known {
    so_far: OnceLock<Result<SoFar, InputError>>,
    to_ask: OnceLock<Vec<String>>,
    next: OnceLock<Step>,
    about_you: OnceLock<Vec<String>>,
    signs_read: OnceLock<SignsRead>,
}

/// The draft's signs, read once ([`Facts::signs_read`]).
struct SignsRead {
    /// Whether each warning sign (by its position in the rule set) has been answered.
    answered: Vec<bool>,
    /// What the answers asked ([`asked`]).
    asked: Asked,
}

/// A page of signs, by which signs it lists.
#[derive(Clone, Copy)]
enum SignPage {
    Emergency,
    Urgent,
    SameDay,
}

impl SignPage {
    fn lists(self, d: Disposition) -> bool {
        match self {
            SignPage::Emergency => d == Disposition::CallEmergencyNow,
            SignPage::Urgent => d == Disposition::GoToEdNow,
            SignPage::SameDay => d < Disposition::GoToEdNow,
        }
    }
}

/// The case the answers so far give, and its triage.
struct SoFar {
    input: CaseInput,
    case: Case,
    triage: Triage,
}

fn so_far(
    answers: &Answers,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<SoFar, InputError> {
    let input = answers.case_input(now);
    input.resolve(rules, now).map(|case| SoFar {
        triage: triage(&case, rules),
        input,
        case,
    })
}

impl Known {
    /// [`Facts::outcome`] of the draft whose `answers` these are, taking the answers and
    /// the case worked out rather than copying them: for a result page, which is done with
    /// both once the outcome is put into words.
    pub fn into_outcome(
        self,
        answers: Answers,
        rules: &RuleSet,
        now: DateTime<FixedOffset>,
    ) -> Result<Outcome, crate::error::Error> {
        let s = match self.so_far.into_inner() {
            Some(s) => s,
            None => so_far(&answers, rules, now),
        }
        .map_err(invalid_case)?;
        let stops = s.triage.disposition >= Disposition::GoToEdNow;
        Ok(Outcome {
            mode: Mode::Patient,
            assessed_at: now,
            assessment: explain(&s.case, &s.triage, rules),
            stopped_at: stopped_at(&answers, stops),
            answers,
            input: s.input,
            case: s.case,
            nurse_override: None,
            call: None,
        })
    }
}

/// The sign the questions stopped at ([`Facts::stopped_at`]).
fn stopped_at(answers: &Answers, stops: bool) -> Option<String> {
    stops.then(|| answers.stopped_at()).flatten()
}

/// One draft, with the rules and the clock of its page, and what is known of it.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub draft: &'a Draft,
    pub rules: &'a RuleSet,
    pub now: DateTime<FixedOffset>,
    known: &'a Known,
}

impl<'a> Facts<'a> {
    /// `known` must be new, or have been used for this same draft, rules and clock only.
    pub fn new(
        draft: &'a Draft,
        rules: &'a RuleSet,
        now: DateTime<FixedOffset>,
        known: &'a Known,
    ) -> Facts<'a> {
        Facts {
            draft,
            rules,
            now,
            known,
        }
    }

    fn so_far(&self) -> &'a Result<SoFar, InputError> {
        self.known
            .so_far
            .get_or_init(|| so_far(&self.draft.answers, self.rules, self.now))
    }

    /// The draft's signs read once: which warning signs (by position) have an answer of
    /// any kind, for the pages of signs, and what the answers asked, for the open risk
    /// factors.
    fn signs_read(&self) -> &'a SignsRead {
        self.known.signs_read.get_or_init(|| {
            let mut answered = vec![false; self.rules.warning_signs.len()];
            let asked = asked(&self.draft.answers, self.rules, |_, found| {
                if let Some(SymptomRef::WarningSign(i)) = found {
                    answered[i] = true;
                }
            });
            SignsRead { answered, asked }
        })
    }

    /// Whether every sign of a page of signs has been answered ([`emergency_signs`],
    /// [`urgent_signs`], [`same_day_signs`]).
    fn answered(&self, page: SignPage) -> bool {
        self.rules
            .warning_signs
            .iter()
            .zip(&self.signs_read().answered)
            .all(|(w, done)| *done || !page.lists(w.disposition))
    }

    /// The disposition the answers so far give ([`disposition_so_far`]).
    pub fn disposition(&self) -> Disposition {
        self.so_far()
            .as_ref()
            .map(|s| s.triage.disposition)
            .unwrap_or_default()
    }

    /// Whether the answers so far reach the emergency department or an emergency: then
    /// the result, at once, with no further question.
    pub fn stops(&self) -> bool {
        self.disposition() >= Disposition::GoToEdNow
    }

    /// The risk factors not answered whose yes could still change the answer
    /// ([`crate::questionnaire::risk_factors_to_ask`]).
    fn open_risk_factors(&self) -> &'a [String] {
        self.known.to_ask.get_or_init(|| match self.so_far() {
            Ok(s) => risk_factors_open(
                &s.case,
                s.triage.disposition,
                &self.signs_read().asked,
                self.rules,
            ),
            Err(_) => Vec::new(),
        })
    }

    /// The risk factors the "about you" page asks: those already answered (so that a
    /// change shows them again) and those whose yes could still change the answer, in the
    /// rule file's order.
    pub fn about_you(&self) -> &'a [String] {
        self.known.about_you.get_or_init(|| {
            let answered = &self.draft.answers.risk_factors;
            let open = self.open_risk_factors();
            self.rules
                .risk_factors
                .iter()
                .map(|r| &r.id)
                .filter(|id| answered.iter().any(|a| a.id == **id) || open.contains(id))
                .cloned()
                .collect()
        })
    }

    /// The first question still open, or the result.
    pub fn next(&self) -> Step {
        *self.known.next.get_or_init(|| self.first_open())
    }

    fn first_open(&self) -> Step {
        let (draft, rules) = (self.draft, self.rules);
        let a = &draft.answers;
        if !self.answered(SignPage::Emergency) {
            return Step::Emergency;
        }
        if self.stops() {
            return Step::Result;
        }
        if !self.answered(SignPage::Urgent) {
            return Step::Urgent;
        }
        if a.treatment.is_none() {
            return Step::When;
        }
        if !self.answered(SignPage::SameDay) {
            return Step::SameDay;
        }
        if !a.symptoms_asked {
            return Step::Symptoms;
        }
        let other = rules.other.as_ref().map(|o| o.id.as_str());
        if other.is_some_and(|o| draft.symptom_order.iter().any(|id| id == o))
            && draft.other_description.is_none()
        {
            return Step::Other;
        }
        if let Some(i) = draft
            .symptom_order
            .iter()
            .position(|id| !a.symptoms.iter().any(|s| &s.id == id))
        {
            return Step::Details(i + 1);
        }
        if !self.open_risk_factors().is_empty() {
            return Step::AboutYou;
        }
        if a.repeat_contact.is_none() {
            return Step::Repeat;
        }
        if !draft.confirmed {
            return Step::Answers;
        }
        Step::Result
    }

    /// Whether a page may be shown: one that was reached already (to go back to, or to
    /// change from "Check your answers"), or the next one. A page further on would ask a
    /// question out of its order, and the result before the questions would read unknown
    /// as no.
    pub fn may_show(&self, step: Step) -> bool {
        let draft = self.draft;
        let a = &draft.answers;
        // A page reached already is known from the answers alone; the next question is
        // worked out (the case triaged, its open risk factors found) only when that is not
        // enough, as a page further back or a change from "Check your answers" never needs.
        let reached = match step {
            Step::Emergency => true,
            Step::Urgent => self.answered(SignPage::Emergency),
            Step::When => self.answered(SignPage::Urgent),
            Step::SameDay => a.treatment.is_some(),
            Step::Symptoms => self.answered(SignPage::SameDay) && a.treatment.is_some(),
            Step::Other => draft.other_description.is_some(),
            Step::Details(n) => n >= 1 && n <= draft.symptom_order.len() && a.symptoms_asked,
            Step::AboutYou => !a.risk_factors.is_empty(),
            Step::Repeat => a.repeat_contact.is_some(),
            Step::Answers => self.next() == Step::Result && !self.stops(),
            Step::Result => false,
        };
        reached || step == self.next()
    }

    /// The sign the questions stopped at, for the result and the record.
    pub fn stopped_at(&self) -> Option<String> {
        stopped_at(&self.draft.answers, self.stops())
    }

    /// The result of the answers, with the one evaluation (the terminal's: its triage,
    /// put into words), at the page's clock.
    pub fn outcome(&self) -> Result<Outcome, crate::error::Error> {
        let s = self
            .so_far()
            .as_ref()
            .map_err(|e| invalid_case(e.clone()))?;
        Ok(Outcome {
            mode: Mode::Patient,
            assessed_at: self.now,
            answers: self.draft.answers.clone(),
            input: s.input.clone(),
            case: s.case.clone(),
            assessment: explain(&s.case, &s.triage, self.rules),
            stopped_at: self.stopped_at(),
            nurse_override: None,
            call: None,
        })
    }
}

/// The first question still open, or the result ([`Facts::next`] of a draft on its own).
#[cfg(test)]
pub fn next(draft: &Draft, rules: &RuleSet, now: DateTime<FixedOffset>) -> Step {
    Facts::new(draft, rules, now, &Known::default()).next()
}

/// [`Facts::may_show`] of a draft on its own.
#[cfg(test)]
pub fn may_show(step: Step, draft: &Draft, rules: &RuleSet, now: DateTime<FixedOffset>) -> bool {
    Facts::new(draft, rules, now, &Known::default()).may_show(step)
}

/// [`Facts::about_you`] of a draft on its own.
pub fn about_you(draft: &Draft, rules: &RuleSet, now: DateTime<FixedOffset>) -> Vec<String> {
    Facts::new(draft, rules, now, &Known::default())
        .about_you()
        .to_vec()
}

/// [`Facts::outcome`] of a draft on its own.
#[cfg(test)]
pub fn outcome(
    draft: &Draft,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Outcome, crate::error::Error> {
    Facts::new(draft, rules, now, &Known::default()).outcome()
}

/// Records the answers of one list of signs (every sign of the list: ticked yes, the rest
/// no), in place of what was said of them before.
pub fn record_signs(answers: &mut Answers, ids: &[&str], ticked: &[String]) {
    crate::questionnaire::record_checklist(&mut answers.signs, ids, ticked);
}

/// Records the symptoms page: the details of symptoms still ticked are kept; the others
/// are dropped; the new ones wait for their details (counted meanwhile with the protocol's
/// defaults, as the terminal does, so that a stop is never later than there).
pub fn record_symptoms(draft: &mut Draft, ticked: Vec<String>, other: Option<&str>) {
    let a = &mut draft.answers;
    a.symptoms_asked = true;
    a.symptoms.retain(|s| ticked.contains(&s.id));
    a.pending = ticked
        .iter()
        .filter(|id| !a.symptoms.iter().any(|s| &s.id == *id))
        .cloned()
        .collect();
    // Unticked, "something else" takes its words with it.
    if !other.is_some_and(|o| ticked.iter().any(|id| id == o)) {
        draft.other_description = None;
    }
    draft.symptom_order = ticked;
}

/// Records the details of one symptom, in the order of the symptoms page.
pub fn record_details(
    draft: &mut Draft,
    mut answer: crate::questionnaire::SymptomAnswer,
    other: Option<&str>,
) {
    if other == Some(answer.id.as_str()) {
        answer.description = draft.other_description.clone();
    }
    let a = &mut draft.answers;
    a.pending.retain(|id| id != &answer.id);
    a.symptoms.retain(|s| s.id != answer.id);
    a.symptoms.push(answer);
    let order = &draft.symptom_order;
    a.symptoms
        .sort_by_key(|s| order.iter().position(|id| id == &s.id));
}

/// After the treatment date changes (`before`: the days since the old treatment): the
/// details of a symptom whose start the new date makes impossible, moves, or needs when it
/// was not asked, are asked again
/// ([`crate::questionnaire::asked_again_after_the_date_changed`]).
pub fn recheck_start_days(
    draft: &mut Draft,
    rules: &RuleSet,
    before: Option<f64>,
    now: DateTime<FixedOffset>,
) {
    let days = draft.answers.days(now);
    let a = &mut draft.answers;
    let (again, keep): (Vec<_>, Vec<_>) =
        std::mem::take(&mut a.symptoms).into_iter().partition(|s| {
            crate::questionnaire::asked_again_after_the_date_changed(rules, s, before, days)
        });
    a.symptoms = keep;
    a.pending.extend(again.into_iter().map(|s| s.id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::{Started, SymptomAnswer, TrendAnswer};
    use aftercare_core::model::Severity;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-06T12:00:00+00:00").unwrap()
    }

    fn rules() -> RuleSet {
        RuleSet::built_in()
    }

    fn through_the_signs(draft: &mut Draft, rules: &RuleSet) {
        record_signs(&mut draft.answers, &emergency_signs(rules), &[]);
        record_signs(&mut draft.answers, &urgent_signs(rules), &[]);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        draft.answers.treatment =
            Some(crate::questionnaire::treatment_on(day, None, now()).unwrap());
        record_signs(&mut draft.answers, &same_day_signs(rules), &[]);
    }

    #[test]
    fn the_danger_signs_come_first_and_an_emergency_stops_at_once() {
        let rules = rules();
        let mut draft = Draft::default();
        assert_eq!(next(&draft, &rules, now()), Step::Emergency);
        record_signs(
            &mut draft.answers,
            &emergency_signs(&rules),
            &["difficulty_breathing".to_string()],
        );
        assert_eq!(next(&draft, &rules, now()), Step::Result);
        let o = outcome(&draft, &rules, now()).unwrap();
        assert_eq!(o.assessment.disposition, Disposition::CallEmergencyNow);
        assert_eq!(o.stopped_at.as_deref(), Some("difficulty_breathing"));
    }

    #[test]
    fn a_normal_day_asks_every_question_then_the_check_of_the_answers() {
        let rules = rules();
        let mut draft = Draft::default();
        record_signs(&mut draft.answers, &emergency_signs(&rules), &[]);
        assert_eq!(next(&draft, &rules, now()), Step::Urgent);
        record_signs(&mut draft.answers, &urgent_signs(&rules), &[]);
        assert_eq!(next(&draft, &rules, now()), Step::When);
        through_the_signs(&mut draft, &rules);
        assert_eq!(next(&draft, &rules, now()), Step::Symptoms);
        record_symptoms(&mut draft, vec!["redness".into()], Some("other"));
        assert_eq!(next(&draft, &rules, now()), Step::Details(1));
        assert!(!may_show(Step::Answers, &draft, &rules, now()));
        record_details(
            &mut draft,
            SymptomAnswer {
                id: "redness".into(),
                severity: Severity::Mild,
                trend: TrendAnswer::Improving,
                started: Started::Day(0),
                description: None,
            },
            Some("other"),
        );
        // No risk factor can change a mild redness that is getting better on day 2.
        assert_eq!(next(&draft, &rules, now()), Step::Repeat);
        draft.answers.repeat_contact = Some(false);
        assert_eq!(next(&draft, &rules, now()), Step::Answers);
        assert!(!may_show(Step::Result, &draft, &rules, now()));
        draft.confirmed = true;
        assert_eq!(next(&draft, &rules, now()), Step::Result);
        let o = outcome(&draft, &rules, now()).unwrap();
        assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    }

    #[test]
    fn something_else_asks_for_its_words_before_its_details() {
        let rules = rules();
        let mut draft = Draft::default();
        through_the_signs(&mut draft, &rules);
        record_symptoms(
            &mut draft,
            vec!["redness".into(), "other".into()],
            Some("other"),
        );
        assert_eq!(next(&draft, &rules, now()), Step::Other);
        draft.other_description = Some("a rash on the neck".into());
        assert_eq!(next(&draft, &rules, now()), Step::Details(1));
        record_details(
            &mut draft,
            SymptomAnswer {
                id: "other".into(),
                severity: Severity::Mild,
                trend: TrendAnswer::Stable,
                started: Started::Day(1),
                description: None,
            },
            Some("other"),
        );
        assert_eq!(next(&draft, &rules, now()), Step::Details(1));
        let other = draft
            .answers
            .symptoms
            .iter()
            .find(|s| s.id == "other")
            .unwrap();
        assert_eq!(other.description.as_deref(), Some("a rash on the neck"));
    }

    #[test]
    fn a_later_treatment_day_asks_a_start_again() {
        let rules = rules();
        let mut draft = Draft::default();
        through_the_signs(&mut draft, &rules);
        record_symptoms(&mut draft, vec!["redness".into()], Some("other"));
        record_details(
            &mut draft,
            SymptomAnswer {
                id: "redness".into(),
                severity: Severity::Mild,
                trend: TrendAnswer::Stable,
                started: Started::Day(2),
                description: None,
            },
            Some("other"),
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        draft.answers.treatment =
            Some(crate::questionnaire::treatment_on(today, None, now()).unwrap());
        recheck_start_days(&mut draft, &rules, Some(4.5), now());
        assert_eq!(next(&draft, &rules, now()), Step::Details(1));
    }

    #[test]
    fn no_page_further_on_can_be_opened_early() {
        let rules = rules();
        let draft = Draft::default();
        for step in [
            Step::Urgent,
            Step::When,
            Step::Symptoms,
            Step::Answers,
            Step::Result,
        ] {
            assert!(!may_show(step, &draft, &rules, now()), "{step:?}");
        }
        assert!(may_show(Step::Emergency, &draft, &rules, now()));
    }

    #[test]
    fn a_stored_draft_reads_back_as_it_was() {
        let rules = rules();
        let mut draft = Draft::default();
        through_the_signs(&mut draft, &rules);
        record_signs(
            &mut draft.answers,
            &["fever", "chills"],
            &["chills".to_string()],
        );
        draft.answers.signs.push(SignAnswer {
            id: "fainting".into(),
            answer: SignState::NotAsked,
        });
        draft.answers.signs.push(SignAnswer {
            id: "seizure".into(),
            answer: SignState::NotKnown,
        });
        record_symptoms(
            &mut draft,
            vec!["redness".into(), "other".into()],
            Some("other"),
        );
        draft.other_description = Some("a \"rash\" + -spots".into());
        draft.sent = Some(Sent {
            checkin: "c1".into(),
            at: "12:00".into(),
            consent_to_call: true,
        });
        draft.begun_at = Some("2026-12-06T11:50:00+00:00".into());
        let text = draft.to_stored().unwrap();
        assert!(text.contains(r#""signs":"-difficulty_breathing -throat_swelling"#));
        assert!(text.contains("-fever +chills ~fainting ?seizure"));
        assert_eq!(Draft::from_stored(&text), Some(draft.clone()));
        // A draft with no sign answered yet has no line.
        let empty = Draft::default();
        assert!(!empty.to_stored().unwrap().contains(r#""signs":""#));
        assert_eq!(Draft::from_stored(&empty.to_stored().unwrap()), Some(empty));
        // An id the line cannot hold keeps every sign in the answers.
        draft.answers.signs[0].id = "not an id".into();
        let text = draft.to_stored().unwrap();
        assert!(text.contains(r#""signs":[{"id":"not an id","answer":"no"}"#));
        assert_eq!(Draft::from_stored(&text), Some(draft));
    }

    #[test]
    fn a_draft_stored_before_the_signs_line_still_reads() {
        let text = r#"{"answers":{"treatment":{"at":"2026-12-04T00:00:00+00:00","time_given":false,"as_given":"2026-12-04"},"signs":[{"id":"difficulty_breathing","answer":"no"},{"id":"fever","answer":"yes"}],"symptoms_asked":true,"symptoms":[{"id":"redness","severity":"mild","trend":"improving","started":{"day":0}}],"repeat_contact":false},"symptom_order":["redness"],"other_description":null,"confirmed":true,"sent":null,"begun_at":"2026-12-06T18:01:22.999010357+00:00"}"#;
        let draft = Draft::from_stored(text).unwrap();
        assert_eq!(draft.answers.signs.len(), 2);
        assert_eq!(draft.answers.signs[1].id, "fever");
        assert_eq!(draft.answers.signs[1].answer, SignState::Yes);
        assert_eq!(draft.symptom_order, ["redness"]);
        assert!(draft.confirmed);
        // Written again, it reads back the same.
        assert_eq!(Draft::from_stored(&draft.to_stored().unwrap()), Some(draft));
        // A line that is not one is no draft (as good as expired).
        for bad in [
            "",
            " ",
            "-fever ",
            "-fever  -chills",
            "fever",
            "-",
            "*fever",
            "\u{e9}fever",
            "-fever \u{e9}",
        ] {
            assert_eq!(signs_from_line(bad), None, "{bad:?}");
        }
        assert_eq!(signs_from_line("-fever +chills").map(|s| s.len()), Some(2));
        assert_eq!(
            Draft::from_stored(&text.replace(r#""sent":null"#, r#""sent":null,"signs":"fever""#)),
            None
        );
    }

    /// The check-in's pages ask the conversation's parts in the web's order: a check-in with something else and a risk factor to ask
    /// goes through every part.
    #[test]
    fn the_pages_ask_the_conversation_in_its_order() {
        let rules = rules();
        let mut draft = Draft::default();
        let mut parts: Vec<Part> = Vec::new();
        let visit = |draft: &Draft, parts: &mut Vec<Part>| {
            let step = next(draft, &rules, now());
            if let Some(p) = step.part() {
                if parts.last() != Some(&p) {
                    assert!(!parts.contains(&p), "{p:?} again at {step:?}");
                    parts.push(p);
                }
            }
            step
        };
        visit(&draft, &mut parts);
        record_signs(&mut draft.answers, &emergency_signs(&rules), &[]);
        visit(&draft, &mut parts);
        record_signs(&mut draft.answers, &urgent_signs(&rules), &[]);
        visit(&draft, &mut parts);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        draft.answers.treatment =
            Some(crate::questionnaire::treatment_on(day, None, now()).unwrap());
        visit(&draft, &mut parts);
        // Pus: with a weakened immune system it is more urgent, so that is asked.
        record_signs(
            &mut draft.answers,
            &same_day_signs(&rules),
            &["pus".to_string()],
        );
        visit(&draft, &mut parts);
        record_symptoms(
            &mut draft,
            vec!["redness".into(), "other".into()],
            Some("other"),
        );
        assert_eq!(visit(&draft, &mut parts), Step::Other);
        draft.other_description = Some("a rash on the neck".into());
        for id in ["redness", "other"] {
            assert!(matches!(visit(&draft, &mut parts), Step::Details(_)));
            record_details(
                &mut draft,
                SymptomAnswer {
                    id: id.into(),
                    severity: Severity::Mild,
                    trend: TrendAnswer::Improving,
                    started: Started::Day(0),
                    description: None,
                },
                Some("other"),
            );
        }
        assert_eq!(visit(&draft, &mut parts), Step::AboutYou);
        for id in about_you(&draft, &rules, now()) {
            draft
                .answers
                .risk_factors
                .push(crate::questionnaire::SignAnswer {
                    id: id.into(),
                    answer: SignState::No,
                });
        }
        assert_eq!(visit(&draft, &mut parts), Step::Repeat);
        draft.answers.repeat_contact = Some(false);
        assert_eq!(visit(&draft, &mut parts), Step::Answers);
        assert_eq!(parts, crate::conversation::PATIENT_ON_THE_WEB);
    }

    #[test]
    fn step_names_round_trip_and_hold_no_answer() {
        for step in [
            Step::Emergency,
            Step::Urgent,
            Step::When,
            Step::SameDay,
            Step::Symptoms,
            Step::Other,
            Step::AboutYou,
            Step::Repeat,
            Step::Answers,
            Step::Result,
        ] {
            let path = step.path();
            let name = path.trim_start_matches("/check/");
            assert_eq!(Step::named(name), Some(step));
        }
    }
}
