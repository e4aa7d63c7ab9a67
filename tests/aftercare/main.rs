//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod hostile;
mod rule_examples;
