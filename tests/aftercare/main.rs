//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod atomic_write;
mod cli_advice;
mod cli_check;
mod cli_input_errors;
mod cli_rules;
mod clinical_table;
mod fast_paths;
mod fuzz_props;
mod hostile;
mod invariants;
mod properties;
mod protocol_1_1;
mod questionnaire;
mod rule_examples;
mod rule_safety;
mod signs;
mod snapshots;
mod terminal;
mod windows;
