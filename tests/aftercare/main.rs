//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod hostile;
mod invariants;
mod rule_examples;
