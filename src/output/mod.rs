//! One module per output format.

pub mod diagnostics;
pub mod fhir;
pub mod json;
pub mod openapi;
pub mod rules_table;
pub mod schema;
pub mod text;
pub mod timeline;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The full result as one JSON object per case.
    Json,
    /// One short JSON object per case: disposition, findings with their rules, rule set.
    Compact,
    /// A report for a person to read.
    Text,
    /// Only the disposition code, one line per case, for shell scripts.
    Disposition,
    /// A FHIR R4 Bundle per case, one a line; an OperationOutcome for a case not read.
    Fhir,
}
