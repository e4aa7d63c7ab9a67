//! aftercare: symptom triage for the days and weeks after a micro-needling treatment.
//!
//! The core is pure: [`evaluate::assess`] takes a case (with the time since treatment
//! already resolved), and the rule set; the edges (command line, questionnaire, JSON input)
//! build the case and bring the current time in.

pub mod admin;
pub mod advice;
pub mod app;
pub mod atomic;
pub mod batch;
pub mod cli;
pub mod error;
pub mod evaluate;
pub mod examples;
pub mod follow_up;
pub mod fuzz_contract;
pub mod input;
pub mod io_text;
pub mod lint;
pub mod model;
pub mod output;
pub mod pretty_case;
pub mod questionnaire;
pub mod refusal;
pub mod resolve;
pub mod rules;
pub mod serve;
pub mod shell;
pub mod store;
pub mod stream_contract;
pub mod trace;
pub mod unsafe_chars;
pub mod web;
pub mod when;
pub mod whole_records;

pub use error::{io_reason, Error};
pub use evaluate::{assess, assess_input, triage};
pub use input::{CaseInput, InputError};
pub use model::{Assessment, Case, Disposition, ReportedSymptom, Severity, Trend};
pub use rules::RuleSet;
