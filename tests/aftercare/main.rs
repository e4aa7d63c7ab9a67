//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod rule_examples;
