//! `aftercare check --input`: one case, or a JSON Lines stream of cases, in one process.
//!
//! The input is read line by line with a bounded buffer, never whole, so memory stays flat
//! however many cases come. A line that cannot be read gives an error record for that line
//! and the rest go on.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, FixedOffset};

use crate::output::{self, Format};
use aftercare_core::evaluate::{explain, triage};
use aftercare_core::input::{parse_json_case, CaseInput, InputError};
use aftercare_core::model::{Case, Disposition};
use aftercare_core::pretty_case::{PrettyCase, Step};
use aftercare_core::rules::RuleSet;

/// The longest line (or single document) read, in bytes. Longer ones are an input error.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

pub struct BatchOptions {
    pub format: Format,
    /// Stands in for a case's missing `assessed_at` when there is no `clock`.
    pub now: DateTime<FixedOffset>,
    /// Read for each case that has no `assessed_at`, so that a case is assessed when it is
    /// read, not when the stream started; `None` uses `now` for every case (a fixed `--now`).
    pub clock: Option<fn() -> DateTime<FixedOffset>>,
    /// Names the input in messages ("cases.jsonl", "standard input").
    pub input_name: String,
    /// Colour and width for `--format text`.
    pub style: output::text::Style,
}

/// What a run did, for the exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    pub cases: usize,
    pub errors: usize,
    /// Refused cases of which nothing above home care could be read (no `at_least`), and an
    /// empty input: cases not known at all. A refused case whose readable part gives a
    /// disposition counts as that disposition in `most_urgent` instead.
    pub unknown: usize,
    /// The most urgent disposition of all cases answered, and of the `at_least` of those
    /// refused.
    pub most_urgent: Option<Disposition>,
    /// The input held no case at all (one error is counted for it).
    pub empty_input: bool,
}

/// A line read by [`read_line_bounded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRead {
    /// The full length of the line, which is more than was kept when it was too long.
    pub len: usize,
    /// Whether the line used up all the reader had buffered, so that the next read may wait
    /// for more input.
    pub drained: bool,
}

/// Reads one line into `buf` (without its end), keeping at most `max` bytes. Returns
/// `None` at the end of input; `len` is more than `buf.len()` when the line was too long and
/// its tail was skipped.
pub fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<LineRead>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    let mut drained = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        let room = max.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        let used = done.unwrap_or(chunk.len());
        drained = used == available.len();
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') && total <= max {
        buf.pop();
        total -= 1;
    }
    Ok(Some(LineRead {
        len: total,
        drained,
    }))
}

/// Runs every case of `reader`, writing one result per case to `out`; the message for each
/// bad line is dropped (see [`run_reporting`]).
pub fn run<R: BufRead, W: Write>(
    reader: &mut R,
    out: &mut W,
    rules: &RuleSet,
    opts: &BatchOptions,
) -> io::Result<BatchSummary> {
    run_reporting(reader, out, &mut io::sink(), rules, opts)
}

