//! The triage at the heart of aftercare: a case against the protocol's rules, at a time the
//! caller gives. Nothing here reads a clock, a terminal, a file the caller did not name, or
//! the network; every front door of the application (the questionnaire, the nurse's call,
//! streams, the HTTP service, the web check-in) builds a [`model::Case`] and calls the same
//! [`evaluate`].
//!
//! # The public API
//!
//! - **The case**: [`model`] (what was reported, the disposition, the assessment),
//!   [`input`] (the JSON case as a program sends it, read strictly), [`pretty_case`] (a
//!   case spread over several lines), [`when`] (times as a case or a person gives them),
//!   [`day_words`] (days and hours after the treatment in words, for every output).
//! - **The protocol**: [`rules`] (a rule file read, validated, with its examples run; the
//!   entries a case may name, whatever their table, from [`RuleSet::entries`]),
//!   [`lint`] (a rule file checked against weakening), [`trace`] (which rule each test case
//!   fires), [`examples`] (a case against what it is expected to give: one
//!   [`examples::Expectation`] for a rule file's examples and a table's test cases alike).
//!   Every problem found in a rule file, by the validator, a failing example or the lint,
//!   is one [`rules::Diagnostic`] (an error or a warning).
//! - **The evaluation**: [`resolve`] (a case's times against now), [`evaluate`] (the triage
//!   and its words), [`follow_up`] (what is due next), [`refusal`] (the floor of a case that
//!   cannot be read whole: the emergency it shows is never lost).
//! - **Safe text**: [`unsafe_chars`] and [`escape`] (what may not reach a terminal raw),
//!   [`io_words`] (an I/O error in words).
//!
//! Output formats, files, terminals and servers are the application's, above this crate.

pub mod day_words;
pub mod escape;
pub mod evaluate;
pub mod examples;
pub mod follow_up;
pub mod input;
pub mod io_words;
pub mod lint;
pub mod model;
pub mod pretty_case;
pub mod refusal;
pub mod resolve;
pub mod rules;
pub mod trace;
pub mod unsafe_chars;
pub mod when;

pub use evaluate::{assess, assess_input, triage};
pub use input::{CaseInput, InputError};
pub use model::{Assessment, Case, Disposition, ReportedSymptom, Severity, Trend};
pub use rules::RuleSet;
