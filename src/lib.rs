//! aftercare: symptom triage for the days and weeks after a micro-needling treatment.
//!
//! The triage itself is the `aftercare_core` crate: a pure function of the case, the rules
//! and the time. This crate is everything around it: the command line, the output formats,
//! the terminal questionnaire, streams, the HTTP service, the web check-in and its store. Each
//! front door builds the case and brings the current time in.
//!
//! Features (on by default): `server` (the HTTP service, the web check-in, the clinic inbox
//! and their store) and `terminal` (the questionnaires drawn on a terminal). `testing` adds
//! what only tests use.

#[cfg(feature = "server")]
pub mod admin;
pub mod advice;
pub mod app;
pub mod atomic;
pub mod batch;
pub mod cli;
pub mod conversation;
pub mod error;
#[cfg(any(test, feature = "testing"))]
pub mod fuzz_contract;
pub mod io_text;
pub mod output;
pub mod questionnaire;
#[cfg(feature = "server")]
pub mod serve;
pub mod shell;
#[cfg(feature = "server")]
pub mod store;
#[cfg(any(test, feature = "testing"))]
pub mod stream_contract;
#[cfg(feature = "server")]
pub mod web;
pub mod whole_records;

pub use error::{io_reason, Error};

/// The built-in rule set, parsed once for all the unit tests of the crate.
#[cfg(test)]
pub(crate) fn built_in_rules_for_tests() -> &'static aftercare_core::RuleSet {
    static RULES: std::sync::OnceLock<aftercare_core::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(aftercare_core::RuleSet::built_in)
}
