//! `--record FILE`: the whole questionnaire or call as one JSON document, written whole or
//! not at all (a temporary file in the same folder, then linked to its name with no-clobber),
//! and only at the end: a cancelled or interrupted questionnaire leaves no record. A record
//! never replaces anything: a name already taken is refused before the first question.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::nurse::CallDetails;
use super::{Answers, Mode, Outcome, Override};
use crate::error::Error;
use aftercare_core::input::CaseInput;
use aftercare_core::model::{Disposition, Finding, RuleSetId};

/// What a record holds: written at the end of the questionnaire, and read back by
/// `record show` and `record fhir` into the same types, so that what is read can never
/// drift from what is written. `format` names this layout so that a reader can tell
/// versions apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub format: String,
    pub mode: Mode,
    /// When the questions were answered (the assessment time).
    pub assessed_at: String,
    pub answers: Answers,
    /// The case as the JSON interface takes it: `aftercare check --input` on it gives the
    /// same computed disposition.
    pub case: CaseInput,
    /// Where the questions stopped, if they did ([`crate::questionnaire::Answers::stopped_at`]):
    /// a danger sign, or else a symptom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<String>,
    /// The rules' findings when the questions were answered. Read back, but never exported:
    /// the FHIR bundle carries the findings of the case assessed again.
    pub findings: Vec<Finding>,
    /// The disposition the rules gave.
    pub computed_disposition: Disposition,
    /// The nurse's change, if any.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub nurse_override: Option<Override>,
    /// The disposition in force.
    pub disposition: Disposition,
    pub rule_set: RuleSetId,
    /// The call details and the end of the call (nurse), with `stopped` when the call was
    /// stopped after its instruction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallDetails>,
    /// The SBAR note, as printed (nurse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub const FORMAT: &str = "aftercare-record-1";

impl Record {
    pub fn new(o: &Outcome, note: Option<&str>) -> Self {
        Record {
            format: FORMAT.to_string(),
            mode: o.mode,
            assessed_at: rfc3339(o.assessed_at),
            answers: o.answers.clone(),
            case: o.input.clone(),
            stopped_at: o.stopped_at.clone(),
            findings: o.assessment.findings.clone(),
            computed_disposition: o.assessment.disposition,
            nurse_override: o.nurse_override.clone(),
            disposition: o.disposition(),
            rule_set: o.assessment.rule_set.clone(),
            call: o.call.clone(),
            note: note.map(str::to_string),
        }
    }
}

