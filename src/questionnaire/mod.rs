//! The two interactive front doors: the patient's questionnaire at home and the nurse's
//! telephone protocol. Both ask through a [`prompt::Prompter`], build the very `CaseInput`
//! that the JSON interface takes, and call the same evaluation.
//!
//! Unknown is never "no" here either: Esc stops the questionnaire instead of skipping a
//! question, a checklist needs an explicit "None of these", and an answer of "not sure" is
//! turned into the value that cannot make the result milder (see [`Answers::case_input`]).

mod answers;
#[cfg(feature = "terminal")]
pub mod checklist;
pub mod hangup;
pub mod lines;
pub mod nurse;
mod on_terminal;
mod outcome;
pub mod patient;
pub mod prompt;
mod questions;
pub mod record;
mod saving;
pub mod sbar;
#[cfg(any(test, feature = "testing"))]
pub mod scripted;
pub mod search;
mod symptom_details;
#[cfg(feature = "terminal")]
pub mod terminal;
mod treatment_date;
mod words;

pub use answers::{
    checkin_answers, record_checklist, Answers, Background, Elapsed, FromCheckin, Mode, SignAnswer,
    SignState, Started, SymptomAnswer, Treatment, TrendAnswer,
};
pub use on_terminal::{run_on_terminal, run_on_terminal_from};
pub use outcome::{
    asked, disposition_so_far, escalation_ids, escalation_risk_factors, evaluate, invalid_case,
    risk_factors_open, risk_factors_to_ask, whole_seconds, Outcome, Override,
};
pub use questions::{
    ask_checklist, ask_follow_ups, ask_other_words, ask_risk_factors, ask_sign_checklist,
    ask_symptoms, ask_symptoms_then, KeptDetails, NONE_KEY,
};
pub use saving::Options;
pub(crate) use saving::{keep, stopped_words};
pub use symptom_details::{
    ask_details, asked_again_after_the_date_changed, start_day_words, start_is_asked,
};
pub use treatment_date::{ask_treatment, treatment_on, treatment_words};
pub use words::{cancel_safety_net, label, sign_words, symptom_line, symptom_words};