/// Runs every case of `reader`, writing one record per case to `out`, each with a single
/// write call (so that a writer that keeps records whole, as the program's own does, never
/// shows half of one), and the one-line message for each bad line to `messages` as soon as
/// the line is read (made safe for a terminal; a failure to write it is ignored).
///
/// Every non-blank line gets exactly one record, in order, whatever came before it: a line is
/// bounded by its newline, and only a case pretty-printed over several lines (see
/// [`aftercare_core::pretty_case`]) is answered as one. [`crate::stream_contract`] states this.
pub fn run_reporting<R: BufRead, W: Write>(
    reader: &mut R,
    out: &mut W,
    messages: &mut (dyn Write + Send),
    rules: &RuleSet,
    opts: &BatchOptions,
) -> io::Result<BatchSummary> {
    let mut answers = Answers::new(out, messages, rules, opts);
    let mut buf = Vec::new();
    let mut framer = Framer::new();
    let mut drained = false;
    loop {
        // Answer what has been read before the next read can wait for more input, so that a
        // program feeding one case at a time gets each answer at once; in a batch the buffer
        // runs dry once in many cases.
        if drained {
            answers.out.flush()?;
        }
        let Some(LineRead { len, drained: dry }) =
            read_line_bounded(reader, &mut buf, MAX_LINE_BYTES)?
        else {
            break;
        };
        drained = dry;
        framer.line(&mut answers, &buf, len)?;
    }
    framer.finish(&mut answers)?;
    let Answers {
        out,
        messages,
        mut summary,
        ..
    } = answers;
    if summary.cases == 0 && summary.errors == 0 {
        summary.errors = 1;
        summary.unknown = 1;
        summary.empty_input = true;
        let mut record = Vec::new();
        match opts.format {
            Format::Json | Format::Compact => output::json::write_error(
                &mut record,
                &output::json::Refusal {
                    line: None,
                    id: None,
                    error: &InputError::new("", "empty input: expected a JSON case"),
                    at_least: None,
                    assessed_at: opts.clock.map_or(opts.now, |clock| clock()),
                },
                rules,
            )?,
            Format::Fhir => {
                let o = output::fhir::operation_outcome(
                    None,
                    "",
                    "empty input: expected a JSON case",
                    None,
                    rules,
                );
                crate::output::json::to_writer(&mut record, &o)?;
                record.push(b'\n');
            }
            Format::Text | Format::Disposition => {}
        }
        out.write_all(&record)?;
        say(
            messages,
            &format!("{}: empty input: expected a JSON case", opts.input_name),
        );
    }
    out.flush()?;
    Ok(summary)
}

/// Lines in, cases out: the one reading of a stream, for `check --input` and for `serve`
/// alike. A case is one line (JSON Lines) or a pretty-printed document over several lines
/// (see [`aftercare_core::pretty_case`]); blank lines between cases are skipped; a byte-order mark is
/// dropped before the first case.
#[derive(Default)]
pub struct Framer {
    line_no: usize,
    seen_case: bool,
    document: Option<Document>,
}

impl Framer {
    pub fn new() -> Self {
        Framer::default()
    }

    /// The number of lines read so far.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// One line without its end; `len` is its length before it was cut at the line limit.
    /// Its case is answered once it is whole. True when the line was part of a case (not
    /// a blank line between cases).
    pub fn line<W: Write>(
        &mut self,
        answers: &mut Answers<'_, W>,
        line: &[u8],
        len: usize,
    ) -> io::Result<bool> {
        self.line_no += 1;
        let (line, len) = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if !self.seen_case => (rest, len.saturating_sub(3)),
            _ => (line, len),
        };
        let too_long = len > MAX_LINE_BYTES;
        if let Some(doc) = &mut self.document {
            let step = if too_long {
                Step::Broken
            } else {
                doc.case.feed(line)
            };
            match step {
                Step::Open => {
                    doc.keep(line);
                    return Ok(true);
                }
                Step::Closed => {
                    doc.keep(line);
                    if let Some(doc) = self.document.take() {
                        answers.document(doc, true)?;
                    }
                    return Ok(true);
                }
                // The case ended unreadable on the line before; this line is read anew.
                Step::Broken => {
                    if let Some(doc) = self.document.take() {
                        answers.document(doc, false)?;
                    }
                }
            }
        }
        if !too_long && is_blank(line) {
            return Ok(false);
        }
        self.seen_case = true;
        if !too_long && PrettyCase::opens(line) {
            self.document = Some(Document::new(self.line_no, line));
            return Ok(true);
        }
        answers.line(line, len, self.line_no)?;
        Ok(true)
    }

    /// The end of the input: a document still open is answered as it stands (unreadable).
    pub fn finish<W: Write>(&mut self, answers: &mut Answers<'_, W>) -> io::Result<()> {
        if let Some(doc) = self.document.take() {
            answers.document(doc, false)?;
        }
        Ok(())
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// One message line, made safe for a terminal; a standard error that cannot be written
/// does not stop the answers.
fn say(messages: &mut (dyn Write + Send), message: &str) {
    let line = format!(
        "aftercare: error: {}\n",
        aftercare_core::escape::visible(message)
    );
    let _ = messages.write_all(line.as_bytes());
}

/// A case being read over several lines.
struct Document {
    /// The line it starts on, which its record names.
    first_no: usize,
    case: PrettyCase,
    /// Its text so far, while within the size limit.
    text: Vec<u8>,
    /// Longer than the limit: no more of its text is kept, only its structure followed.
    too_long: bool,
}

impl Document {
    fn new(first_no: usize, first_line: &[u8]) -> Self {
        Document {
            first_no,
            case: PrettyCase::new(),
            text: first_line.to_vec(),
            too_long: false,
        }
    }

    fn keep(&mut self, line: &[u8]) {
        if self.too_long {
            return;
        }
        if self.text.len() + 1 + line.len() > MAX_LINE_BYTES {
            self.too_long = true;
            // What came up to the limit stays, so that the warning signs it names still
            // count in the refusal (as for a line cut off).
            let room = MAX_LINE_BYTES.saturating_sub(self.text.len() + 1);
            self.text.push(b'\n');
            self.text.extend_from_slice(&line[..room.min(line.len())]);
        } else {
            self.text.push(b'\n');
            self.text.extend_from_slice(line);
        }
    }
}

/// The case id of a line that failed, if it can be read at all, so the error record can be
/// matched to its case.
fn salvage_id(raw: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<String>,
    }
    serde_json::from_slice::<IdOnly>(raw)
        .ok()
        .and_then(|c| c.id)
        .filter(|id| id.len() <= aftercare_core::input::MAX_ID_LEN)
}

