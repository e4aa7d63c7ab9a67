//! `--record FILE`: the whole questionnaire or call as one JSON document, written whole or
//! not at all (a temporary file in the same folder, then linked to its name with no-clobber),
//! and only at the end: a cancelled or interrupted questionnaire leaves no record. A record
//! never replaces anything: a name already taken is refused before the first question.

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
            note,
        }
    }
}

fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

/// Writes the record whole or not at all, never in place of anything. If someone saved to
/// the same name since the check before the first question, the call is not lost: it goes
/// beside it (`call-2.json`, ...). Returns the name used.
pub fn write(path: &Path, record: &Record<'_>) -> Result<std::path::PathBuf, Error> {
    let mut bytes = serde_json::to_vec_pretty(record).map_err(|e| Error::Io(e.to_string()))?;
    bytes.push(b'\n');
    crate::atomic::write_new_or_beside(path, &bytes, 100).map_err(Error::Io)
}

/// Checks before the first question that the record can go where asked, so that nobody
/// answers a whole call to lose its record at the end: the name is a file name, nothing has
/// it yet (no file, link, FIFO or device: a record is never replaced), and a file can be
/// made in its folder (one is made and removed).
pub fn check_target(path: &Path) -> Result<(), Error> {
    let shown = path.display();
    let refuse = |why: String| Err(Error::Usage(format!("--record: {shown}: {why}")));
    let text = path.as_os_str().as_encoded_bytes();
    if text.is_empty() || text.ends_with(b"/") || path.is_dir() {
        return refuse("is a folder; give a file name".into());
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return refuse("already exists; a record is never replaced: give a new file name".into());
    }
    let dir = crate::atomic::folder_of(path);
    if !dir.is_dir() {
        return refuse(format!("the folder {} does not exist", dir.display()));
    }
    // Proof that the record can be written there: the same kind of file, made and removed.
    tempfile::Builder::new()
        .prefix(".aftercare-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .and_then(|tmp| tmp.close())
        .or_else(|e| {
            refuse(format!(
                "cannot write in the folder {}: {}",
                dir.display(),
                crate::io_reason(&e)
            ))
        })
}
