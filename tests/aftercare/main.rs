//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod atomic_write;
mod call_records;
mod cli_advice;
mod cli_check;
mod cli_input_errors;
mod cli_rules;
mod clinical_table;
mod docs;
mod fast_paths;
mod fhir;
mod fuzz_props;
mod hostile;
mod layers;
mod limits;
mod postgres_replicas;
mod properties;
mod protocol_1_1;
mod protocol_1_2;
mod questionnaire;
mod refusal_safety_net;
mod rule_examples;
mod rule_safety;
mod rule_words;
mod schema;
mod serve;
mod shell;
mod signs;
mod snapshots;
mod streams;
mod terminal;
mod web;
mod windows;
