//! `--record FILE`: the whole questionnaire or call as one JSON document, written whole or
//! not at all (a temporary file in the same folder, then renamed), and only at the end:
//! a cancelled or interrupted questionnaire leaves no record.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::{Answers, Mode, Outcome, Override};
use crate::error::Error;
use crate::input::CaseInput;
use crate::model::{Disposition, Finding, RuleSetId};

/// What a record holds. `format` names this layout so that a reader can tell versions apart.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub format: &'static str,
    pub mode: Mode,
    /// When the questions were answered (the assessment time).
    pub assessed_at: String,
    pub answers: &'a Answers,
    /// The case as the JSON interface takes it: `aftercare check --input` on it gives the
    /// same computed disposition.
    pub case: &'a CaseInput,
    /// The danger sign at which the questions stopped, if they did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<&'a str>,
    pub findings: &'a [Finding],
    /// The disposition the rules gave.
    pub computed_disposition: Disposition,
    /// The nurse's change, if any.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub nurse_override: Option<&'a Override>,
    /// The disposition in force.
    pub disposition: Disposition,
    pub rule_set: RuleSetId,
    /// The call details and the end of the call (nurse), with `stopped` when the call was
    /// stopped after its instruction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<&'a super::nurse::CallDetails>,
    /// The SBAR note, as printed (nurse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

pub const FORMAT: &str = "aftercare-record-1";

impl<'a> Record<'a> {
    pub fn new(o: &'a Outcome, note: Option<&'a str>) -> Self {
        Record {
            format: FORMAT,
            mode: o.mode,
            assessed_at: rfc3339(o.assessed_at),
            answers: &o.answers,
            case: &o.input,
            stopped_at: o.stopped_at.as_deref(),
            findings: &o.assessment.findings,
            computed_disposition: o.assessment.disposition,
            nurse_override: o.nurse_override.as_ref(),
            disposition: o.disposition(),
            rule_set: o.assessment.rule_set.clone(),
            call: o.call.as_ref(),
            note,
        }
    }
}

fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

/// Writes the record whole or not at all.
pub fn write(path: &Path, record: &Record<'_>) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec_pretty(record).map_err(|e| Error::Io(e.to_string()))?;
    bytes.push(b'\n');
    crate::atomic::write_file(path, &bytes).map_err(Error::Io)
}

/// Checks before the first question that the record can go where asked, so that nobody
/// answers a whole call to lose its record at the end.
pub fn check_target(path: &Path) -> Result<(), Error> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "--record: {shown} is a folder; give a file name"
        )));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "--record: {shown}: the folder {} does not exist",
            dir.display()
        )));
    }
    Ok(())
}
