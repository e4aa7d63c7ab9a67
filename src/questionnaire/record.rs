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

/// The largest record `record show` reads: far above any call, far below harm.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// `aftercare record show FILE`: the note as printed at the end of the call, the report of
/// the recorded case assessed again (the same disposition as `check --input` on it), or the
/// record itself. Text from the file is shown with its control characters made visible: a
/// record is input, and input never drives the terminal.
pub fn show(
    config: &crate::cli::Config,
    style: crate::output::text::Style,
    path: &Path,
    format: Option<crate::cli::RecordFormat>,
) -> Result<i32, Error> {
    use crate::cli::RecordFormat;
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Input(format!("{shown}: {}", crate::io_reason(&e))))?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Input(format!("{shown}: {}", crate::io_reason(&e))))?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(Error::Input(format!(
            "{shown}: larger than {} MiB, not a record",
            MAX_RECORD_BYTES / 1024 / 1024
        )));
    }
    let record: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Input(format!("{shown}: not a record (JSON: {e})")))?;
    if record.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(Error::Input(format!(
            "{shown}: not a record (its \"format\" is not {FORMAT:?})"
        )));
    }
    let note = record.get("note").and_then(|n| n.as_str());
    let text = match (format, note) {
        (Some(RecordFormat::Json), _) => {
            serde_json::to_string_pretty(&record).map_err(|e| Error::Io(e.to_string()))? + "\n"
        }
        (Some(RecordFormat::Note) | None, Some(note)) => visible(note),
        (Some(RecordFormat::Note), None) => {
            return Err(Error::Input(format!(
                "{shown}: this record has no note (a patient's questionnaire); use --format text"
            )))
        }
        (Some(RecordFormat::Text) | None, _) => {
            let case = record
                .get("case")
                .ok_or_else(|| Error::Input(format!("{shown}: the record has no case")))?;
            let input = crate::input::parse_json_case(&case.to_string())
                .map_err(|e| Error::Input(format!("{shown}: case: {e}")))?;
            let rules = crate::app::load_rules(config)?;
            let assessment = crate::evaluate::assess_input(&input, &rules, config.now)
                .map_err(|e| Error::Input(format!("{shown}: case: {e}")))?;
            let mut out = crate::output::text::report_styled(&assessment, &rules, style);
            if let Some(d) = record.get("disposition").and_then(|d| d.as_str()) {
                if d != assessment.disposition.code() {
                    out.push_str(&visible(&format!(
                        "\nDisposition in force (the nurse's change, recorded): {d}\n"
                    )));
                }
            }
            if let Some(how) = record.pointer("/call/stopped").and_then(|s| s.as_str()) {
                out.push_str(&visible(&format!("The call was stopped ({how}).\n")));
            }
            out
        }
    };
    crate::app::print_out(&text)
}

/// Control characters other than the line break shown as their code ("\u{1b}"), so that a
/// record's text cannot move the cursor, clear the screen or set the title.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n'
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
            {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