/// Where the answers go, and what the run has seen so far: the per-case path of `check`,
/// which every front door that answers JSON cases (a stream here, `serve` over HTTP) calls.
pub struct Answers<'a, W: Write> {
    out: &'a mut W,
    messages: &'a mut (dyn Write + Send),
    rules: &'a RuleSet,
    opts: &'a BatchOptions,
    summary: BatchSummary,
    /// Reused for every compact line.
    scratch: String,
    /// Each record is built here, then written with one call.
    record: Vec<u8>,
}

impl<'a, W: Write> Answers<'a, W> {
    /// Answers go to `out`, one message line per bad line to `messages`.
    pub fn new(
        out: &'a mut W,
        messages: &'a mut (dyn Write + Send),
        rules: &'a RuleSet,
        opts: &'a BatchOptions,
    ) -> Self {
        Answers {
            out,
            messages,
            rules,
            opts,
            summary: BatchSummary::default(),
            scratch: String::new(),
            record: Vec::new(),
        }
    }

    /// What has been answered so far.
    pub fn summary(&self) -> &BatchSummary {
        &self.summary
    }

    /// Where the answers are written, for a caller that sends them on as they come.
    pub fn output(&mut self) -> &mut W {
        self.out
    }

    /// Answers a case read over several lines: `closed` when its braces closed, otherwise it
    /// was broken off (by the end of the input or by a line that cannot belong to it).
    fn document(&mut self, doc: Document, closed: bool) -> io::Result<()> {
        if doc.too_long {
            let e = InputError::new(
                "",
                format!("the case is longer than {MAX_LINE_BYTES} bytes"),
            );
            return self.case(Err(e), doc.first_no, Some(&doc.text));
        }
        let parsed = match std::str::from_utf8(&doc.text) {
            Ok(text) => parse_json_case(text).and_then(|case| {
                if closed {
                    Ok(case)
                } else {
                    Err(InputError::new(
                        "",
                        "the case ends before its closing brace",
                    ))
                }
            }),
            Err(e) => Err(InputError::new(
                "",
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )),
        };
        let raw = Some(doc.text.as_slice());
        self.case(parsed, doc.first_no, raw)
    }