fn rfc3339(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

/// Writes the record whole or not at all, never in place of anything. If someone saved to
/// the same name since the check before the first question, the call is not lost: it goes
/// beside it (`call-2.json`, ...). Returns the name used.
pub fn write(path: &Path, record: &Record) -> Result<std::path::PathBuf, Error> {
    let mut bytes =
        crate::output::json::to_vec_pretty(record).map_err(|e| Error::Io(e.to_string()))?;
    bytes.push(b'\n');
    crate::atomic::write_new_or_beside(path, &bytes, 100).map_err(Error::Io)
}

/// Checks before the first question that the record can go where asked, so that nobody
/// answers a whole call to lose its record at the end: the name is a file name, nothing has
/// it yet (no file, link, FIFO or device: a record is never replaced), and a file can be
/// made in its folder (one is made and removed).
pub fn check_target(path: &Path) -> Result<(), Error> {
    check_new_file(path, "--record", "a record")
}

/// As [`check_target`] for any file written once and never in place of another: `flag`
/// and `what` ("--save", "a saved result") name it in the refusal.
pub fn check_new_file(path: &Path, flag: &str, what: &str) -> Result<(), Error> {
    let shown = path.display();
    let refuse = |why: String| Err(Error::Usage(format!("{flag}: {shown}: {why}")));
    let text = path.as_os_str().as_encoded_bytes();
    if text.is_empty() || text.ends_with(b"/") || path.is_dir() {
        return refuse("is a folder; give a file name".into());
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return refuse(format!(
            "already exists; {what} is never replaced: give a new file name"
        ));
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

/// Reads a saved record and gives it as a FHIR bundle: the answers as a
/// QuestionnaireResponse authored by the nurse (or the person), and the disposition in force
/// as a RiskAssessment, with an override and its reason as a note.
pub fn read_as_fhir(
    path: &Path,
    rules: &aftercare_core::rules::RuleSet,
) -> Result<serde_json::Value, Error> {
    use crate::output::fhir;
    let name = path.display().to_string();
    let record = read(path)?;
    if record.rule_set != rules.id() {
        crate::output::diagnostics::warning(&format!(
            "{name}: recorded with the rule set {} {}; the words for the disposition come from {} {}",
            record.rule_set.name, record.rule_set.version, rules.name, rules.version
        ));
    }
    let instant = chrono::DateTime::parse_from_rfc3339(&record.assessed_at).map_err(|e| {
        Error::Input(format!(
            "{name}: assessed_at: {e}: {:?}",
            record.assessed_at
        ))
    })?;
    let case = &record.case;
    let retriaged = aftercare_core::evaluate::assess_input(case, rules, instant)
        .map_err(|e| Error::Input(format!("{name}: case: {e}")))?;
    check_dispositions(&name, &record, retriaged.disposition, rules)?;
    let answers = fhir_answers(
        &record.answers,
        case.risk_factors.clone().unwrap_or_default(),
    );
    let author = match record.mode {
        Mode::Nurse => "the clinic's nurse (telephone triage)",
        Mode::Patient => "the person treated (self-reported)",
    };
    let assessed = fhir::Assessed {
        mode: record.mode,
        answers,
        assessed_at: instant.to_rfc3339(),
        instant: instant.to_rfc3339(),
        case_id: case.id.as_deref(),
        // The rules' findings, not the file's: what is exported is what the case gives.
        findings: &retriaged.findings,
        computed: record.computed_disposition,
        disposition: record.disposition,
        override_note: record.nurse_override.as_ref().map(override_note),
        author: Some(author),
        stopped: record.stopped_at.is_some(),
        rule_set: &record.rule_set,
        seed: 0,
    };
    Ok(fhir::bundle(rules, &assessed))
}

/// Reads the record at `path` into the types the questionnaire writes it from: refused when
/// it is not a record of this version's format.
pub fn read(path: &Path) -> Result<Record, Error> {
    let name = path.display().to_string();
    let bytes = read_capped(path)?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let record: Record = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        unreadable(&name, e, || {
            serde_json::from_slice::<serde_json::Value>(&bytes).ok()
        })
    })?;
    check_format(&name, &record)?;
    Ok(record)
}

fn check_format(name: &str, record: &Record) -> Result<(), Error> {
    if record.format != FORMAT {
        return Err(Error::Input(format!(
            "{name}: format: {:?} is not a record this version reads ({FORMAT})",
            record.format
        )));
    }
    Ok(())
}

/// Why a file (called `name`) is not a record, from the error of reading it at the field it
/// names. A fault inside the case is told as `check --input` tells it ("case: symptoms[0]
/// ..."), from the case read on its own (`whole` gives the file's JSON): the case is the
/// part a person edits, and `check --input` is where it is read.
fn unreadable(
    name: &str,
    e: serde_path_to_error::Error<serde_json::Error>,
    whole: impl FnOnce() -> Option<serde_json::Value>,
) -> Error {
    let at = e.path().to_string();
    if at == "case" || at.starts_with("case.") || at.starts_with("case[") {
        let case = whole().and_then(|mut w| w.get_mut("case").map(serde_json::Value::take));
        if let Some(Err(why)) = case.map(|c| aftercare_core::input::parse_json_case(&c.to_string()))
        {
            return Error::Input(format!("{name}: case: {why}"));
        }
    }
    Error::Input(format!(
        "{name}: not an aftercare record: {at}: {}",
        aftercare_core::input::clean_serde_message(&e.into_inner().to_string())
    ))
}

/// A record's answers as a FHIR response holds them: the signs asked, the treatment, the
/// symptoms with their details, the repeat contact, the case's risk factors and the
/// nurse's background.
fn fhir_answers(a: &Answers, risk_factors: Vec<String>) -> crate::output::fhir::Answers {
    use super::answers::{SignState, Started};
    use crate::output::fhir;
    fhir::Answers {
        signs: a
            .signs
            .iter()
            .filter(|s| s.answer != SignState::NotAsked)
            .map(|s| (s.id.to_string(), s.answer == SignState::Yes))
            .collect(),
        signs_as_lists: false,
        treated_at: a.treatment.as_ref().and_then(|t| {
            let at = t.at.to_rfc3339();
            if t.time_given {
                fhir::date_time(&at)
            } else {
                at.get(..10).and_then(fhir::date_time)
            }
        }),
        symptoms: a.symptoms_asked.then(|| {
            a.symptoms
                .iter()
                .map(|s| fhir::SymptomAnswer {
                    id: s.id.clone(),
                    severity: Some(s.severity),
                    trend: Some(s.trend.key().to_string()),
                    started_day: None,
                    started_on_day: match s.started {
                        Started::Day(d) => Some(d),
                        Started::LaterOnTreatmentDay | Started::NotSure => None,
                    },
                    description: None,
                })
                .collect()
        }),
        repeat_contact: a.repeat_contact,
        risk_factors,
        background: a
            .background
            .as_ref()
            .map(background_answers)
            .unwrap_or_default(),
    }
}

/// The nurse's background by key, in alphabetical order as the bundle has always listed
/// it, with what an older record carries besides (its texts as written).
fn background_answers(b: &super::answers::Background) -> Vec<(String, Vec<String>)> {
    let mut all: std::collections::BTreeMap<&str, Vec<String>> = b
        .earlier
        .iter()
        .map(|(key, v)| {
            let values = match v {
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            (key.as_str(), values)
        })
        .collect();
    for q in &crate::conversation::BACKGROUND {
        let id = q.question.id;
        all.insert(id, b.answer(id).unwrap_or_default());
    }
    all.into_iter()
        .map(|(key, values)| (key.to_string(), values))
        .collect()
}

/// "Nurse override: computed … changed to … (less urgent). Reason: …", for the
/// RiskAssessment's note.
fn override_note(o: &Override) -> String {
    let direction = if o.to < o.from {
        "less urgent"
    } else {
        "more urgent"
    };
    let mut note = format!(
        "Nurse override: computed {} changed to {} ({direction}).",
        o.from, o.to
    );
    if let Some(r) = &o.reason {
        note.push_str(&format!(" Reason: {r}"));
    }
    if o.confirmed == Some(true) {
        note.push_str(" Lowering confirmed by the nurse.");
    }
    note
}

/// Refuses a record whose dispositions are not those its case gives with the loaded rules:
/// the computed one must be the re-triage's, and the one in force the computed one, or the
/// nurse's change of it (a lowering with its reason, and its confirmation when one was
/// asked for). An edited record cannot export a milder answer than its answers give.
fn check_dispositions(
    name: &str,
    saved: &Record,
    retriaged: Disposition,
    rules: &aftercare_core::rules::RuleSet,
) -> Result<(), Error> {
    let refuse = |field: &str, stored: Disposition| {
        Err(Error::Input(format!(
            "{name}: {field} is {stored}, but the recorded case gives {retriaged} with the rule set {} {}; not exported",
            rules.name, rules.version
        )))
    };
    if saved.computed_disposition != retriaged {
        return refuse("computed_disposition", saved.computed_disposition);
    }
    match &saved.nurse_override {
        None if saved.disposition != retriaged => refuse("disposition", saved.disposition),
        None => Ok(()),
        Some(o) if o.from != retriaged => refuse("override.from", o.from),
        Some(o) if saved.disposition != o.to => Err(Error::Input(format!(
            "{name}: disposition is {}, but the nurse's change recorded is to {}; not exported",
            saved.disposition, o.to
        ))),
        Some(o)
            if o.to < o.from
                && (o.reason.as_deref().is_none_or(|r| r.trim().is_empty())
                    || (Override::needs_confirmation(o.from, o.to)
                        && o.confirmed != Some(true))) =>
        {
            Err(Error::Input(format!(
                "{name}: disposition is {}, lowered from {retriaged} without the reason or the confirmation the questionnaire asks for; not exported",
                saved.disposition
            )))
        }
        Some(_) => Ok(()),
    }
}

/// The largest record `record show` and `record fhir` read: far above any call, far below
/// harm.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// A record's bytes, refused when larger than [`MAX_RECORD_BYTES`] without reading it all: a
/// file's size is looked at first, and anything else (a FIFO, a device) is read no further
/// than one byte past the cap.
fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| {
        Error::Input(format!(
            "{shown}: cannot read the record: {}",
            crate::io_reason(&e)
        ))
    };
    let too_large = || {
        Error::Input(format!(
            "{shown}: larger than {} MiB, not a record",
            MAX_RECORD_BYTES / 1024 / 1024
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() > MAX_RECORD_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// `aftercare record show FILE`: the note as printed at the end of the call, the report of
/// the recorded case assessed again (the same disposition as `check --input` on it), or the
/// record itself, as text for `app` to print. Text from the file is shown with its control
/// characters made visible: a record is input, and input never drives the terminal. The rules
/// are loaded (by `load`) only for the report, which assesses the case again at `now`.
pub fn show(
    path: &Path,
    format: Option<crate::cli::RecordFormat>,
    load: &dyn Fn() -> Result<aftercare_core::rules::RuleSet, Error>,
    now: chrono::DateTime<chrono::FixedOffset>,
    style: crate::output::text::Style,
) -> Result<String, Error> {
    use crate::cli::RecordFormat;
    let shown = path.display();
    let bytes = read_capped(path)?;
    let file: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Input(format!("{shown}: not a record (JSON: {e})")))?;
    if file.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(Error::Input(format!(
            "{shown}: not a record (its \"format\" is not {FORMAT:?})"
        )));
    }
    let record: Record = serde_path_to_error::deserialize(&file)
        .map_err(|e| unreadable(&shown.to_string(), e, || Some(file.clone())))?;
    let text = match (format, &record.note) {
        // The file as read: a record is shown as it was saved.
        (Some(RecordFormat::Json), _) => {
            crate::output::json::to_string_pretty(&file).map_err(|e| Error::Io(e.to_string()))?
                + "\n"
        }
        (Some(RecordFormat::Note) | None, Some(note)) => visible(note),
        (Some(RecordFormat::Note), None) => {
            return Err(Error::Input(format!(
                "{shown}: this record has no note (a patient's questionnaire); use --format text"
            )))
        }
        (Some(RecordFormat::Text) | None, _) => {
            let rules = load()?;
            let assessment = aftercare_core::evaluate::assess_input(&record.case, &rules, now)
                .map_err(|e| Error::Input(format!("{shown}: case: {e}")))?;
            let mut out = crate::output::text::report_styled(&assessment, &rules, style);
            // A call stopped before the date was asked has day 0 in its case only to be
            // assessed (see `Answers::case_input`): replayed, the day is not asked, not
            // "0 hours since the treatment".
            if record.answers.treatment.is_none() {
                out = out.replacen(
                    &crate::output::text::day_line(assessment.days_since_treatment),
                    "Treatment date: not asked (the questions stopped before it).\n",
                    1,
                );
            }
            if record.disposition != assessment.disposition {
                out.push_str(&format!(
                    "\nDisposition in force (the nurse's change, recorded): {}\n",
                    record.disposition.code()
                ));
            }
            if let Some(call) = &record.call {
                if let Some(how) = &call.stopped {
                    out.push_str(&visible(&format!(
                        "The call was stopped ({how}){}.\n",
                        if call.before_instruction {
                            " before any disposition was given: the one above is of the answers \
                             so far, and was not said"
                        } else {
                            ""
                        }
                    )));
                }
            }
            out
        }
    };
    Ok(text)
}

/// Unsafe characters other than the line break shown as their code ("\u{1b}"), so that a
/// record's text cannot move the cursor, clear the screen or set the title.
fn visible(text: &str) -> String {
    aftercare_core::escape::visible_lines(text).into_owned()
}
