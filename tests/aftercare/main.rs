//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod cli_advice;
mod cli_check;
mod cli_input_errors;
mod cli_rules;
mod clinical_table;
mod properties;
mod questionnaire;
mod rule_examples;
mod signs;
mod snapshots;
mod terminal;
mod windows;