    /// Answers one line of a stream (`len` is its full length, which may exceed `line`).
    pub fn line(&mut self, line: &[u8], len: usize, no: usize) -> io::Result<()> {
        let parsed = if len > MAX_LINE_BYTES {
            Err(InputError::new(
                "",
                format!("the line is {len} bytes long; the most is {MAX_LINE_BYTES}"),
            ))
        } else {
            match std::str::from_utf8(line) {
                Ok(text) => parse_json_case(text),
                Err(e) => Err(InputError::new(
                    "",
                    format!(
                        "not UTF-8 text (invalid byte at column {})",
                        e.valid_up_to() + 1
                    ),
                )),
            }
        };
        // A line too long is still searched as far as it was kept: a cut-off line.
        self.case(parsed, no, Some(line))
    }

    /// Answers a line that did not arrive whole (`kept` is what came of it): an error
    /// record, with the least that what came needs, as for any line that cannot be read.
    pub fn cut_off(&mut self, e: InputError, kept: &[u8], no: usize) -> io::Result<()> {
        self.case(Err(e), no, Some(kept))
    }

    /// Answers one case read from line `no` (or starting there).
    fn case(
        &mut self,
        parsed: Result<CaseInput, InputError>,
        no: usize,
        raw: Option<&[u8]>,
    ) -> io::Result<()> {
        let (rules, opts) = (self.rules, self.opts);
        let now = opts.clock.map_or(opts.now, |clock| clock());
        // A case that reads but does not resolve (an unknown symptom id) still has its id.
        // The rest of the input moves into the case rather than being copied.
        // The FHIR response holds the answers as given, so it keeps the input.
        let mut given = None;
        let (resolved, case_id) = match parsed {
            Ok(input) => {
                let id = input.id.clone();
                if opts.format == Format::Fhir {
                    given = Some(input.clone());
                }
                match input.into_case(rules, now) {
                    Ok(case) => (Ok(case), None),
                    Err(e) => (
                        Err(e),
                        id.filter(|id| id.len() <= aftercare_core::input::MAX_ID_LEN),
                    ),
                }
            }
            Err(e) => (Err(e), None),
        };
        self.record.clear();
        match resolved {
            Ok(case) => self.result(&case, given.as_ref(), now, no)?,
            Err(e) => {
                let id = case_id.or_else(|| raw.and_then(salvage_id));
                self.refusal(&e, id, raw, now, no)?
            }
        }
        if !self.record.is_empty() {
            self.out.write_all(&self.record)?;
        }
        Ok(())
    }

    /// Builds the result of a case that resolved, in the format asked, in the record.
    /// `given` is the case as given (kept for the FHIR format only).
    fn result(
        &mut self,
        case: &Case,
        given: Option<&CaseInput>,
        now: DateTime<FixedOffset>,
        no: usize,
    ) -> io::Result<()> {
        let (rules, opts) = (self.rules, self.opts);
        let (summary, record) = (&mut self.summary, &mut self.record);
        let t = triage(case, rules);
        summary.cases += 1;
        summary.most_urgent = summary.most_urgent.max(Some(t.disposition));
        match opts.format {
            Format::Json => output::json::write_assessment(record, &explain(case, &t, rules))?,
            Format::Compact => {
                output::json::write_compact(record, case, &t, rules, &mut self.scratch)?
            }
            Format::Text => {
                if summary.cases + summary.errors > 1 {
                    record.push(b'\n');
                }
                let report =
                    output::text::report_styled(&explain(case, &t, rules), rules, opts.style);
                record.extend_from_slice(report.as_bytes());
            }
            Format::Disposition => writeln!(record, "{}", t.disposition)?,
            Format::Fhir => {
                let input = given.expect("kept for the FHIR format");
                let a = explain(case, &t, rules);
                let b = fhir_bundle(input, &a, rules, now, no);
                crate::output::json::to_writer(&mut *record, &b)?;
                record.push(b'\n');
            }
        }
        Ok(())
    }

