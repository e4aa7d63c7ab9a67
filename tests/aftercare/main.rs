//! The integration tests: one binary, one module per area.

mod support;

mod acceptance;
mod atomic_write;
mod fuzz_props;
mod hostile;
mod invariants;
mod rule_examples;
mod rule_safety;