    /// Builds the refusal of a case that cannot be read, in the format asked, in the
    /// record, and says why on the messages. `id` is the case's, when it could be read.
    fn refusal(
        &mut self,
        e: &InputError,
        id: Option<String>,
        raw: Option<&[u8]>,
        now: DateTime<FixedOffset>,
        no: usize,
    ) -> io::Result<()> {
        let (rules, opts) = (self.rules, self.opts);
        let (summary, record) = (&mut self.summary, &mut self.record);
        summary.errors += 1;
        // A refusal never hides an emergency: what could be read of the case still
        // gives the least it needs (clinical reference section 6).
        let at_least = raw.and_then(|r| aftercare_core::refusal::readable_floor(r, rules, now));
        match at_least {
            Some(d) => summary.most_urgent = summary.most_urgent.max(Some(d)),
            None => summary.unknown += 1,
        }
        say(
            self.messages,
            &format!("{}: line {no}: {e}", opts.input_name),
        );
        match opts.format {
            Format::Json | Format::Compact => output::json::write_error(
                record,
                &output::json::Refusal {
                    line: Some(no),
                    id: id.as_deref(),
                    error: e,
                    at_least,
                    assessed_at: now,
                },
                rules,
            )?,
            // Keep one line out per case in: a script reading codes can still count.
            // When what could be read needs more than home care, the line is that
            // disposition, bare: a script matching exact codes
            // (`call_emergency_now|go_to_ed_now)`) must see the emergency, and any
            // suffix ("error at_least=...") would slip past such a pattern. It is a
            // floor, so acting on it never does less than the case needs as far as it
            // could be read; the refusal still shows in the exit code (3, or 14/15
            // with --disposition-exit-code) and on standard error. `error` stays for
            // a case of which nothing above home care could be read: a refused case
            // never prints `home_care`.
            Format::Disposition => match at_least {
                Some(d) => writeln!(record, "{d}")?,
                None => writeln!(record, "error")?,
            },
            Format::Fhir => {
                let o = output::fhir::operation_outcome(
                    Some(no),
                    &e.field,
                    &e.message,
                    at_least,
                    rules,
                );
                crate::output::json::to_writer(&mut *record, &o)?;
                record.push(b'\n');
            }
            Format::Text => {
                if let Some(d) = at_least {
                    if summary.cases + summary.errors > 1 {
                        record.push(b'\n');
                    }
                    let report = refused_at_least_text(d, no, rules, opts.style);
                    record.extend_from_slice(report.as_bytes());
                }
            }
        }
        Ok(())
    }
}

/// The text report of a case refused whose readable part needs at least `d`: that
/// disposition's heading and action, and why it is only a floor.
fn refused_at_least_text(
    d: Disposition,
    no: usize,
    rules: &RuleSet,
    style: output::text::Style,
) -> String {
    let text = rules.disposition_text(d);
    format!(
        "{}\n{}\n",
        output::text::heading(d, &text.label, style.color),
        output::text::wrap(
            &format!(
                "{} (The case on line {no} could not be read in full; what could be read of it needs at least this.)",
                text.action
            ),
            style.width,
            "",
            ""
        )
    )
}

/// A case as a FHIR bundle: the answers as given, assessed at the case's own time when it
/// gives one (a date alone stays a date), else at `now`.
fn fhir_bundle(
    input: &aftercare_core::input::CaseInput,
    a: &aftercare_core::model::Assessment,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    line: usize,
) -> serde_json::Value {
    let (assessed_at, instant) = match &input.assessed_at {
        Some(text) => {
            let last = aftercare_core::when::parse_case_time(text, now.offset())
                .map_or(now, |(_, last)| last);
            (
                output::fhir::date_time(text).unwrap_or_else(|| last.to_rfc3339()),
                last,
            )
        }
        None => (now.to_rfc3339(), now),
    };
    let assessed = output::fhir::Assessed {
        mode: crate::conversation::Mode::Patient,
        answers: output::fhir::case_answers(input, instant),
        assessed_at,
        instant: instant.to_rfc3339(),
        case_id: input.id.as_deref(),
        findings: &a.findings,
        computed: a.disposition,
        disposition: a.disposition,
        override_note: None,
        author: None,
        stopped: false,
        rule_set: &a.rule_set,
        seed: line as u64,
    };
    output::fhir::bundle(rules, &assessed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules, parsed once for all the tests of this module.
    fn rules() -> &'static RuleSet {
        crate::built_in_rules_for_tests()
    }

    fn run_as(format: Format, input: &str) -> String {
        let opts = BatchOptions {
            format,
            now: DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap(),
            clock: None,
            input_name: "test".into(),
            style: output::text::Style::plain(),
        };
        let mut out = Vec::new();
        run(&mut input.as_bytes(), &mut out, rules(), &opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn run_json(input: &str) -> Vec<serde_json::Value> {
        run_as(Format::Json, input)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn a_broken_first_line_fails_alone() {
        // An unfinished first line must not swallow the stream behind it (found in review:
        // it was read as the start of one pretty-printed case, to the end of the input).
        let mut input = String::from(r#"{"id": "a", "days_since_treatment": 1,"#);
        input.push('\n');
        for id in ["b", "c"] {
            input.push_str(&format!(
                r#"{{"id": "{id}", "days_since_treatment": 1, "symptoms": [{{"id": "fainting"}}]}}"#
            ));
            input.push('\n');
        }
        let out = run_json(&input);
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0]["line"], 1);
        assert!(out[0]["error"].is_object());
        for (r, id) in out[1..].iter().zip(["b", "c"]) {
            assert_eq!(r["id"], id);
            assert_eq!(r["disposition"], "call_emergency_now");
        }
    }

    #[test]
    fn a_broken_first_line_before_more_than_a_mebibyte_of_cases_loses_none() {
        let mut input = String::from(r#"{"id":"a","days_since_treatment":1,"symptoms":["#);
        input.push('\n');
        let case = r#"{"id":"x","days_since_treatment":1,"symptoms":[{"id":"fainting"}]}"#;
        for _ in 0..20_000 {
            input.push_str(case);
            input.push('\n');
        }
        assert!(input.len() > MAX_LINE_BYTES);
        // One word a case is enough to count them: the full answers are checked above.
        let out = run_as(Format::Disposition, &input);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 20_001);
        assert_eq!(lines[0], "error");
        assert!(lines[1..].iter().all(|&d| d == "call_emergency_now"));
    }

    #[test]
    fn a_pretty_printed_case_is_one_case_and_one_followed_by_more_is_not_lost() {
        let pretty = "{\n  \"id\": \"p\",\n  \"days_since_treatment\": 1,\n  \"symptoms\": []\n}\n";
        let out = run_json(pretty);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["disposition"], "home_care");
        // Followed by a one-line case: the pretty-printed case ends at its closing brace,
        // and the next line is a case of its own.
        let input = format!(
            "{pretty}{}\n",
            r#"{"id": "q", "days_since_treatment": 1, "symptoms": [{"id": "fever"}]}"#
        );
        let out = run_json(&input);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0]["id"], "p");
        assert_eq!(out[1]["id"], "q");
        assert_eq!(out[1]["disposition"], "see_today");
    }

    #[test]
    fn a_case_cut_off_after_its_opening_brace_holds_back_no_later_case() {
        // `{` alone, then whole cases: the first is one unreadable case and each later line
        // is answered as soon as it is read, not at the end of the input.
        let case = r#"{"id":"x","days_since_treatment":1,"symptoms":[{"id":"fainting"}]}"#;
        let out = run_json(&format!("{{\n{case}\n{case}\n"));
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0]["line"], 1);
        assert!(out[1..]
            .iter()
            .all(|r| r["disposition"] == "call_emergency_now"));
    }

    #[test]
    fn an_error_record_keeps_the_case_id_whatever_the_error() {
        let out = run_json(concat!(
            r#"{"id": "a", "days_since_treatment": 1, "symptoms": [{"id": "rednes"}]}"#,
            "\n",
            r#"{"id": "b", "days_since_treatment": -1, "symptoms": []}"#,
            "\n",
            r#"{"id": "c", "days_since_treatment": 1, "symptons": []}"#,
            "\n",
        ));
        let ids: Vec<&serde_json::Value> = out.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(out[0]["error"]["field"], "symptoms[0].id");
        assert_eq!(out[1]["line"], 2);
    }
}
